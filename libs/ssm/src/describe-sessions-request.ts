import { AwsErrors } from '@vigil/aws-protocol';
import { SESSION_STATUSES, SessionStatus } from '@vigil/common';
import { ownerFromFilter } from './owner-arn';
import { SsmErrors } from './ssm-errors';

export const SESSION_STATES = ['Active', 'History'] as const;
export type SessionState = (typeof SESSION_STATES)[number];
export const FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Target', 'Owner', 'Status', 'SessionId', 'AccessType'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const ACCESS_TYPES = ['Standard', 'JustInTime'] as const;

/** AWS documents the bounds (1..200) but no default; Vigil answers 20 per page without one. */
export const DEFAULT_MAX_RESULTS = 20;
export const MAX_MAX_RESULTS = 200;
export const MAX_FILTERS = 6;
export const MAX_FILTER_VALUE = 400;

/** What a DescribeSessions request asks, validated. */
export interface DescribeSessionsQuery {
  state: SessionState;
  maxResults: number;
  nextToken?: string;
  filters: SessionFilters;
}

export interface SessionFilters {
  /** started at or after (epoch ms) */
  startedFrom?: number;
  /** started before (epoch ms) */
  startedBefore?: number;
  target?: string;
  /** a username (an ARN in the filter is reduced to its name) */
  owner?: string;
  status?: SessionStatus;
  sessionId?: string;
  accessType?: (typeof ACCESS_TYPES)[number];
}

/**
 * Validates a DescribeSessions body the way SSM does, since no client validates anything that
 * matters (the SDK sends `MaxResults: 500`, the CLI `State: "Foo"`, seven filters, unknown keys):
 * wrong JSON types → SerializationException; constraint violations → one ValidationException
 * listing them all in AWS's words; an unknown filter key → InvalidFilterKey; then each value's
 * meaning (dates, statuses) → ValidationException. Pure.
 */
export function parseDescribeSessions(input: Record<string, unknown>): DescribeSessionsQuery {
  const { State, MaxResults, NextToken, Filters } = input;
  if (State !== undefined && State !== null && typeof State !== 'string') throw typeError('State', 'a string');
  if (MaxResults !== undefined && MaxResults !== null && !Number.isInteger(MaxResults)) throw typeError('MaxResults', 'an integer');
  if (NextToken !== undefined && NextToken !== null && typeof NextToken !== 'string') throw typeError('NextToken', 'a string');
  if (Filters !== undefined && Filters !== null && !Array.isArray(Filters)) throw typeError('Filters', 'a list');
  const filters = (Filters ?? []) as unknown[];
  filters.forEach((f, i) => {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw typeError(`Filters[${i}]`, 'a structure {key, value}');
    const { key, value } = f as Record<string, unknown>;
    if (key !== undefined && key !== null && typeof key !== 'string') throw typeError(`Filters[${i}].key`, 'a string');
    if (value !== undefined && value !== null && typeof value !== 'string') throw typeError(`Filters[${i}].value`, 'a string');
  });

  const problems: string[] = [];
  if (State === undefined || State === null) problems.push(`Value null at 'state' failed to satisfy constraint: Member must not be null`);
  else if (!(SESSION_STATES as readonly string[]).includes(State as string)) {
    problems.push(`Value '${clip(State as string)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${SESSION_STATES.join(', ')}]`);
  }
  if (typeof MaxResults === 'number' && MaxResults > MAX_MAX_RESULTS) {
    problems.push(`Value '${MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_MAX_RESULTS}`);
  }
  if (typeof MaxResults === 'number' && MaxResults < 1) problems.push(`Value '${MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  if (Filters !== undefined && Filters !== null && filters.length < 1) problems.push(`Value '[]' at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (filters.length > MAX_FILTERS) problems.push(`Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTERS}`);
  filters.forEach((f, i) => {
    const { key, value } = f as { key?: string | null; value?: string | null };
    const at = `filters.${i + 1}.member`;
    if (key === undefined || key === null) problems.push(`Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    if (value === undefined || value === null) problems.push(`Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
    else if (value.length < 1) problems.push(`Value '' at '${at}.value' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    else if (value.length > MAX_FILTER_VALUE) {
      problems.push(`Value at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTER_VALUE}`);
    }
  });
  if (problems.length > 0) throw AwsErrors.validation(`${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);

  const pairs = filters as { key: string; value: string }[];
  for (const { key } of pairs) if (!(FILTER_KEYS as readonly string[]).includes(key)) throw SsmErrors.invalidFilterKey(key, FILTER_KEYS);

  const parsed: SessionFilters = {};
  const seen = new Set<string>();
  for (const { key, value } of pairs) {
    if (seen.has(key)) throw AwsErrors.validation(`Filter key ${key} is given more than once: give each key at most once`);
    seen.add(key);
    applyFilter(parsed, key as FilterKey, value);
  }
  return {
    state: State as SessionState,
    maxResults: (MaxResults as number | undefined | null) ?? DEFAULT_MAX_RESULTS,
    ...(NextToken !== undefined && NextToken !== null ? { nextToken: NextToken as string } : {}),
    filters: parsed,
  };
}

function applyFilter(filters: SessionFilters, key: FilterKey, value: string): void {
  switch (key) {
    case 'InvokedAfter':
      filters.startedFrom = parseIsoDate(key, value);
      return;
    case 'InvokedBefore':
      filters.startedBefore = parseIsoDate(key, value);
      return;
    case 'Target':
      filters.target = value;
      return;
    case 'Owner':
      filters.owner = ownerFromFilter(value);
      return;
    case 'SessionId':
      filters.sessionId = value;
      return;
    case 'Status':
      if (!(SESSION_STATUSES as readonly string[]).includes(value)) {
        throw AwsErrors.validation(`Filter value '${clip(value)}' for key Status is not valid. Valid values: ${SESSION_STATUSES.join(', ')}`);
      }
      filters.status = value as SessionStatus;
      return;
    case 'AccessType':
      if (!(ACCESS_TYPES as readonly string[]).includes(value)) {
        throw AwsErrors.validation(`Filter value '${clip(value)}' for key AccessType is not valid. Valid values: ${ACCESS_TYPES.join(', ')}`);
      }
      filters.accessType = value as (typeof ACCESS_TYPES)[number];
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO-8601 (`2024-08-29T00:00:00Z`, a date alone, an offset); no zone means UTC. Impossible dates are refused, not rolled over. */
export function parseIsoDate(key: string, value: string): number {
  const m = ISO_DATE.exec(value);
  const refuse = () => AwsErrors.validation(`Filter value '${clip(value)}' for key ${key} is not a valid ISO-8601 date and time, e.g. 2024-08-29T00:00:00Z`);
  if (!m) throw refuse();
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m;
  const day = new Date(Date.UTC(+y, +mo - 1, +d));
  if (day.getUTCFullYear() !== +y || day.getUTCMonth() !== +mo - 1 || day.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) throw refuse();
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(-2)) * 60_000;
  if (zone !== 'Z' && (+zone.slice(1, 3) > 23 || +zone.slice(-2) > 59)) throw refuse();
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number(`0.${fraction || '0'}`) * 1000)) - offset;
}

function typeError(member: string, expected: string) {
  return AwsErrors.serialization(`${member} must be ${expected}`);
}

const clip = (value: string) => (value.length > 64 ? `${value.slice(0, 64)}…` : value);
