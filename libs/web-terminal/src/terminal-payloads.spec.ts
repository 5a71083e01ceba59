import { MAX_INPUT_BYTES, parseInput, parseOpen, parseResize } from './terminal-payloads';

describe('web terminal payloads', () => {
  it('accepts a well-formed open, resize and input', () => {
    expect(parseOpen({ target: 'box', cols: 120, rows: 40 })).toEqual({ ok: true, value: { target: 'box', cols: 120, rows: 40 } });
    expect(parseResize({ cols: 100, rows: 30 })).toEqual({ ok: true, value: { cols: 100, rows: 30 } });
    const typed = parseInput('ls -l\r');
    expect(typed.ok && typed.value.toString()).toBe('ls -l\r');
    const bytes = parseInput(new Uint8Array([27, 91, 65]));
    expect(bytes.ok && [...bytes.value]).toEqual([27, 91, 65]);
  });

  it.each([
    undefined, null, 'box', 42, [], { target: '' }, { target: 'box' }, { target: 'box', cols: 0, rows: 24 },
    { target: 'box', cols: 80.5, rows: 24 }, { target: 'box', cols: '80', rows: 24 }, { target: 'x'.repeat(129), cols: 80, rows: 24 },
    { target: ['box'], cols: 80, rows: 24 }, { target: 'box', cols: 1e9, rows: 24 }, { target: 'box', cols: -80, rows: 24 },
  ])('refuses a malformed open %#', (payload) => {
    const parsed = parseOpen(payload);
    expect(parsed.ok).toBe(false);
  });

  it.each([undefined, null, {}, [80, 24], { cols: 80 }, { cols: NaN, rows: 24 }, { cols: Infinity, rows: 24 }])('refuses a malformed resize %#', (payload) => {
    expect(parseResize(payload).ok).toBe(false);
  });

  it('bounds input: at most MAX_INPUT_BYTES of UTF-8, never empty, only strings and bytes', () => {
    expect(parseInput('a'.repeat(MAX_INPUT_BYTES)).ok).toBe(true);
    expect(parseInput('a'.repeat(MAX_INPUT_BYTES + 1))).toEqual({ ok: false, error: expect.stringMatching(/at most/) });
    // 3 bytes of UTF-8 each: fits in UTF-16 units, not in bytes
    expect(parseInput('€'.repeat(MAX_INPUT_BYTES / 2)).ok).toBe(false);
    expect(parseInput(Buffer.alloc(MAX_INPUT_BYTES + 1)).ok).toBe(false);
    expect(parseInput(new ArrayBuffer(MAX_INPUT_BYTES + 1)).ok).toBe(false);
    expect(parseInput('').ok).toBe(false);
    for (const bad of [undefined, null, 42, { data: 'ls' }, ['ls']]) expect(parseInput(bad).ok).toBe(false);
  });
});
