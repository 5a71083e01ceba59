import fc from 'fast-check';
import { parseAttach, parseControl, parseDetach, parseInput, parseMessage, parseTerminate } from './live-payloads';

/**
 * Properties of the /live payload parsers, for whatever a socket.io client can send: socket.io
 * delivers any JSON value (and binary attachments), so the parsers must answer every one of them
 * with a value or a named error, never throw, and accept only what they document.
 */

const PARSERS = { attach: parseAttach, input: parseInput, control: parseControl, terminate: parseTerminate, detach: parseDetach };
const ALLOWED: Record<keyof typeof PARSERS, string[]> = {
  attach: ['sessionId', 'mode'],
  input: ['sessionId', 'data'],
  control: ['sessionId', 'action', 'force'],
  terminate: ['sessionId', 'reason'],
  detach: ['sessionId'],
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUM_RUNS = 2_000;

/** What a hostile client sends: any JSON-ish value, objects with the right keys and wrong values, odd keys. */
const hostileValue = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }),
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 64 }),
);
const sessionId = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), hostileValue);
const hostilePayload = fc.oneof(
  hostileValue,
  fc.record(
    {
      sessionId,
      mode: fc.oneof(fc.constantFrom('view', 'interact', 'VIEW', ' view', ''), hostileValue),
      data: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), hostileValue),
      action: fc.oneof(fc.constantFrom('take', 'handback', 'pause-user', 'resume-user', 'TAKE', 'toString'), hostileValue),
      force: fc.oneof(fc.boolean(), hostileValue),
      reason: fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), hostileValue),
      __proto__: hostileValue,
      constructor: hostileValue,
    },
    { requiredKeys: [] },
  ),
  // own `__proto__` / `constructor` keys, as JSON.parse produces them
  fc.jsonValue().map((v) => JSON.parse(`{"__proto__": ${JSON.stringify(v) ?? 'null'}, "sessionId": "6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f"}`) as unknown),
);

describe('/live payload parsers (fast-check)', () => {
  it.each(Object.keys(PARSERS) as (keyof typeof PARSERS)[])('%s: never throws; refuses with a message; accepts only documented fields and a UUID', (name) => {
    const parse = PARSERS[name];
    fc.assert(
      fc.property(hostilePayload, (payload) => {
        const result = parse(payload);
        if (!result.ok) {
          expect(typeof result.error).toBe('string');
          expect(result.error.length).toBeGreaterThan(0);
          return;
        }
        // accepted: a plain object with only the allowed keys and a UUID session id
        expect(typeof payload === 'object' && payload !== null && !Array.isArray(payload)).toBe(true);
        const keys = Object.keys(payload as object);
        expect(keys.filter((k) => !ALLOWED[name].includes(k))).toEqual([]);
        expect(result.value.sessionId).toBe((payload as { sessionId: unknown }).sessionId);
        expect(result.value.sessionId).toMatch(UUID);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('attach accepts exactly the two modes', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.oneof(fc.constantFrom('view', 'interact'), fc.string(), hostileValue), (id, mode) => {
        const result = parseAttach({ sessionId: id, mode });
        expect(result.ok).toBe(mode === 'view' || mode === 'interact');
        if (result.ok) expect(result.value).toEqual({ sessionId: id, mode });
        else expect(result.error).toMatch(/mode/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('input takes a non-empty string of at most 16 KiB characters, unchanged', () => {
    const data = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.integer({ min: 16 * 1024 - 2, max: 16 * 1024 + 2 }).map((n) => 'x'.repeat(n)),
      hostileValue,
    );
    fc.assert(
      fc.property(fc.uuid(), data, (id, value) => {
        const result = parseInput({ sessionId: id, data: value });
        const valid = typeof value === 'string' && value.length >= 1 && value.length <= 16 * 1024;
        expect(result.ok).toBe(valid);
        if (result.ok) expect(result.value.data).toBe(value);
        else expect(result.error).toMatch(/data/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('control takes a known action and a boolean force (default false)', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.oneof(fc.constantFrom('take', 'handback', 'pause-user', 'resume-user'), fc.string(), hostileValue),
        fc.option(fc.oneof(fc.boolean(), hostileValue), { nil: undefined }),
        (id, action, force) => {
          const payload = force === undefined ? { sessionId: id, action } : { sessionId: id, action, force };
          const result = parseControl(payload);
          const valid = ['take', 'handback', 'pause-user', 'resume-user'].includes(action as string) && (force === undefined || typeof force === 'boolean');
          expect(result.ok).toBe(valid);
          if (result.ok) expect(result.value).toEqual({ sessionId: id, action, force: force === true });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('terminate takes a reason with something besides whitespace, at most 500 characters, no NUL, trimmed', () => {
    const reason = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 520 }),
      fc.constantFrom('', ' ', '\t\n', '\u00a0', '\u2028'),
      fc.integer({ min: 498, max: 502 }).map((n) => 'r'.repeat(n)),
      hostileValue,
    );
    fc.assert(
      fc.property(fc.uuid(), reason, (id, value) => {
        const result = parseTerminate({ sessionId: id, reason: value });
        const valid = typeof value === 'string' && value.trim().length > 0 && value.length <= 500 && !value.includes('\u0000');
        expect(result.ok).toBe(valid);
        if (result.ok) expect(result.value.reason).toBe((value as string).trim());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('an unknown field is refused by name, whatever else is right', () => {
    const extra = fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !['sessionId', 'mode', 'data', 'action', 'force', 'reason'].includes(k));
    fc.assert(
      fc.property(fc.uuid(), extra, hostileValue, (id, key, value) => {
        const payload: Record<string, unknown> = { sessionId: id, mode: 'view' };
        Object.defineProperty(payload, key, { value, enumerable: true });
        const result = parseAttach(payload);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error).toContain(key);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('request control and message payloads', () => {
  const id = '0b1f8a3e-4c1d-4f6e-9a2b-3c4d5e6f7a8b';
  it('grant and deny name a well-formed viewer id; other actions take none', () => {
    expect(parseControl({ sessionId: id, action: 'grant', to: 'AbC_-123' })).toEqual({ ok: true, value: { sessionId: id, action: 'grant', force: false, to: 'AbC_-123' } });
    expect(parseControl({ sessionId: id, action: 'request' })).toEqual({ ok: true, value: { sessionId: id, action: 'request', force: false } });
    for (const to of [undefined, '', 'a b', 'x'.repeat(65), 42, { $ne: null }]) expect(parseControl({ sessionId: id, action: 'deny', to }).ok).toBe(false);
    expect(parseControl({ sessionId: id, action: 'take', to: 'abc' })).toEqual({ ok: false, error: 'to is only for grant and deny' });
  });

  it('a message is sanitised, trimmed and bounded', () => {
    expect(parseMessage({ sessionId: id, text: '  hi\u001b[2J\r\nthere\u202e ' })).toEqual({ ok: true, value: { sessionId: id, text: 'hi [2J there' } });
    expect(parseMessage({ sessionId: id, text: 'é'.repeat(200) }).ok).toBe(true);
    expect(parseMessage({ sessionId: id, text: 'é'.repeat(201) })).toMatchObject({ ok: false, error: /at most 200/ });
    expect(parseMessage({ sessionId: id, text: '\u0000\u0007 \u202e' })).toEqual({ ok: false, error: 'text must not be empty' });
    expect(parseMessage({ sessionId: id, text: 5 }).ok).toBe(false);
    expect(parseMessage({ sessionId: id, text: 'x', extra: 1 }).ok).toBe(false);
  });
});
