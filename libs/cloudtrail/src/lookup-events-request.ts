import { AwsErrors } from '@vigil/aws-protocol';
import type { AuditFilter } from '@vigil/audit';
import { CloudTrailErrors } from './cloudtrail-errors';

export const LOOKUP_ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];
/** CloudTrail's Insights lookups take only these keys. */
export const INSIGHT_ATTRIBUTE_KEYS: readonly LookupAttributeKey[] = ['EventId', 'EventName', 'EventSource'];
export const EVENT_CATEGORIES = ['insight'] as const;

/** CloudTrail's documented bounds and default. */
export const MAX_MAX_RESULTS = 50;
export const DEFAULT_MAX_RESULTS = 50;
/** No AWS-documented bound: long enough for any ARN or name, short enough to keep queries cheap. */
export const MAX_ATTRIBUTE_VALUE = 1024;
/** 9999-12-31T23:59:59Z: the last instant an ISO date (and every client) can name. */
export const MAX_EPOCH_SECONDS = 253_402_300_799;

/** What the audit store is asked: AuditFilter minus paging, which the operation adds. */
export type LookupFilter = Omit<AuditFilter, 'limit' | 'beforeSeq'>;

/** A LookupEvents request, validated. */
export interface LookupEventsQuery {
  filter: LookupFilter;
  /** ResourceType is matched on each record's `resources` (the store indexes names, not types) */
  resourceType?: string;
  maxResults: number;
  nextToken?: string;
  /** EventCategory `insight`: Vigil produces no Insights events, so such a lookup finds none */
  insight: boolean;
  /** a canonical description of the query (not of the page size): what a NextToken is bound to */
  binding: { attribute: { key: LookupAttributeKey; value: string } | null; startTime: number | null; endTime: number | null; insight: boolean };
}

/**
 * Validates a LookupEvents body as CloudTrail does, since the CLI checks almost nothing (it sends
 * `MaxResults: 51`, any AttributeKey, any EventCategory): wrong JSON types → SerializationException;
 * a missing key or value → ValidationException in AWS's words; then CloudTrail's own errors: more
 * than one or an unknown lookup attribute, a bad ReadOnly value → InvalidLookupAttributesException;
 * times out of range or reversed → InvalidTimeRangeException; MaxResults outside 1..50 →
 * InvalidMaxResultsException; EventCategory other than `insight` → InvalidEventCategoryException.
 * Times are epoch seconds (awsJson timestamps, possibly fractional). Pure.
 */
