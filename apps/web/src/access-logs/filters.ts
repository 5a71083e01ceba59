import { queryString } from '../api/client';

/** The search form's values, as kept in the address bar (dates as datetime-local, local time). */
export interface AccessLogFilters {
  user: string;
  owner: string;
  type: string;
  target: string;
  from: string;
  to: string;
  q: string;
}

export const FILTER_KEYS: (keyof AccessLogFilters)[] = ['user', 'owner', 'type', 'target', 'from', 'to', 'q'];

export const EMPTY_FILTERS: AccessLogFilters = { user: '', owner: '', type: '', target: '', from: '', to: '', q: '' };

export function filtersFromSearch(search: URLSearchParams): AccessLogFilters {
  const filters = { ...EMPTY_FILTERS };
  for (const key of FILTER_KEYS) filters[key] = search.get(key) ?? '';
  return filters;
}

/** `?user=..` for the address bar: the form values as typed. */
export function filtersToSearch(filters: AccessLogFilters): string {
  return queryString({ ...filters });
}

/** Local datetime-local value → ISO-8601 UTC for the API; '' stays unset. */
export function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The API's query parameters for these filters (trimmed, dates as ISO). */
export function apiParams(filters: AccessLogFilters): Record<string, string | undefined> {
  const trimmed = (v: string) => v.trim() || undefined;
  return {
    user: trimmed(filters.user),
    owner: trimmed(filters.owner),
    type: filters.type || undefined,
    target: trimmed(filters.target),
    from: toIso(filters.from),
    to: toIso(filters.to),
    q: trimmed(filters.q),
  };
}
