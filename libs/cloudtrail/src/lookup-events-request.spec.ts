import { AwsError } from '@vigil/aws-protocol';
import { DEFAULT_MAX_RESULTS, LOOKUP_ATTRIBUTE_KEYS, MAX_EPOCH_SECONDS, parseLookupEvents } from './lookup-events-request';

const attr = (AttributeKey: unknown, AttributeValue: unknown) => ({ LookupAttributes: [{ AttributeKey, AttributeValue }] });

/** The error a body is refused with, as `type: message`; fails the test if the body is accepted. */
function refusal(input: Record<string, unknown>): { type: string; status: number; message: string } {
  try {
    parseLookupEvents(input);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return { type: error.type, status: error.status, message: error.message };
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('parseLookupEvents', () => {
  it('an empty body is every event, 50 per page, no time bounds', () => {
    expect(parseLookupEvents({})).toEqual({
      filter: {},
      maxResults: DEFAULT_MAX_RESULTS,
      insight: false,
      binding: { attribute: null, startTime: null, endTime: null, insight: false },
    });
    expect(DEFAULT_MAX_RESULTS).toBe(50);
    // null members are absent members (some SDKs send them)
    expect(parseLookupEvents({ LookupAttributes: null, StartTime: null, MaxResults: null, NextToken: null, EventCategory: null }).maxResults).toBe(50);
    expect(parseLookupEvents({ LookupAttributes: [] }).filter).toEqual({});
  });

  it.each([
    ['EventId', '0190f0aa-0000-7000-8000-000000000001', { eventId: '0190f0aa-0000-7000-8000-000000000001' }],
    ['EventName', 'TerminateSession', { eventName: 'TerminateSession' }],
    ['ReadOnly', 'true', { readOnly: true }],
    ['ReadOnly', 'false', { readOnly: false }],
    ['Username', 'alice', { user: 'alice' }],
    ['ResourceName', 'box', { resourceName: 'box' }],
    ['EventSource', 'ssm.amazonaws.com', { eventSource: 'ssm.amazonaws.com' }],
    ['AccessKeyId', 'AKIAVIGIL000000000001', { accessKeyId: 'AKIAVIGIL000000000001' }],
  ])('attribute %s=%s is the audit filter %j', (key, value, filter) => {
    const query = parseLookupEvents(attr(key, value));
    expect(query.filter).toEqual(filter);
    expect(query.resourceType).toBeUndefined();
    expect(query.binding.attribute).toEqual({ key, value });
  });

  it('ResourceType is not a store filter: it is carried to be matched on each record', () => {
    const query = parseLookupEvents(attr('ResourceType', 'Session'));
    expect(query.filter).toEqual({});
    expect(query.resourceType).toBe('Session');
  });

  it('every CloudTrail attribute key is accepted (the enum of service-2.json)', () => {
    expect([...LOOKUP_ATTRIBUTE_KEYS].sort()).toEqual(['AccessKeyId', 'EventId', 'EventName', 'EventSource', 'ReadOnly', 'ResourceName', 'ResourceType', 'Username']);
    for (const key of LOOKUP_ATTRIBUTE_KEYS) expect(() => parseLookupEvents(attr(key, key === 'ReadOnly' ? 'true' : 'x'))).not.toThrow();
  });

  it('times are epoch seconds (what the CLI sends), inclusive, to whole milliseconds', () => {
    const query = parseLookupEvents({ StartTime: 1_733_000_000, EndTime: 1_733_000_060.5 });
    expect(query.filter).toEqual({ from: 1_733_000_000_000, to: 1_733_000_060_500 });
    // a fractional start rounds up and a fractional end down: never a record outside the range
    expect(parseLookupEvents({ StartTime: 1.0004, EndTime: 1.0016 }).filter).toEqual({ from: 1001, to: 1001 });
    expect(parseLookupEvents({ StartTime: 5, EndTime: 5 }).filter).toEqual({ from: 5000, to: 5000 });
    expect(parseLookupEvents({ EndTime: 0 }).filter).toEqual({ to: 0 });
  });

  it('MaxResults 1..50', () => {
    expect(parseLookupEvents({ MaxResults: 1 }).maxResults).toBe(1);
    expect(parseLookupEvents({ MaxResults: 50 }).maxResults).toBe(50);
    for (const bad of [0, -1, 51, 1000, 2 ** 40]) expect(refusal({ MaxResults: bad }).type).toBe('InvalidMaxResultsException');
  });

  it('EventCategory insight is accepted with its own keys only; anything else is InvalidEventCategoryException', () => {
    expect(parseLookupEvents({ EventCategory: 'insight' }).insight).toBe(true);
    expect(parseLookupEvents({ EventCategory: 'insight', ...attr('EventName', 'x') }).insight).toBe(true);
    for (const bad of ['Insight', 'management', 'data', '', 'x'.repeat(5000)]) {
      const r = refusal({ EventCategory: bad });
      expect(r.type).toBe('InvalidEventCategoryException');
      expect(r.message.length).toBeLessThan(200);
    }
    expect(refusal({ EventCategory: 'insight', ...attr('Username', 'alice') }).type).toBe('InvalidLookupAttributesException');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['two attributes', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'Username', AttributeValue: 'b' }] }, 'InvalidLookupAttributesException'],
    ['a thousand attributes', { LookupAttributes: Array.from({ length: 1000 }, () => ({ AttributeKey: 'EventName', AttributeValue: 'a' })) }, 'InvalidLookupAttributesException'],
    ['an unknown key', attr('SessionId', 'x'), 'InvalidLookupAttributesException'],
    ['a key in the wrong case', attr('eventname', 'x'), 'InvalidLookupAttributesException'],
    ['a prototype key', attr('__proto__', 'x'), 'InvalidLookupAttributesException'],
    ['an empty value', attr('EventName', ''), 'InvalidLookupAttributesException'],
    ['an oversize value', attr('EventName', 'x'.repeat(1025)), 'InvalidLookupAttributesException'],
    ['ReadOnly not a boolean word', attr('ReadOnly', 'yes'), 'InvalidLookupAttributesException'],
    ['ReadOnly in capitals', attr('ReadOnly', 'TRUE'), 'InvalidLookupAttributesException'],
    ['a missing key', { LookupAttributes: [{ AttributeValue: 'x' }] }, 'ValidationException'],
    ['a missing value', { LookupAttributes: [{ AttributeKey: 'EventName' }] }, 'ValidationException'],
    ['start after end', { StartTime: 10, EndTime: 9 }, 'InvalidTimeRangeException'],
    ['a negative start', { StartTime: -1 }, 'InvalidTimeRangeException'],
    ['a start past year 9999', { StartTime: MAX_EPOCH_SECONDS + 1 }, 'InvalidTimeRangeException'],
    ['an infinite end (1e400 parses to Infinity)', { EndTime: Number.POSITIVE_INFINITY }, 'InvalidTimeRangeException'],
    ['attributes not a list', { LookupAttributes: { AttributeKey: 'EventName' } }, 'SerializationException'],
    ['an attribute not a structure', { LookupAttributes: ['EventName'] }, 'SerializationException'],
    ['a key not a string', attr(7, 'x'), 'SerializationException'],
    ['a value not a string', attr('EventName', ['x']), 'SerializationException'],
    ['a time as an ISO string', { StartTime: '2024-01-01T00:00:00Z' }, 'SerializationException'],
    ['a time as a boolean', { EndTime: true }, 'SerializationException'],
    ['MaxResults not an integer', { MaxResults: 1.5 }, 'SerializationException'],
    ['MaxResults as a string', { MaxResults: '10' }, 'SerializationException'],
    ['NextToken not a string', { NextToken: { seq: 1 } }, 'SerializationException'],
    ['EventCategory not a string', { EventCategory: ['insight'] }, 'SerializationException'],
  ])('%s is refused with %s', (_name, input, type) => {
    const r = refusal(input);
    expect(r.type).toBe(type);
    expect(r.status).toBe(400);
    expect(r.message.length).toBeLessThan(600);
  });

  it('a missing member is named in AWS’s words', () => {
    expect(refusal({ LookupAttributes: [{}] }).message).toBe(
      "2 validation errors detected: Value null at 'lookupAttributes.1.member.attributeKey' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'lookupAttributes.1.member.attributeValue' failed to satisfy constraint: Member must not be null",
    );
  });

  it('the binding describes the query, not the page: page size and token do not change it', () => {
    const a = parseLookupEvents({ ...attr('Username', 'alice'), StartTime: 1, EndTime: 2, MaxResults: 3 });
    const b = parseLookupEvents({ ...attr('Username', 'alice'), StartTime: 1, EndTime: 2, MaxResults: 50, NextToken: 't' });
    expect(b.binding).toEqual(a.binding);
    expect(b.nextToken).toBe('t');
    for (const other of [{ ...attr('Username', 'bob'), StartTime: 1, EndTime: 2 }, { ...attr('EventName', 'alice'), StartTime: 1, EndTime: 2 }, { ...attr('Username', 'alice'), StartTime: 1 }]) {
      expect(parseLookupEvents(other).binding).not.toEqual(a.binding);
    }
  });
});
