import { EventPatternError, MAX_PATTERN_BYTES, compilePattern } from './index';

/**
 * Patterns EventBridge refuses, each with the field the 400 must name. The message starts with
 * that path so the HTTP edge can return it as is.
 */

function nested(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { leaf: ['x'] };
  for (let i = 1; i < depth; i++) node = { n: node };
  return node;
}

const circular: Record<string, unknown> = { source: ['aws.ssm'] };
circular.self = circular;

const n = (numeric: unknown) => ({ detail: { n: [{ numeric }] } });
const ab = (operand: unknown) => ({ detail: { state: [{ 'anything-but': operand }] } });

type Row = [name: string, pattern: unknown, path: string, says: string];

const rows: Row[] = [
  ['an array is not a pattern', [{ source: ['aws.ssm'] }], 'eventPattern', 'must be a JSON object'],
  ['null is not a pattern', null, 'eventPattern', 'must be a JSON object'],
  ['a string is not a pattern', '{"source": ["aws.ssm"]}', 'eventPattern', 'must be a JSON object'],
  ['an empty pattern', {}, 'eventPattern', 'must not be empty'],
  ['a leaf value that is not an array', { source: 'aws.ssm' }, 'eventPattern.source', 'must be an array of match values or a nested object'],
  ['an operator outside the array', { detail: { eventName: { prefix: 'Term' } } }, 'eventPattern.detail.eventName.prefix', 'an operator goes inside'],
  ['an empty array', { source: [] }, 'eventPattern.source', 'must not be an empty array'],
  ['an empty nested object', { detail: {} }, 'eventPattern.detail', 'must not be empty'],
  ['an array inside a match array', { source: [['aws.ssm']] }, 'eventPattern.source[0]', 'must be a string, number, boolean, null or an operator object'],
  ['a non-finite number (from JS, not JSON)', { detail: { n: [Infinity] } }, 'eventPattern.detail.n[0]', 'must be a finite number'],
  ['prefix with a number', { detail: { eventName: [{ prefix: 5 }] } }, 'eventPattern.detail.eventName[0].prefix', 'must be a string'],
  ['prefix with an unknown inner operator', { detail: { eventName: [{ prefix: { wildcard: 'T*' } }] } }, 'eventPattern.detail.eventName[0].prefix', 'must be a string or {"equals-ignore-case": string}'],
  ['suffix equals-ignore-case with a number', { detail: { f: [{ suffix: { 'equals-ignore-case': 1 } }] } }, 'eventPattern.detail.f[0].suffix.equals-ignore-case', 'must be a string'],
  ['equals-ignore-case with a list', { detail: { f: [{ 'equals-ignore-case': ['a'] }] } }, 'eventPattern.detail.f[0].equals-ignore-case', 'must be a string'],
  ['an unknown operator', { source: [{ contains: 'ssm' }] }, 'eventPattern.source[0]', 'unknown operator "contains"'],
  ['two operators in one object', { source: [{ prefix: 'aws.', suffix: '.ssm' }] }, 'eventPattern.source[0]', 'exactly one operator, got 2'],
  ['an empty operator object', { source: [{}] }, 'eventPattern.source[0]', 'exactly one operator, got 0'],
  ['numeric not an array', n('> 5'), 'eventPattern.detail.n[0].numeric', 'must be an array'],
  ['numeric with an unknown operator', n(['=>', 1]), 'eventPattern.detail.n[0].numeric[0]', 'must be one of'],
  ['numeric with a string operand', n(['>', '5']), 'eventPattern.detail.n[0].numeric[1]', 'must be a number'],
  ['numeric operand beyond 5e9', n(['>', 1e10]), 'eventPattern.detail.n[0].numeric[1]', 'must be between'],
  ['numeric with the upper bound first', n(['<', 5, '>', 0]), 'eventPattern.detail.n[0].numeric', 'too many elements'],
  ['numeric with two lower bounds', n(['>', 0, '>=', 5]), 'eventPattern.detail.n[0].numeric[2]', 'only "<" or "<=" may follow'],
  ['numeric "=" with more terms', n(['=', 1, '<', 5]), 'eventPattern.detail.n[0].numeric', 'too many elements'],
  ['numeric empty range', n(['>', 5, '<', 5]), 'eventPattern.detail.n[0].numeric', 'lower bound must be below'],
  ['numeric range missing its upper number', n(['>', 0, '<']), 'eventPattern.detail.n[0].numeric', 'needs a number'],
  ['exists with a string', { detail: { f: [{ exists: 'true' }] } }, 'eventPattern.detail.f[0].exists', 'must be true or false'],
  ['anything-but with a mixed list', ab(['stopped', 1]), 'eventPattern.detail.state[0].anything-but', 'only strings or only numbers'],
  ['anything-but with an empty list', ab([]), 'eventPattern.detail.state[0].anything-but', 'must not be an empty list'],
  ['anything-but with null', ab(null), 'eventPattern.detail.state[0].anything-but', 'must be a string, a number'],
  ['anything-but of numeric', ab({ numeric: ['>', 1] }), 'eventPattern.detail.state[0].anything-but', 'cannot apply to "numeric"'],
  ['anything-but with an empty prefix', ab({ prefix: '' }), 'eventPattern.detail.state[0].anything-but.prefix', 'must be a non-empty string'],
  ['anything-but wildcard list with a number', ab({ wildcard: ['a*', 3] }), 'eventPattern.detail.state[0].anything-but.wildcard[1]', 'must be a string'],
  ['anything-but wildcard with two stars', ab({ wildcard: 'a**' }), 'eventPattern.detail.state[0].anything-but.wildcard', 'consecutive wildcard'],
  ['wildcard with consecutive stars', { detail: { f: [{ wildcard: 'Term**' }] } }, 'eventPattern.detail.f[0].wildcard', 'consecutive wildcard characters are not allowed'],
  ['wildcard escaping a letter', { detail: { f: [{ wildcard: 'a\\b' }] } }, 'eventPattern.detail.f[0].wildcard', 'a backslash may only escape'],
  ['wildcard ending in a backslash', { detail: { f: [{ wildcard: 'a\\' }] } }, 'eventPattern.detail.f[0].wildcard', 'a backslash may only escape'],
  ['cidr without a prefix length', { detail: { ip: [{ cidr: '10.0.0.0' }] } }, 'eventPattern.detail.ip[0].cidr', 'must be an IPv4 or IPv6 CIDR block'],
  ['cidr with a prefix length too long', { detail: { ip: [{ cidr: '10.0.0.0/33' }] } }, 'eventPattern.detail.ip[0].cidr', 'at most 32'],
  ['cidr that is not an address', { detail: { ip: [{ cidr: 'vigil/8' }] } }, 'eventPattern.detail.ip[0].cidr', 'must be an IPv4 or IPv6 CIDR block'],
  ['$or with one branch', { $or: [{ source: ['aws.ssm'] }] }, 'eventPattern.$or', 'at least 2 objects'],
  ['$or not an array', { $or: { source: ['aws.ssm'] } }, 'eventPattern.$or', 'at least 2 objects'],
  ['$or with a branch that is not an object', { $or: [{ source: ['aws.ssm'] }, ['vigil']] }, 'eventPattern.$or[1]', 'must be an object'],
  ['$or with an empty branch', { $or: [{ source: ['aws.ssm'] }, {}] }, 'eventPattern.$or[1]', 'must not be empty'],
  ['$or with an operator as a field', { detail: { $or: [{ prefix: ['a'] }, { suffix: ['b'] }] } }, 'eventPattern.detail.$or[0].prefix', 'is an operator'],
  ['an error deep inside $or names the branch', { $or: [{ source: ['aws.ssm'] }, { detail: { n: [{ numeric: ['>'] }] } }] }, 'eventPattern.$or[1].detail.n[0].numeric', 'needs a number'],
  ['nesting deeper than 10 levels', nested(11), 'eventPattern' + '.n'.repeat(10), 'nesting deeper than 10 levels'],
  ['a key that is not a plain name is quoted in the path', { 'a.b': 'x' }, 'eventPattern["a.b"]', 'must be an array'],
  ['a pattern over 8 KiB of JSON', { source: Array.from({ length: 1000 }, (_, i) => `source-${i}`) }, 'eventPattern', `must be at most ${MAX_PATTERN_BYTES} bytes`],
  ['a pattern with a cycle', circular, 'eventPattern', 'must be plain JSON'],
];