export function parseLookupEvents(input: Record<string, unknown>): LookupEventsQuery {
  const { LookupAttributes, StartTime, EndTime, EventCategory, MaxResults, NextToken } = input;
  if (!absent(LookupAttributes) && !Array.isArray(LookupAttributes)) throw typeError('LookupAttributes', 'a list');
  if (!absent(StartTime) && typeof StartTime !== 'number') throw typeError('StartTime', 'a timestamp (epoch seconds)');
  if (!absent(EndTime) && typeof EndTime !== 'number') throw typeError('EndTime', 'a timestamp (epoch seconds)');
  if (!absent(EventCategory) && typeof EventCategory !== 'string') throw typeError('EventCategory', 'a string');
  if (!absent(MaxResults) && !Number.isInteger(MaxResults)) throw typeError('MaxResults', 'an integer');
  if (!absent(NextToken) && typeof NextToken !== 'string') throw typeError('NextToken', 'a string');
  const attributes = (LookupAttributes ?? []) as unknown[];
  // The shape is checked before the count, as a deserializer would.
  attributes.slice(0, 16).forEach((a, i) => {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) throw typeError(`LookupAttributes[${i}]`, 'a structure {AttributeKey, AttributeValue}');
    const { AttributeKey, AttributeValue } = a as Record<string, unknown>;
    if (!absent(AttributeKey) && typeof AttributeKey !== 'string') throw typeError(`LookupAttributes[${i}].AttributeKey`, 'a string');
    if (!absent(AttributeValue) && typeof AttributeValue !== 'string') throw typeError(`LookupAttributes[${i}].AttributeValue`, 'a string');
  });
  const missing: string[] = [];
  attributes.slice(0, 16).forEach((a, i) => {
    const { AttributeKey, AttributeValue } = a as Record<string, unknown>;
    if (absent(AttributeKey)) missing.push(`Value null at 'lookupAttributes.${i + 1}.member.attributeKey' failed to satisfy constraint: Member must not be null`);
    if (absent(AttributeValue)) missing.push(`Value null at 'lookupAttributes.${i + 1}.member.attributeValue' failed to satisfy constraint: Member must not be null`);
  });
  if (missing.length > 0) throw AwsErrors.validation(`${missing.length} validation error${missing.length > 1 ? 's' : ''} detected: ${missing.join('; ')}`);

  if (attributes.length > 1) throw CloudTrailErrors.invalidLookupAttributes('You cannot specify more than one lookup attribute.');
  const insight = eventCategory(EventCategory as string | undefined | null);
  const attribute = attributes.length === 1 ? lookupAttribute(attributes[0] as { AttributeKey: string; AttributeValue: string }, insight) : null;

  const startTime = epochSeconds('StartTime', StartTime as number | undefined | null);
  const endTime = epochSeconds('EndTime', EndTime as number | undefined | null);
  if (startTime !== null && endTime !== null && startTime > endTime) throw CloudTrailErrors.invalidTimeRange('The start time must not be after the end time.');

  const maxResults = (MaxResults as number | undefined | null) ?? DEFAULT_MAX_RESULTS;
  if (maxResults < 1 || maxResults > MAX_MAX_RESULTS) {
    throw CloudTrailErrors.invalidMaxResults(`MaxResults ${maxResults} is not valid: give a number from 1 through ${MAX_MAX_RESULTS}.`);
  }

  const filter: LookupFilter = {};
  // Audit times are whole milliseconds: at >= s·1000 is at >= ceil(s·1000), at <= e·1000 is at <= floor(e·1000).
  if (startTime !== null) filter.from = Math.ceil(startTime * 1000);
  if (endTime !== null) filter.to = Math.floor(endTime * 1000);
  let resourceType: string | undefined;
  if (attribute) {
    const { key, value } = attribute;
    switch (key) {
      case 'EventId':
        filter.eventId = value;
        break;
      case 'EventName':
        filter.eventName = value;
        break;
      case 'ReadOnly':
        filter.readOnly = value === 'true';
        break;
      case 'Username':
        filter.user = value;
        break;
      case 'ResourceType':
        resourceType = value;
        break;
      case 'ResourceName':
        filter.resourceName = value;
        break;
      case 'EventSource':
        filter.eventSource = value;
        break;
      case 'AccessKeyId':
        filter.accessKeyId = value;
    }
  }
  return {
    filter,
    ...(resourceType !== undefined ? { resourceType } : {}),
    maxResults,
    ...(!absent(NextToken) ? { nextToken: NextToken as string } : {}),
    insight,
    binding: { attribute, startTime, endTime, insight },
  };
}

function lookupAttribute(given: { AttributeKey: string; AttributeValue: string }, insight: boolean): { key: LookupAttributeKey; value: string } {
  const key = given.AttributeKey;
  const value = given.AttributeValue;
  if (!(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw CloudTrailErrors.invalidLookupAttributes(`Lookup attribute key '${clip(key)}' is not valid. Valid keys: ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}`);
  }
  if (insight && !INSIGHT_ATTRIBUTE_KEYS.includes(key as LookupAttributeKey)) {
    throw CloudTrailErrors.invalidLookupAttributes(`Lookup attribute key '${key}' is not valid for Insights events. Valid keys: ${INSIGHT_ATTRIBUTE_KEYS.join(', ')}`);
  }
  if (value.length < 1 || value.length > MAX_ATTRIBUTE_VALUE) {
    throw CloudTrailErrors.invalidLookupAttributes(`The value of lookup attribute ${key} must be 1 to ${MAX_ATTRIBUTE_VALUE} characters long.`);
  }
  if (key === 'ReadOnly' && value !== 'true' && value !== 'false') {
    throw CloudTrailErrors.invalidLookupAttributes(`The value of lookup attribute ReadOnly must be true or false, not '${clip(value)}'.`);
  }
  return { key: key as LookupAttributeKey, value };
}

function eventCategory(value: string | undefined | null): boolean {
  if (absent(value)) return false;
  if (!(EVENT_CATEGORIES as readonly string[]).includes(value!)) throw CloudTrailErrors.invalidEventCategory(value!);
  return true;
}

function epochSeconds(member: 'StartTime' | 'EndTime', value: number | undefined | null): number | null {
  if (absent(value)) return null;
  if (!Number.isFinite(value) || value! < 0 || value! > MAX_EPOCH_SECONDS) {
    throw CloudTrailErrors.invalidTimeRange(`${member} is outside the range of possible values (epoch seconds 0 through ${MAX_EPOCH_SECONDS}).`);
  }
  return value!;
}

function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function typeError(member: string, expected: string) {
  return AwsErrors.serialization(`${member} must be ${expected}`);
}

const clip = (value: string) => (value.length > 64 ? `${value.slice(0, 64)}…` : value);
