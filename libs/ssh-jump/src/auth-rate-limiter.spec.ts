import { AuthRateLimiter, isPasswordThrottle } from './auth-rate-limiter';

describe('AuthRateLimiter', () => {
  const make = () => {
    const clock = { t: 0, now: () => clock.t };
    return { clock, limiter: new AuthRateLimiter({ maxFailures: 3, windowMs: 60_000, maxLockoutMs: 200_000, clock }) };
  };

  it('allows attempts until the failure budget is spent, then locks for the window', () => {
    const { clock, limiter } = make();
    limiter.recordFailure('alice', '10.0.0.1');
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(0);
    clock.t = 5_000;
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(60_000);
    clock.t = 64_999;
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(1);
    clock.t = 65_000;
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBe(0);
  });

  it('keys by user and IP (case-insensitive user)', () => {
    const { limiter } = make();
    for (let i = 0; i < 3; i++) limiter.recordFailure('Alice', '10.0.0.1');
    expect(limiter.retryAfterMs('alice', '10.0.0.1')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('alice', '10.0.0.2')).toBe(0);
    expect(limiter.retryAfterMs('bob', '10.0.0.1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { clock, limiter } = make();
    limiter.recordFailure('alice', 'ip');
    limiter.recordFailure('alice', 'ip');
    clock.t = 61_000;
    limiter.recordFailure('alice', 'ip');
    expect(limiter.retryAfterMs('alice', 'ip')).toBe(0);
  });

  it('doubles each further lockout up to the cap', () => {
    const { clock, limiter } = make();
    const lockouts: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) limiter.recordFailure('alice', 'ip');
      const wait = limiter.retryAfterMs('alice', 'ip');
      lockouts.push(wait);
      clock.t += wait;
    }
    expect(lockouts).toEqual([60_000, 120_000, 200_000, 200_000]);
  });

  it('serves the jump as a PasswordThrottle: check, then settle', async () => {
    const { limiter } = make();
    for (let i = 0; i < 3; i++) {
      const attempt = await limiter.check('alice', 'ip');
      if (!attempt.allowed) throw new Error('refused too early');
      await attempt.failure();
    }
    await expect(limiter.check('Alice', 'ip')).resolves.toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(isPasswordThrottle(limiter)).toBe(true);
    expect(isPasswordThrottle({ maxFailures: 3 })).toBe(false);
  });

  it('a success clears the record', () => {
    const { limiter } = make();
    for (let i = 0; i < 3; i++) limiter.recordFailure('alice', 'ip');
    limiter.recordSuccess('alice', 'ip');
    expect(limiter.retryAfterMs('alice', 'ip')).toBe(0);
  });
});