describe('invalid event patterns (table)', () => {
  it('covers at least 15 refusals', () => expect(rows.length).toBeGreaterThanOrEqual(15));

  it.each(rows)('%s', (_name, pattern, path, says) => {
    let thrown: unknown;
    try {
      compilePattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventPatternError);
    const error = thrown as EventPatternError;
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.reason).toContain(says);
  });

  it('10 levels of nesting are accepted', () => {
    const compiled = compilePattern(nested(10));
    expect(compiled.matches(nested(10))).toBe(true); // the event's leaf is ['x']
    expect(compiled.matches(nested(9))).toBe(false);
  });

  it('a pattern of exactly 8 KiB is accepted', () => {
    const base = { source: [''] };
    const filler = 'x'.repeat(MAX_PATTERN_BYTES - JSON.stringify(base).length);
    const pattern = { source: [filler] };
    expect(Buffer.byteLength(JSON.stringify(pattern))).toBe(MAX_PATTERN_BYTES);
    expect(compilePattern(pattern).matches({ source: filler })).toBe(true);
    expect(() => compilePattern({ source: [filler + 'x'] })).toThrow(EventPatternError);
  });

  it('counts bytes, not characters', () => {
    const pattern = { source: ['é'.repeat(4090)] }; // 4090 characters, 8180 bytes of UTF-8 + framing
    expect(JSON.stringify(pattern).length).toBeLessThan(MAX_PATTERN_BYTES);
    expect(() => compilePattern(pattern)).toThrow(/^eventPattern: must be at most 8192 bytes/);
  });

  it('names the caller-given root', () => {
    expect(() => compilePattern({ source: 'x' }, 'rules[2].eventPattern')).toThrow(/^rules\[2\]\.eventPattern\.source: /);
  });

  it('EventPatternError does not repeat a path already at the start of the message', () => {
    const error = new EventPatternError('eventPattern.source', 'eventPattern.source: must not be empty');
    expect(error.message).toBe('eventPattern.source: must not be empty');
    expect(error.reason).toBe('must not be empty');
    expect(new EventPatternError('x', 'bad').message).toBe('x: bad');
  });
});
