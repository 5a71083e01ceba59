import { RetryPolicy, backoffDelay, decideRetry } from './retry-policy';

const POLICY: RetryPolicy = { baseMs: 1000, maxMs: 60_000, windowMs: 24 * 3600_000, maxAttempts: 185 };

describe('backoffDelay (full jitter)', () => {
  it('doubles the ceiling per attempt up to the maximum, and the jitter spans [0, ceiling)', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 7, 8, 30].map((a) => backoffDelay(a, POLICY, top))).toEqual([999, 1999, 3999, 7999, 59_999, 59_999, 59_999]);
    expect(backoffDelay(5, POLICY, () => 0)).toBe(0);
    expect(backoffDelay(3, POLICY, () => 0.5)).toBe(2000);
  });

  it('never overflows for huge attempt numbers', () => {
    expect(backoffDelay(10_000, POLICY, () => 0.5)).toBe(30_000);
  });
});

describe('decideRetry', () => {
  it('retries at now + jittered delay while attempts and window remain', () => {
    expect(decideRetry(1, 0, 5000, POLICY, () => 0.5)).toEqual({ kind: 'retry', at: 5500 });
  });

  it('is dead after maxAttempts', () => {
    expect(decideRetry(185, 0, 1000, POLICY, () => 0)).toMatchObject({ kind: 'dead' });
    expect(decideRetry(184, 0, 1000, POLICY, () => 0)).toMatchObject({ kind: 'retry' });
  });

  it('is dead when the next try would fall outside the window opened by the first attempt', () => {
    const first = 1_000_000;
    const nearEnd = first + POLICY.windowMs - 10_000;
    expect(decideRetry(20, first, nearEnd, POLICY, () => 0.5)).toMatchObject({ kind: 'dead' }); // +30 s > window
    expect(decideRetry(20, first, nearEnd, POLICY, () => 0.1)).toMatchObject({ kind: 'retry', at: nearEnd + 6000 });
  });

  it('spreads the retries of deliveries that failed together', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const times = Array.from({ length: 200 }, () => (decideRetry(6, 0, 0, POLICY, random) as { at: number }).at);
    expect(new Set(times).size).toBeGreaterThan(150);
    expect(Math.max(...times)).toBeLessThan(32_000);
  });
});
