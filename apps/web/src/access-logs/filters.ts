import { queryString } from '../api/client';

/** How the user and target fields match (the API's userMatch / targetMatch). */
export const MATCH_MODES = [
  { value: 'exact', label: 'is' },
  { value: 'prefix', label: 'starts with' },
  { value: 'contains', label: 'contains (slower)' },
] as const;

/** The search form's values, as kept in the address bar (dates as datetime-local, local time). */
export interface AccessLogFilters {
  user: string;
  userMatch: string;
  owner: string;
  type: string;
  target: string;
  targetMatch: string;
  from: string;
  to: string;
  q: string;
  /** 'true' or '' */
  hasRecording: string;
}

export const FILTER_KEYS: (keyof AccessLogFilters)[] = ['user', 'userMatch', 'owner', 'type', 'target', 'targetMatch', 'from', 'to', 'q', 'hasRecording'];

export const EMPTY_FILTERS: AccessLogFilters = {
  user: '',
  userMatch: '',
  owner: '',
  type: '',
  target: '',
  targetMatch: '',
  from: '',
  to: '',
  q: '',
  hasRecording: '',
};

const isMode = (v: string) => MATCH_MODES.some((m) => m.value === v && v !== 'exact');

export function filtersFromSearch(search: URLSearchParams): AccessLogFilters {
  const filters = { ...EMPTY_FILTERS };
  for (const key of FILTER_KEYS) filters[key] = search.get(key) ?? '';
  if (!isMode(filters.userMatch)) filters.userMatch = '';
  if (!isMode(filters.targetMatch)) filters.targetMatch = '';
  if (filters.hasRecording !== 'true') filters.hasRecording = '';
  return filters;
}

/** `?user=..` for the address bar: the form values as typed (the default match mode left out). */
export function filtersToSearch(filters: AccessLogFilters): string {
  return queryString({
    ...filters,
    userMatch: isMode(filters.userMatch) ? filters.userMatch : undefined,
    targetMatch: isMode(filters.targetMatch) ? filters.targetMatch : undefined,
    hasRecording: filters.hasRecording === 'true' ? 'true' : undefined,
  });
}

/** Local datetime-local value → ISO-8601 UTC for the API; '' stays unset. */
export function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The API's query parameters for these filters (trimmed, dates as ISO; a mode only with its text). */
export function apiParams(filters: AccessLogFilters): Record<string, string | undefined> {
  const trimmed = (v: string) => v.trim() || undefined;
  const user = trimmed(filters.user);
  const target = trimmed(filters.target);
  return {
    user,
    userMatch: user && isMode(filters.userMatch) ? filters.userMatch : undefined,
    owner: trimmed(filters.owner),
    type: filters.type || undefined,
    target,
    targetMatch: target && isMode(filters.targetMatch) ? filters.targetMatch : undefined,
    from: toIso(filters.from),
    to: toIso(filters.to),
    q: trimmed(filters.q),
    hasRecording: filters.hasRecording === 'true' ? 'true' : undefined,
  };
}
