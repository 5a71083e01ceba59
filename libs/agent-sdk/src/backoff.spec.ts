import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the base up to the ceiling, with half of each delay jittered', () => {
    const low = new Backoff({ baseMs: 100, maxMs: 1_000, random: () => 0 });
    const high = new Backoff({ baseMs: 100, maxMs: 1_000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5].map((a) => low.delay(a))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 5].map((a) => high.delay(a))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('spreads agents retrying at the same attempt', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const backoff = new Backoff({ baseMs: 1_000, maxMs: 60_000, random });
    const delays = new Set(Array.from({ length: 50 }, () => backoff.delay(3)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(4_000);
  });

  it('never overflows nor goes below zero for absurd attempts', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 5_000, random: () => 0.5 });
    expect(backoff.delay(10_000)).toBe(3_750);
    expect(backoff.delay(-3)).toBe(75);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 500, maxMs: 100 })).toThrow(RangeError);
  });
});
