import fc from 'fast-check';
import { parseLoginName } from './login-name';

/**
 * Properties of the SSH login-name parser for any name a client can send (SSH carries the name as
 * UTF-8 bytes up to the packet size). The reason is written back to the client's terminal in the
 * userauth banner, so it must never carry control characters or grow with the input.
 */

const USER_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-';
const TARGET_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
const part = (chars: string, max: number) => fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: 1, maxLength: max });
const NUM_RUNS = 5_000;

/** Names that look almost right: the two parts around "+" with hostile pieces mixed in. */
const nearlyValid = fc
  .tuple(
    fc.oneof(part(USER_CHARS, 70), fc.string({ unit: 'binary', maxLength: 70 })),
    fc.constantFrom('+', '++', '', '+ ', '\u0000+', '+\u001b[2J', '\uff0b'),
    fc.oneof(part(TARGET_CHARS, 130), fc.string({ unit: 'binary', maxLength: 130 }), fc.constantFrom('../etc', 'a/b', 'a b', 'a\nb')),
  )
  .map(([u, plus, t]) => `${u}${plus}${t}`);
const anyName = fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ unit: 'grapheme', maxLength: 100 }), nearlyValid);

describe('parseLoginName (fast-check)', () => {
  it('never throws; accepted names split into two valid parts that make the name again', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const result = parseLoginName(name);
        if (!result.ok) return;
        expect(`${result.user}+${result.target}`).toBe(name);
        expect(result.user).toMatch(/^[A-Za-z0-9._@-]{1,64}$/);
        expect(result.target).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('accepts every well-formed <user>+<target>', () => {
    fc.assert(
      fc.property(part(USER_CHARS, 64), part(TARGET_CHARS, 128), (user, target) => {
        expect(parseLoginName(`${user}+${target}`)).toEqual({ ok: true, user, target });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a refusal is printable ASCII and bounded, whatever the name carried', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const result = parseLoginName(name);
        if (result.ok) return;
        expect(result.reason).toMatch(/^[\x20-\x7e]+$/);
        expect(result.reason.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('refuses a part that is too long or carries anything outside its alphabet', () => {
    fc.assert(
      fc.property(part(USER_CHARS, 64), part(TARGET_CHARS, 128), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.boolean(), (user, target, junk, inUser) => {
        fc.pre(/[^A-Za-z0-9._@+-]/.test(junk) || (!inUser && junk.includes('@')));
        const name = inUser ? `${user}${junk}+${target}` : `${user}+${target}${junk}`;
        fc.pre(!name.slice(name.indexOf('+') + 1).includes('+'));
        expect(parseLoginName(name).ok).toBe(false);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(parseLoginName(`${'u'.repeat(65)}+t`).ok).toBe(false);
    expect(parseLoginName(`u+${'t'.repeat(129)}`).ok).toBe(false);
  });
});
