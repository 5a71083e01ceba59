import fc from 'fast-check';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of `capacity`, then refuses with the wait until the next token', () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, 1_000);
    expect([1, 2, 3].map(() => bucket.take(1_000).ok)).toEqual([true, true, true]);
    expect(bucket.take(1_000)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(bucket.take(1_250)).toEqual({ ok: false, retryAfterMs: 250 });
    expect(bucket.take(1_500)).toEqual({ ok: true });
    expect(bucket.take(1_500).ok).toBe(false);
  });

  it('refills at the steady rate, never above capacity', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 }, 0);
    bucket.take(0);
    bucket.take(0);
    // an hour of quiet buys `capacity` tokens, not 3,600
    const after = [0, 1, 2].map(() => bucket.take(3_600_000).ok);
    expect(after).toEqual([true, true, false]);
  });

  it('a clock that goes back grants nothing', () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, 10_000);
    expect(bucket.take(10_000).ok).toBe(true);
    expect(bucket.take(0).ok).toBe(false);
    // ...and does not push the refill later than real time either
    expect(bucket.take(11_000).ok).toBe(true);
  });

  it('over any sequence of calls, grants at most capacity + rate x elapsed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 500 }),
        (capacity, rate, steps) => {
          const bucket = new TokenBucket({ capacity, refillPerSecond: rate }, 0);
          let now = 0;
          let granted = 0;
          for (const step of steps) {
            now += step;
            if (bucket.take(now).ok) granted++;
          }
          return granted <= capacity + Math.floor((now * rate) / 1000) + 1e-9;
        },
      ),
    );
  });

  it('rejects a bucket that could never grant', () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 }, 0)).toThrow(/capacity/);
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 0 }, 0)).toThrow(/refillPerSecond/);
  });
});
