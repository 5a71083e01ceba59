import { Backoff } from './backoff';

const clockAt = (time: { now: number }) => ({ now: () => time.now });

describe('Backoff', () => {
  const policy = { intervalMs: 1000, maxMs: 60_000 };

  it('waits one interval after a success', () => {
    const time = { now: 5_000 };
    expect(new Backoff(policy, clockAt(time)).succeeded()).toBe(6_000);
  });

  it('doubles the window after each failure, with jitter inside [ceiling/2, ceiling], never below the interval', () => {
    const time = { now: 0 };
    const lowest = new Backoff(policy, clockAt(time), () => 0);
    const highest = new Backoff(policy, clockAt(time), () => 0.999999);
    const windows = Array.from({ length: 8 }, () => [lowest.failed(), highest.failed()]);
    expect(windows).toEqual([
      [1000, 2000],
      [2000, 4000],
      [4000, 8000],
      [8000, 16000],
      [16000, 32000],
      [30000, 60000],
      [30000, 60000], // capped
      [30000, 60000],
    ]);
    expect(lowest.consecutiveFailures).toBe(8);
  });

  it('spreads the retries of gateways that failed together (jitter is used, not ignored)', () => {
    const time = { now: 0 };
    const draws = [0.1, 0.5, 0.9];
    const delays = draws.map((r) => {
      const b = new Backoff(policy, clockAt(time), () => r);
      b.failed();
      return b.failed();
    });
    expect(new Set(delays).size).toBe(3);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(2000);
  });

  it('starts over after a success, and measures from the injected clock', () => {
    const time = { now: 0 };
    const b = new Backoff(policy, clockAt(time), () => 0);
    b.failed();
    b.failed();
    b.failed();
    time.now = 100_000;
    expect(b.succeeded()).toBe(101_000);
    expect(b.consecutiveFailures).toBe(0);
    expect(b.failed()).toBe(101_000);
  });

  it('survives a thousand failures without overflowing the cap', () => {
    const b = new Backoff(policy, { now: () => 0 }, () => 0.5);
    let last = 0;
    for (let i = 0; i < 1000; i++) last = b.failed();
    expect(last).toBe(45_000);
  });
});
