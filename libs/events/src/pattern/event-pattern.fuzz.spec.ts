import fc from 'fast-check';
import { EventPatternError, compilePattern } from './index';
import { terminateCall } from './pattern.fixtures';
import { WildcardPattern } from './wildcard';

/**
 * Events reach the matcher from every audit record, some carrying attacker-chosen strings
 * (user agents, session ids, command lines); patterns come from admins. Matching must never
 * throw and never take super-linear time, and a bad pattern must be an EventPatternError (a
 * 400), never another error (a 500).
 */

const NUM_RUNS = 2_000;

const KEYS = ['source', 'detail-type', 'detail', 'eventName', 'n', 'ip', 'items', 'a', '__proto__', 'constructor', 'toString', '$or'];
const scalar = fc.oneof(
  fc.constantFrom('aws.ssm', 'TerminateSession', 'terminatesession', '10.0.0.33', '2001:db8::1', '', 'a*b', 'x'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const { event: hostileEvent } = fc.letrec((tie) => ({
  event: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('event'), { maxLength: 5 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('event'), { maxKeys: 6 }),
}));
const anyEvent = fc.oneof(hostileEvent, fc.anything(), fc.jsonValue(), fc.constant(terminateCall));

/** One valid pattern per operator, the shapes admins write. */
const VALID_PATTERNS: unknown[] = [
  { source: ['aws.ssm', 'vigil'], 'detail-type': ['AWS API Call via CloudTrail'] },
  { detail: { eventName: [{ prefix: 'Term' }, { prefix: { 'equals-ignore-case': 'start' } }] } },
  { detail: { eventName: [{ suffix: 'Session' }, { suffix: { 'equals-ignore-case': 'SESSION' } }] } },
  { detail: { eventName: [{ 'equals-ignore-case': 'terminatesession' }] } },
  { detail: { eventName: [{ wildcard: '*a*b*c*' }, { wildcard: 'x\\*y' }] } },
  { detail: { eventName: [{ 'anything-but': ['a', 'b'] }, { 'anything-but': { prefix: 'T' } }, { 'anything-but': { wildcard: ['*x*'] } }] } },
  { detail: { n: [{ numeric: ['>', 0, '<=', 5] }, { 'anything-but': [1, 2] }, 3] } },
  { detail: { n: [{ exists: false }], a: [{ exists: true }] } },
  { detail: { ip: [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }] } },
  { $or: [{ source: ['aws.ssm'] }, { detail: { $or: [{ a: [null] }, { items: { a: [''] } }] } }] },
  JSON.parse('{"__proto__": {"constructor": [{"exists": false}]}, "toString": [{"exists": false}]}'),
];
const COMPILED = VALID_PATTERNS.map((p) => compilePattern(p));

/** Reference glob matcher (dynamic programming, quadratic): the oracle for the linear one. */
function globReference(pattern: string, value: string): boolean {
  const tokens: { star: boolean; ch?: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') tokens.push({ star: false, ch: pattern[++i] });
    else tokens.push(pattern[i] === '*' ? { star: true } : { star: false, ch: pattern[i] });
  }
  let row = Array<boolean>(value.length + 1).fill(false);
  row[0] = true;
  for (const t of tokens) {
    const next = Array<boolean>(value.length + 1).fill(false);
    for (let j = 0; j <= value.length; j++) {
      if (t.star) next[j] = row[j] || (j > 0 && next[j - 1]);
      else next[j] = j > 0 && row[j - 1] && value[j - 1] === t.ch;
    }
    row = next;
  }
  return row[value.length];
}

describe('event patterns against hostile input (fast-check)', () => {
  it('matching any event never throws and answers a boolean', () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        for (const compiled of COMPILED) expect(typeof compiled.matches(event)).toBe('boolean');
      }),
      { numRuns: NUM_RUNS },
    );
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('a random pattern compiles or throws EventPatternError, and what compiles never throws matching', () => {
    const leaf = fc.oneof(scalar, fc.dictionary(fc.constantFrom('prefix', 'suffix', 'wildcard', 'numeric', 'exists', 'cidr', 'anything-but', 'equals-ignore-case', 'other'), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }));
    const { node } = fc.letrec((tie) => ({
      node: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof({ depthSize: 'small' }, fc.array(leaf, { maxLength: 3 }), tie('node'), fc.array(tie('node'), { maxLength: 3 }), scalar), { maxKeys: 4 }),
    }));
    let compiledCount = 0;
    // mostly-valid patterns too, so the matcher (not only the validator) meets hostile events
    const text = fc.string({ maxLength: 6 });
    const validLeaf = fc.oneof(
      text,
      fc.integer(),
      fc.constant(null),
      text.map((prefix) => ({ prefix })),
      text.map((suffix) => ({ suffix: { 'equals-ignore-case': suffix } })),
      text.map((t) => ({ 'equals-ignore-case': t })),
      fc.array(fc.constantFrom('a', '*', 'b'), { maxLength: 5 }).map((c) => ({ wildcard: c.join('').replace(/\*+/g, '*') })),
      fc.integer({ min: -100, max: 100 }).map((lo) => ({ numeric: ['>=', lo, '<', lo + 10] })),
      fc.boolean().map((exists) => ({ exists })),
      fc.array(text, { minLength: 1, maxLength: 3 }).map((list) => ({ 'anything-but': list })),
      fc.constantFrom({ cidr: '10.0.0.0/8' }, { cidr: '::/0' }),
    );
    const fieldKeys = fc.constantFrom(...KEYS.filter((k) => k !== '$or'));
    const { valid } = fc.letrec((tie) => ({
      valid: fc.dictionary(fieldKeys, fc.oneof({ depthSize: 'small' }, fc.array(validLeaf, { minLength: 1, maxLength: 3 }), tie('valid')), { minKeys: 1, maxKeys: 3 }),
    }));
    const withOr = fc.tuple(valid, valid, valid).map(([a, b, c]) => ({ ...a, $or: [b, c] }));
    fc.assert(
      fc.property(fc.oneof(node, fc.jsonValue(), fc.anything(), valid, withOr), anyEvent, (pattern, event) => {
        let compiled;
        try {
          compiled = compilePattern(pattern);
        } catch (error) {
          expect(error).toBeInstanceOf(EventPatternError);
          expect((error as EventPatternError).message.startsWith(`${(error as EventPatternError).path}: `)).toBe(true);
          return;
        }
        compiledCount++;
        expect(typeof compiled.matches(event)).toBe('boolean');
      }),
      { numRuns: NUM_RUNS },
    );
    // the generator must reach the matcher, not only the validator
    expect(compiledCount).toBeGreaterThan(NUM_RUNS / 5);
  });

  it('exists true and exists false disagree on every top-level field of every event', () => {
    fc.assert(
      fc.property(anyEvent, fc.constantFrom(...KEYS.filter((k) => k !== '$or')), (event, key) => {
        const present = compilePattern({ [key]: [{ exists: true }] }).matches(event);
        const absent = compilePattern({ [key]: [{ exists: false }] }).matches(event);
        expect(present).toBe(!absent);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a value and anything-but that value disagree on a string field', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (value, excluded) => {
        const event = { detail: { f: value } };
        expect(compilePattern({ detail: { f: [{ 'anything-but': excluded }] } }).matches(event)).toBe(!compilePattern({ detail: { f: [excluded] } }).matches(event));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('wildcard agrees with a reference glob matcher', () => {
    const patternArb = fc
      .array(fc.constantFrom('a', 'b', '*', '\\*'), { maxLength: 10 })
      .map((parts) => parts.join(''))
      .filter((p) => !/(^|[^\\])\*\*/.test(p.replace(/\\\*/g, 'E')));
    fc.assert(
      fc.property(patternArb, fc.array(fc.constantFrom('a', 'b', '*'), { maxLength: 12 }).map((c) => c.join('')), (pattern, value) => {
        expect(WildcardPattern.parse(pattern, 'p').matches(value)).toBe(globReference(pattern, value));
      }),
      { numRuns: NUM_RUNS * 5 },
    );
  });

  it('wildcard is linear-ish: a 10k-character value against 50 stars takes < 200 ms', () => {
    const value = 'a'.repeat(10_000);
    // the shapes that make a backtracking RegExp explode: many stars, then a literal that is missing
    const hostile = [
      '*a'.repeat(50) + '*b*',
      '*' + 'a*'.repeat(50) + 'c*',
      '*' + 'a'.repeat(500) + 'b*' + 'a*'.repeat(40),
      'a*'.repeat(49) + 'a' + 'b',
      '*' + 'aa*'.repeat(49) + 'ab*',
    ];
    const compiled = hostile.map((w) => compilePattern({ detail: { f: [{ wildcard: w }] } }));
    const event = { detail: { f: value } };
    const started = performance.now();
    const results = compiled.map((c) => c.matches(event));
    const elapsed = performance.now() - started;
    expect(results).toEqual([false, false, false, false, false]); // every literal 'b'/'c' is missing
    expect(elapsed).toBeLessThan(200);
    // and the same patterns do match once the missing literal is there
    expect(compiled[0].matches({ detail: { f: value + 'b' } })).toBe(true);
    expect(compiled[3].matches({ detail: { f: value + 'b' } })).toBe(true);
  });

  it('survives events nested far deeper than any pattern', () => {
    let deepArray: unknown = 'x';
    let deepObject: unknown = 'x';
    for (let i = 0; i < 100_000; i++) {
      deepArray = [deepArray];
      deepObject = { detail: deepObject, n: [deepObject] };
    }
    for (const compiled of COMPILED) {
      expect(typeof compiled.matches({ detail: deepArray, source: deepArray })).toBe('boolean');
      expect(typeof compiled.matches(deepObject)).toBe('boolean');
    }
  });

  it('exists false inside a wide array of objects is not quadratic', () => {
    const wide = { detail: { items: Array.from({ length: 100_000 }, (_, i) => ({ b: `v${i}` })) } };
    const compiled = compilePattern({ detail: { items: { a: [{ exists: false }], b: ['none'] } } });
    const started = performance.now();
    expect(compiled.matches(wide)).toBe(false);
    expect(compilePattern({ detail: { items: { a: [{ exists: false }], b: ['v99999'] } } }).matches(wide)).toBe(true);
    // linear: well under a second; quadratic would be ~10^10 steps (minutes). 10 s leaves room for a loaded CI machine
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('wide events and long strings stay fast', () => {
    const wide = { detail: { eventName: Array.from({ length: 50_000 }, (_, i) => `name-${i}`), n: Array.from({ length: 50_000 }, (_, i) => i) } };
    const started = performance.now();
    for (const compiled of COMPILED) compiled.matches(wide);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
