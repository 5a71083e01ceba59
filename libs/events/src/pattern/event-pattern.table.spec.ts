import { compilePattern, matchesPattern } from './index';
import { sessionStateChange, shadowing, terminateCall, withDetail } from './pattern.fixtures';

/**
 * EventBridge semantics, one row each: the examples of the EventBridge user guide
 * ("Event patterns", "Content filtering", "Arrays", "Null values and empty strings",
 * "Comparison operators") replayed on Vigil's own envelopes. Every operator has a row that
 * matches and one that does not, so a broken operator cannot pass by always saying yes or no.
 */

type Row = [name: string, pattern: unknown, event: unknown, expected: boolean];

const call = terminateCall;
const metrics = withDetail(terminateCall, { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, samples: [1, 20], big: 6e9 });
const items = withDetail(terminateCall, {
  items: [
    { a: '1', b: 'x' },
    { a: '2', b: 'y' },
  ],
  tags: [['alpha', 'beta'], ['gamma']],
  flags: ['a', 'b'],
});
const withCount = withDetail(terminateCall, { 'c-count': { c1: 100 } });
const fromJson = JSON.parse('{"detail": {"limit": 3.0e2, "account": 123456789012, "asText": "5", "asNumber": 5}}');
const ipv6 = withDetail(terminateCall, { sourceIPAddress: '2001:db8::1' });
const starred = withDetail(terminateCall, { fileName: 'report*final.txt', other: 'reportXfinal.txt' });
const protoEvent = JSON.parse('{"__proto__": {"polluted": "yes"}, "detail": {}}');

