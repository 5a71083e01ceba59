import { ViewerRateLimits } from './viewer-rate-limits';

describe('ViewerRateLimits', () => {
  const limits = { membership: { capacity: 3, refillPerSecond: 1 }, control: { capacity: 2, refillPerSecond: 2 }, input: { capacity: 5, refillPerSecond: 10 }, message: { capacity: 1, refillPerSecond: 0.2 } };

  it('refuses past the burst with a clear error, per socket and per kind of action', () => {
    let now = 0;
    const rate = new ViewerRateLimits(() => now, limits);
    const attaches = Array.from({ length: 4 }, () => rate.refusal('s1', 'membership'));
    expect(attaches.slice(0, 3)).toEqual([null, null, null]);
    expect(attaches[3]).toEqual({ ok: false, error: 'rate limited: too many attach/detach requests on this connection, retry in 1000 ms' });
    // another kind of action and another socket have their own buckets
    expect(rate.refusal('s1', 'control')).toBeNull();
    expect(rate.refusal('s2', 'membership')).toBeNull();
    now += 1000;
    expect(rate.refusal('s1', 'membership')).toBeNull();
    expect(rate.refusal('s1', 'membership')).not.toBeNull();
  });

  it('4,000 take/handback in 300 ms: only the burst and the refill pass', () => {
    let now = 0;
    const rate = new ViewerRateLimits(() => now, limits);
    let passed = 0;
    for (let i = 0; i < 4000; i++) {
      now = (i * 300) / 4000;
      if (rate.refusal('s1', 'control') === null) passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(2);
    expect(passed).toBeLessThanOrEqual(2 + Math.ceil(0.3 * 2));
  });

  it('forgets a socket at disconnect (its next connection starts with a full bucket)', () => {
    const rate = new ViewerRateLimits(() => 0, limits);
    for (let i = 0; i < 3; i++) rate.refusal('s1', 'membership');
    expect(rate.refusal('s1', 'membership')).not.toBeNull();
    rate.forget('s1');
    expect(rate.refusal('s1', 'membership')).toBeNull();
  });
});
