import fc from 'fast-check';
import { InvalidPageTokenError, decodePageToken, encodePageToken } from './page-token';

/**
 * Properties of the opaque paging tokens. `nextToken` arrives from any client: decoding must
 * either yield a cursor of the documented shape or throw InvalidPageTokenError (mapped to 400),
 * never another error (which would be a 500).
 */

const NUM_RUNS = 5_000;
const cursor = fc.record({ t: fc.maxSafeInteger().map((n) => n * (n % 2 ? -1 : 1)), id: fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }).filter((id) => !id.includes('\u0000')) });
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined').toString('base64url');

/** Forged tokens: random text, base64 of random JSON, near misses of the real shape. */
const forged = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 600 }),
  fc.base64String({ maxLength: 200 }),
  fc.jsonValue().map(b64),
  fc.tuple(fc.oneof(fc.double(), fc.bigInt().map(String), fc.string(), fc.constant(null)), fc.oneof(fc.string({ maxLength: 120 }), fc.integer())).map(b64),
  fc.tuple(fc.integer(), fc.string({ minLength: 1, maxLength: 5 }), fc.anything()).map(b64),
  fc.string({ unit: 'binary', maxLength: 300 }).map(b64),
);

function decodeOrError(token: string): { t: number; id: string } | Error {
  try {
    return decodePageToken(token);
  } catch (error) {
    return error as Error;
  }
}

describe('page tokens (fast-check)', () => {
  it('refuses a cursor id holding U+0000 (PostgreSQL cannot compare it)', () => {
    expect(() => decodePageToken(encodePageToken({ t: 1, id: 'a\u0000b' }))).toThrow(InvalidPageTokenError);
  });

  it('round-trips every cursor', () => {
    fc.assert(
      fc.property(cursor, (c) => expect(decodePageToken(encodePageToken(c))).toEqual(c)),
      { numRuns: NUM_RUNS },
    );
  });

  it('a forged token is a cursor of the documented shape or InvalidPageTokenError, nothing else', () => {
    fc.assert(
      fc.property(forged, (token) => {
        const decoded = decodeOrError(token);
        if (decoded instanceof Error) {
          expect(decoded).toBeInstanceOf(InvalidPageTokenError);
          expect(decoded.message).toBe('nextToken is invalid or expired');
          return;
        }
        expect(Object.keys(decoded).sort()).toEqual(['id', 't']);
        expect(Number.isSafeInteger(decoded.t)).toBe(true);
        expect(typeof decoded.id).toBe('string');
        expect(decoded.id.length).toBeGreaterThanOrEqual(1);
        expect(decoded.id.length).toBeLessThanOrEqual(100);
        // whatever was accepted encodes to a token that decodes to the same cursor
        expect(decodePageToken(encodePageToken(decoded))).toEqual(decoded);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