const rows: Row[] = [
  // exact values, AND across fields, OR within a field
  ['exact: source equals', { source: ['aws.ssm'] }, call, true],
  ['exact: other source does not match', { source: ['aws.ec2'] }, call, false],
  ['exact: any value of the array (OR)', { source: ['aws.ec2', 'aws.ssm'] }, call, true],
  ['exact: all fields must match (AND fails on one)', { source: ['aws.ssm'], 'detail-type': ['Vigil Shadowing'] }, call, false],
  ['exact: all fields match (AND)', { source: ['aws.ssm'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['TerminateSession'] } }, call, true],
  ['exact: is case-sensitive', { detail: { eventName: ['terminatesession'] } }, call, false],
  ['exact: an absent field never matches', { detail: { errorCode: ['AccessDenied'] } }, call, false],
  ['structure: the nesting must be the same (eventName is under detail)', { eventName: ['TerminateSession'] }, call, false],
  ['structure: a nested pattern does not match a scalar', { source: { name: ['aws.ssm'] } }, call, false],
  // nested objects
  ['nested: detail field', { detail: { eventName: ['TerminateSession'] } }, call, true],
  ['nested: deeper object matches', { detail: { userIdentity: { userName: ['alice'] } } }, call, true],
  ['nested: deeper object does not match', { detail: { userIdentity: { userName: ['bob'] } } }, call, false],
  ['nested: session state change by state', { source: ['vigil'], 'detail-type': ['Vigil Session State Change'], detail: { state: ['ended', 'terminated'] } }, sessionStateChange, true],
  ['nested: session state change, other state', { 'detail-type': ['Vigil Session State Change'], detail: { state: ['started'] } }, sessionStateChange, false],
  // arrays in the event
  ['arrays: intersection with the event array is non-empty', { resources: ['arn:aws:ssm:vigil:000000000000:session/nobody', terminateCall.resources[0]] }, call, true],
  ['arrays: empty intersection', { resources: ['arn:aws:ssm:vigil:000000000000:session/nobody'] }, call, false],
  ['arrays: objects in an array match element-wise', { detail: { resources: { type: ['AWS::SSM::Session'] } } }, call, true],
  ['arrays: two fields must match within the same element', { detail: { items: { a: ['1'], b: ['y'] } } }, items, false],
  ['arrays: two fields in one element match', { detail: { items: { a: ['2'], b: ['y'] } } }, items, true],
  ['arrays: nested arrays are flattened', { detail: { tags: ['gamma'] } }, items, true],
  ['arrays: flattened values still compared exactly', { detail: { tags: ['delta'] } }, items, false],
  // null, empty string, booleans
  ['null: matches a null value', { detail: { responseElements: [null] } }, call, true],
  ['null: empty string does not match null', { detail: { responseElements: [''] } }, call, false],
  ['empty string: matches ""', { detail: { errorMessage: [''] } }, call, true],
  ['empty string: null does not match ""', { detail: { errorMessage: [null] } }, call, false],
  ['boolean: false matches false', { detail: { readOnly: [false] } }, call, true],
  ['boolean: "false" (string) does not match false', { detail: { readOnly: ['false'] } }, call, false],
  // numbers
  ['numbers: 300 matches 3.0e2 in the event JSON', { detail: { limit: [300] } }, fromJson, true],
  ['numbers: "5" (string) does not match 5', { detail: { asNumber: ['5'] } }, fromJson, false],
  ['numbers: 5 does not match "5" (string)', { detail: { asText: [5] } }, fromJson, false],
  ['numbers: an account number beyond the numeric range matches literally', { detail: { account: [123456789012] } }, fromJson, true],
  ['numeric: range > 0 <= 5 includes 5', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, metrics, true],
  ['numeric: range > 0 <= 5 excludes 0', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail(metrics, { 'c-count': 0 }), false],
  ['numeric: range >= 5 < 10 excludes 10', { detail: { 'c-count': [{ numeric: ['>=', 5, '<', 10] }] } }, withDetail(metrics, { 'c-count': 10 }), false],
  ['numeric: < 10', { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, metrics, true],
  ['numeric: <= 2 fails on 3', { detail: { 'd-count': [{ numeric: ['<=', 2] }] } }, metrics, false],
  ['numeric: = 3.018e2 matches 301.8', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, metrics, true],
  ['numeric: = 301 fails on 301.8', { detail: { 'x-limit': [{ numeric: ['=', 301] }] } }, metrics, false],
  ['numeric: >= -1.5 includes -1.5', { detail: { v: [{ numeric: ['>=', -1.5] }] } }, withDetail(metrics, { v: -1.5 }), true],
  ['numeric: six decimals (0.1 + 0.2 = 0.3)', { detail: { v: [{ numeric: ['=', 0.3] }] } }, withDetail(metrics, { v: 0.1 + 0.2 }), true],
  ['numeric: only JSON numbers ("5" is a string)', { detail: { asText: [{ numeric: ['>', 0] }] } }, fromJson, false],
  ['numeric: values beyond ±5e9 never match', { detail: { big: [{ numeric: ['>', 0] }] } }, metrics, false],
  ['numeric: any element of an event array', { detail: { samples: [{ numeric: ['>', 10] }] } }, metrics, true],
  ['numeric: no element of an event array', { detail: { samples: [{ numeric: ['>', 100] }] } }, metrics, false],
  // prefix, suffix
  ['prefix: matches', { detail: { eventName: [{ prefix: 'Terminate' }] } }, call, true],
  ['prefix: does not match', { detail: { eventName: [{ prefix: 'Start' }] } }, call, false],
  ['prefix: is case-sensitive', { detail: { eventName: [{ prefix: 'terminate' }] } }, call, false],
  ['prefix: equals-ignore-case', { detail: { eventName: [{ prefix: { 'equals-ignore-case': 'terMINATE' } }] } }, call, true],
  ['prefix: equals-ignore-case does not match', { detail: { eventName: [{ prefix: { 'equals-ignore-case': 'start' } }] } }, call, false],
  ['prefix: only strings (not numbers)', { detail: { 'c-count': [{ prefix: '5' }] } }, metrics, false],
  ['prefix: time of day, as in the EventBridge guide', { time: [{ prefix: '2026-12-01' }] }, call, true],
  ['suffix: matches', { detail: { eventSource: [{ suffix: '.amazonaws.com' }] } }, call, true],
  ['suffix: does not match', { detail: { eventSource: [{ suffix: '.vigil.local' }] } }, call, false],
  ['suffix: equals-ignore-case', { detail: { eventSource: [{ suffix: { 'equals-ignore-case': '.AMAZONAWS.COM' } }] } }, call, true],
  ['suffix: equals-ignore-case does not match', { detail: { eventSource: [{ suffix: { 'equals-ignore-case': '.EXAMPLE.COM' } }] } }, call, false],
  // equals-ignore-case
  ['equals-ignore-case: ASCII', { detail: { eventName: [{ 'equals-ignore-case': 'terminatesession' }] } }, call, true],
  ['equals-ignore-case: Unicode letters', { detail: { viewer: [{ 'equals-ignore-case': 'JOSÉ' }] } }, shadowing, true],
  ['equals-ignore-case: a different word', { detail: { eventName: [{ 'equals-ignore-case': 'terminate' }] } }, call, false],
  // anything-but
  ['anything-but: another string', { detail: { eventName: [{ 'anything-but': 'StartSession' }] } }, call, true],
  ['anything-but: the excluded string', { detail: { eventName: [{ 'anything-but': 'TerminateSession' }] } }, call, false],
  ['anything-but: list containing the value', { detail: { eventName: [{ 'anything-but': ['StartSession', 'TerminateSession'] }] } }, call, false],
  ['anything-but: list not containing the value', { detail: { eventName: [{ 'anything-but': ['StartSession', 'ResumeSession'] }] } }, call, true],
  ['anything-but: numbers, value not listed', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, metrics, true],
  ['anything-but: numbers, value listed (numerically)', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 3.018e2] }] } }, metrics, false],
  ['anything-but: single number', { detail: { 'c-count': [{ 'anything-but': 5 }] } }, metrics, false],
  ['anything-but: prefix excluded', { detail: { eventName: [{ 'anything-but': { prefix: 'Term' } }] } }, call, false],
  ['anything-but: prefix not present', { detail: { eventName: [{ 'anything-but': { prefix: 'Start' } }] } }, call, true],
  ['anything-but: suffix excluded', { detail: { eventSource: [{ 'anything-but': { suffix: '.amazonaws.com' } }] } }, call, false],
  ['anything-but: suffix not present', { detail: { eventSource: [{ 'anything-but': { suffix: '.png' } }] } }, call, true],
  ['anything-but: equals-ignore-case excluded', { detail: { eventName: [{ 'anything-but': { 'equals-ignore-case': 'TERMINATESESSION' } }] } }, call, false],
  ['anything-but: equals-ignore-case list not containing', { detail: { eventName: [{ 'anything-but': { 'equals-ignore-case': ['startsession', 'resumesession'] } }] } }, call, true],
  ['anything-but: wildcard excluded', { detail: { userAgent: [{ 'anything-but': { wildcard: 'aws-cli/*' } }] } }, call, false],
  ['anything-but: wildcard list not matching', { detail: { userAgent: [{ 'anything-but': { wildcard: ['*boto3*', 'console*'] } }] } }, call, true],
  ['anything-but: an absent field does not match', { detail: { errorCode: [{ 'anything-but': 'AccessDenied' }] } }, call, false],
  ['anything-but: values of another type are not excluded', { detail: { readOnly: [{ 'anything-but': 'false' }] } }, call, true],
  ['anything-but: matches when any array element is not excluded', { detail: { flags: [{ 'anything-but': 'a' }] } }, items, true],
  // exists
  ['exists true: field present', { detail: { sessionId: [{ exists: true }] } }, call, true],
  ['exists true: field absent', { detail: { errorCode: [{ exists: true }] } }, call, false],
  ['exists false: field absent', { detail: { errorCode: [{ exists: false }] } }, call, true],
  ['exists false: field present', { detail: { sessionId: [{ exists: false }] } }, call, false],
  ['exists false: a null value is present', { detail: { responseElements: [{ exists: false }] } }, call, false],
  ['exists true: a null value is present', { detail: { responseElements: [{ exists: true }] } }, call, true],
  ['exists false: an object is not a leaf (EventBridge guide)', { detail: { 'c-count': [{ exists: false }] } }, withCount, true],
  ['exists true: an object is not a leaf', { detail: { 'c-count': [{ exists: true }] } }, withCount, false],
  ['exists false: the parent object is missing too', { detail: { requestParameters: { reason: [{ exists: false }] } } }, withDetail(call, { requestParameters: undefined }), true],
  ['exists false: looks across all elements of an array', { detail: { items: { a: [{ exists: false }] } } }, items, false],
  ['exists false or a value: the value matches', { detail: { errorCode: [{ exists: false }, 'AccessDenied'] } }, withDetail(call, { errorCode: 'AccessDenied' }), true],
  ['exists false or a value: neither', { detail: { errorCode: [{ exists: false }, 'AccessDenied'] } }, withDetail(call, { errorCode: 'Throttled' }), false],
  // wildcard
  ['wildcard: leading star', { detail: { eventName: [{ wildcard: '*Session' }] } }, call, true],
  ['wildcard: several stars in order', { detail: { eventName: [{ wildcard: 'T*min*Sess*n' }] } }, call, true],
  ['wildcard: a star matches nothing too', { detail: { eventName: [{ wildcard: 'Terminate*Session' }] } }, call, true],
  ['wildcard: literals out of order', { detail: { eventName: [{ wildcard: '*Session*Terminate*' }] } }, call, false],
  ['wildcard: does not match', { detail: { eventName: [{ wildcard: 'Start*' }] } }, call, false],
  ['wildcard: escaped star is a literal star', { detail: { fileName: [{ wildcard: 'report\\*final.*' }] } }, starred, true],
  ['wildcard: escaped star does not match another character', { detail: { other: [{ wildcard: 'report\\*final.*' }] } }, starred, false],
  ['wildcard: only strings', { detail: { 'c-count': [{ wildcard: '*' }] } }, metrics, false],
  // cidr
  ['cidr: IPv4 inside the block', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, call, true],
  ['cidr: IPv4 outside the block', { detail: { sourceIPAddress: [{ cidr: '10.0.1.0/24' }] } }, call, false],
  ['cidr: IPv6 inside the block', { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, ipv6, true],
  ['cidr: IPv6 outside the block', { detail: { sourceIPAddress: [{ cidr: '2001:db9::/32' }] } }, ipv6, false],
  ['cidr: a string that is no address', { detail: { userAgent: [{ cidr: '0.0.0.0/0' }] } }, call, false],
  // $or
  ['$or: one branch matches', { source: ['aws.ssm'], $or: [{ detail: { eventName: ['StartSession'] } }, { detail: { userIdentity: { userName: ['alice'] } } }] }, call, true],
  ['$or: no branch matches', { source: ['aws.ssm'], $or: [{ detail: { eventName: ['StartSession'] } }, { detail: { userIdentity: { userName: ['bob'] } } }] }, call, false],
  ['$or: AND outside still applies', { source: ['aws.ec2'], $or: [{ detail: { eventName: ['TerminateSession'] } }, { region: ['vigil'] }] }, call, false],
  ['$or: inside detail', { detail: { $or: [{ errorCode: [{ exists: true }] }, { eventName: [{ prefix: 'Terminate' }] }] } }, call, true],
  ['$or: a branch with AND inside fails on one field', { $or: [{ source: ['aws.ssm'], region: ['us-east-1'] }, { source: ['vigil'] }] }, call, false],
  ['$or: nested $or', { detail: { $or: [{ eventName: ['StartSession'] }, { $or: [{ readOnly: [true] }, { sessionId: [{ prefix: 'alice-' }] }] }] } }, call, true],
  ['$or: two groups at different levels both required', { $or: [{ source: ['vigil'] }, { source: ['aws.ssm'] }], detail: { $or: [{ state: ['started'] }, { eventName: ['StartSession'] }] } }, call, false],
  ['shadowing: viewer takes control', { 'detail-type': ['Vigil Shadowing'], detail: { action: ['TakeControl'], mode: ['control'] } }, shadowing, true],
  // keys are only keys
  ['keys: "__proto__" is an ordinary own key', JSON.parse('{"__proto__": {"polluted": ["yes"]}}'), protoEvent, true],
  ['keys: inherited properties are not fields ("constructor")', { constructor: [{ exists: true }] }, { detail: {} }, false],
  ['keys: inherited properties are absent ("toString")', { toString: [{ exists: false }] }, { detail: {} }, true],
];

describe('EventBridge pattern semantics (table)', () => {
  it('has a row per documented behaviour, matches and misses alike', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(rows.filter((r) => r[3]).length).toBeGreaterThanOrEqual(20);
    expect(rows.filter((r) => !r[3]).length).toBeGreaterThanOrEqual(20);
  });

  it.each(rows)('%s', (_name, pattern, event, expected) => {
    expect(compilePattern(pattern).matches(event)).toBe(expected);
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('a compiled pattern is reusable and does not keep state between events', () => {
    const compiled = compilePattern({ detail: { eventName: [{ prefix: 'Terminate' }] } });
    const start = withDetail(terminateCall, { eventName: 'StartSession' });
    expect([compiled.matches(terminateCall), compiled.matches(start), compiled.matches(terminateCall)]).toEqual([true, false, true]);
  });

  it('does not change the event or Object.prototype while matching', () => {
    const event = JSON.parse(JSON.stringify(protoEvent));
    const before = JSON.stringify(event);
    compilePattern(JSON.parse('{"__proto__": {"polluted": ["yes"]}, "detail": {"x": [{"exists": false}]}}')).matches(event);
    expect(JSON.stringify(event)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
