import { queryString, requestJson } from './client';
import type { Page } from './types';
import type { SessionWatchReport, WatchedSession } from '../../../../libs/audit/src/watch-report/watch-report-builder';

// The report's shapes are the server's own (libs/audit, a pure file): one definition for both sides.
export type { SessionWatchReport, VisitEnd, WatchVisit, WatchedSession, WatcherSummary } from '../../../../libs/audit/src/watch-report/watch-report-builder';
export { AUDIT_EVENT_NAMES } from '../../../../libs/common/src/audit-vocabulary';

/** One CloudTrail-shaped audit record, as `GET /api/audit` serves it (the fields the console reads). */
export interface AuditRecord {
  eventID: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  userIdentity: { type: string; userName?: string; principalId?: string; accessKeyId?: string };
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
  requestID: string;
  sessionId?: string;
  seq: number;
}

/** `GET /api/audit/verify`: the chain's verdict (head and newest signed checkpoint). */
export interface AuditVerdict {
  ok: boolean;
  checked: number;
  brokenAt?: number;
  reason?: string;
  head?: { seq: number; hash: string };
  checkpoint?: { seq: number; hash: string; at: string; keyId: string } | null;
  checkpoints?: { total: number; verified: number; untrusted: number };
}

export interface UserWatchReport {
  user: string;
  from: string;
  to: string;
  sessions: WatchedSession[];
  truncated?: boolean;
}

export const auditApi = {
  /** `query` is a query string built by queryString() (filters, limit, nextToken) */
  records: (token: string, query: string, signal?: AbortSignal) => requestJson<Page<AuditRecord>>(`/api/audit${query}`, { token, signal }),

  verify: (token: string) => requestJson<AuditVerdict>('/api/audit/verify', { token }),

  sessionWatchers: (token: string, sessionId: string) =>
    requestJson<SessionWatchReport & { truncated?: boolean }>(`/api/sessions/${encodeURIComponent(sessionId)}/watchers-report`, { token }),

  sessionWatchersCsv: (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/watchers-report?format=csv`,

  watched: (token: string, params: { user?: string; from?: string; to?: string }) =>
    requestJson<UserWatchReport>(`/api/audit/watched${queryString(params)}`, { token }),

  watchedCsv: (params: { user?: string; from?: string; to?: string }) => `/api/audit/watched${queryString({ ...params, format: 'csv' })}`,
};
