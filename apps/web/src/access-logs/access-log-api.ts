import { requestJson } from '../api/client';
import type { AccessLogView, ColumnInfo, Page } from '../api/types';

/** How many entries match: exactly `count` when `exact`, otherwise more than `count` (the server stops counting there). */
export interface AccessLogTotal {
  count: number;
  exact: boolean;
}

export interface AccessLogPage extends Page<AccessLogView> {
  total: AccessLogTotal;
}

export interface AccessLogColumnsResponse {
  columns: string[];
  defaults: string[];
  available: ColumnInfo[];
}

/** The access-log page's calls (GET /api/access-logs with its total, the caller's column choice). */
export const accessLogApi = {
  search: (token: string, query: string) => requestJson<AccessLogPage>(`/api/access-logs${query}`, { token }),
  columns: (token: string) => requestJson<AccessLogColumnsResponse>('/api/me/access-log-columns', { token }),
  saveColumns: (token: string, columns: string[]) =>
    requestJson<{ columns: string[] }>('/api/me/access-log-columns', { method: 'PUT', token, body: { columns } }),
};

/** "42 entries", "1 entry", "More than 10,000 entries". */
export function describeTotal(total: AccessLogTotal): string {
  const n = total.count.toLocaleString('en-US');
  if (!total.exact) return `More than ${n} entries`;
  return `${n} ${total.count === 1 ? 'entry' : 'entries'}`;
}
