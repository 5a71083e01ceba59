import { queryString } from '../api/client';
import { toIso } from '../access-logs/filters';

/** The audit page's filters, as kept in the address bar (dates as datetime-local, local time). */
export interface AuditFilters {
  from: string;
  to: string;
  eventName: string;
  user: string;
  sessionId: string;
  sourceIp: string;
  /** 'true' or '' */
  errorsOnly: string;
}

const KEYS: (keyof AuditFilters)[] = ['from', 'to', 'eventName', 'user', 'sessionId', 'sourceIp', 'errorsOnly'];

export const EMPTY_AUDIT_FILTERS: AuditFilters = { from: '', to: '', eventName: '', user: '', sessionId: '', sourceIp: '', errorsOnly: '' };

export const AUDIT_PAGE_SIZES = [25, 50, 100];

export function auditFiltersFromSearch(search: URLSearchParams): AuditFilters {
  const filters = { ...EMPTY_AUDIT_FILTERS };
  for (const key of KEYS) filters[key] = search.get(key) ?? '';
  if (filters.errorsOnly !== 'true') filters.errorsOnly = '';
  return filters;
}

/** `?eventName=..` for the address bar: the form values as typed. */
export function auditFiltersToSearch(filters: AuditFilters, limit?: number): string {
  return queryString({ ...filters, limit });
}

/** The API's query parameters for these filters (trimmed, dates as ISO). */
export function auditApiParams(filters: AuditFilters): Record<string, string | undefined> {
  const trimmed = (v: string) => v.trim() || undefined;
  return {
    from: toIso(filters.from),
    to: toIso(filters.to),
    eventName: filters.eventName || undefined,
    user: trimmed(filters.user),
    sessionId: trimmed(filters.sessionId)?.toLowerCase(),
    sourceIp: trimmed(filters.sourceIp),
    errorsOnly: filters.errorsOnly === 'true' ? 'true' : undefined,
  };
}
