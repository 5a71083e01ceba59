import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { LoginThrottleConfig } from '@vigil/config';
import { LoginThrottle, LoginVerdict } from './login-throttle';
import { RateLimiterThrottleStore, ThrottleStore } from './login-throttle-store';

/** The store's contract in memory, on a clock the test moves (expiry without waiting). */
class ManualClockStore extends ThrottleStore {
  now = 0;
  private readonly entries = new Map<string, { value: number; expiresAt: number }>();

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now) this.entries.delete(key);
    return this.entries.get(key);
  }
  async increment(key: string, seconds: number): Promise<number> {
    const entry = this.live(key) ?? { value: 0, expiresAt: this.now + seconds * 1000 };
    entry.value += 1;
    this.entries.set(key, entry);
    return entry.value;
  }
  async decrement(key: string): Promise<void> {
    const entry = this.live(key);
    if (entry && entry.value > 0) entry.value -= 1;
  }
  async read(key: string) {
    const entry = this.live(key);
    return entry ? { value: entry.value, msLeft: entry.expiresAt - this.now } : null;
  }
  async write(key: string, value: number, seconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now + seconds * 1000 });
  }
  async remove(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

const CONFIG: LoginThrottleConfig = {
  maxFailures: 5,
  maxFailuresPerAccount: 20,
  maxFailuresPerIp: 50,
  windowSeconds: 900,
  lockoutSeconds: 60,
  maxLockoutSeconds: 300,
};

function make(config = CONFIG) {
  const store = new ManualClockStore();
  const warnings: string[] = [];
  const throttle = new LoginThrottle(store, config, { warn: (m) => warnings.push(m) });
  const advance = (seconds: number) => (store.now += seconds * 1000);
  return { store, throttle, warnings, advance };
}

function allowed(verdict: LoginVerdict): Extract<LoginVerdict, { allowed: true }> {
  if (!verdict.allowed) throw new Error(`refused (${verdict.scope}, ${verdict.retryAfterSeconds} s)`);
  return verdict;
}

/** `n` wrong passwords in a row; returns the lock-outs they started. */
async function fail(throttle: LoginThrottle, username: string, ip: string, n: number) {
  const lockouts = [];
  for (let i = 0; i < n; i++) lockouts.push(...(await allowed(await throttle.check(username, ip)).failure()));
  return lockouts;
}

describe('LoginThrottle', () => {
  it('locks an (account, source) pair after its budget: even the right password waits, then it passes', async () => {
    const { throttle, warnings, advance } = make();
    await expect(fail(throttle, 'alice', '203.0.113.7', 4)).resolves.toEqual([]);
    await expect(fail(throttle, 'alice', '203.0.113.7', 1)).resolves.toEqual([{ scope: 'account-ip', seconds: 60 }]);
    expect(warnings).toEqual(['login locked for 60 s (account-ip budget spent): account "alice" from 203.0.113.7']);

    // locked: the check refuses before anyone looks at a password
    await expect(throttle.check('alice', '203.0.113.7')).resolves.toEqual({ allowed: false, scope: 'account-ip', retryAfterSeconds: 60 });
    advance(59);
    await expect(throttle.check('ALICE', '203.0.113.7')).resolves.toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    advance(1);
    const verdict = allowed(await throttle.check('alice', '203.0.113.7'));
    await verdict.success();
  });

  it('leaves other accounts on that source and that account on other sources alone', async () => {
    const { throttle } = make();
    await fail(throttle, 'alice', '203.0.113.7', 5);
    await expect(throttle.check('alice', '203.0.113.7')).resolves.toMatchObject({ allowed: false });
    await expect(throttle.check('bob', '203.0.113.7')).resolves.toMatchObject({ allowed: true });
    await expect(throttle.check('alice', '198.51.100.9')).resolves.toMatchObject({ allowed: true });
  });

  it('a parallel burst gets no more guesses than the budget, and starts one lock-out', async () => {
    const { throttle } = make();
    const verdicts = await Promise.all(Array.from({ length: 200 }, () => throttle.check('alice', '203.0.113.7')));
    const through = verdicts.filter((v): v is Extract<LoginVerdict, { allowed: true }> => v.allowed);
    expect(through).toHaveLength(5);
    expect(verdicts.filter((v) => !v.allowed).every((v) => !v.allowed && v.retryAfterSeconds >= 1)).toBe(true);
    const lockouts = (await Promise.all(through.map((v) => v.failure()))).flat();
    expect(lockouts).toEqual([{ scope: 'account-ip', seconds: 60 }]);
    // the refused ones were not counted: the IP has spent 5, not 200
    for (let i = 0; i < 44; i++) await allowed(await throttle.check(`user${i}`, '203.0.113.7')).failure();
    await expect(throttle.check('carol', '203.0.113.7')).resolves.toMatchObject({ allowed: true });
  });

  it('doubles the lock for each lock-out that follows within a window, up to the cap; forgets after a quiet window', async () => {
    const { throttle, advance } = make();
    const lengths: number[] = [];
    for (let round = 0; round < 4; round++) {
      const [lockout] = await fail(throttle, 'alice', '203.0.113.7', 5);
      lengths.push(lockout.seconds);
      advance(lockout.seconds);
    }
    expect(lengths).toEqual([60, 120, 240, 300]);
    advance(CONFIG.windowSeconds);
    await expect(fail(throttle, 'alice', '203.0.113.7', 5)).resolves.toEqual([{ scope: 'account-ip', seconds: 60 }]);
  });

  it('failures older than the window are forgotten', async () => {
    const { throttle, advance } = make();
    await fail(throttle, 'alice', '203.0.113.7', 4);
    advance(CONFIG.windowSeconds);
    await expect(fail(throttle, 'alice', '203.0.113.7', 4)).resolves.toEqual([]);
    await expect(throttle.check('alice', '203.0.113.7')).resolves.toMatchObject({ allowed: true });
  });

  it('a success from the pair clears its failures', async () => {
    const { throttle } = make();
    await fail(throttle, 'alice', '203.0.113.7', 4);
    await allowed(await throttle.check('alice', '203.0.113.7')).success();
    await expect(fail(throttle, 'alice', '203.0.113.7', 4)).resolves.toEqual([]);
    await expect(fail(throttle, 'alice', '203.0.113.7', 1)).resolves.toEqual([{ scope: 'account-ip', seconds: 60 }]);
  });

  it('signing in to a valid account between guesses does not refill the IP budget', async () => {
    const { throttle } = make({ ...CONFIG, maxFailuresPerIp: 10 });
    const lockouts = [];
    for (let i = 0; i < 10; i++) {
      await allowed(await throttle.check('mallory', '203.0.113.7')).success();
      lockouts.push(...(await fail(throttle, `victim${i}`, '203.0.113.7', 1)));
    }
    expect(lockouts).toEqual([{ scope: 'ip', seconds: 60 }]);
    await expect(throttle.check('victim99', '203.0.113.7')).resolves.toMatchObject({ allowed: false, scope: 'ip' });
    // mallory herself signed in from there: she keeps her own account, not the guesses
    await expect(throttle.check('mallory', '203.0.113.7')).resolves.toMatchObject({ allowed: true });
  });

  it('locks an account guessed from many sources for unknown sources only; its usual workstation still gets in', async () => {
    const { throttle } = make();
    await allowed(await throttle.check('admin', '192.0.2.10')).success(); // the admin's workstation
    for (let i = 0; i < 20; i++) await fail(throttle, 'admin', `198.51.100.${i}`, 1);
    await expect(throttle.check('admin', '198.51.100.200')).resolves.toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 60 });
    await expect(throttle.check('Admin', '192.0.2.10')).resolves.toMatchObject({ allowed: true });
    await expect(throttle.check('bob', '198.51.100.200')).resolves.toMatchObject({ allowed: true });
  });

  it('failures from a remembered source count only against that pair', async () => {
    const { throttle } = make({ ...CONFIG, maxFailures: 100, maxFailuresPerAccount: 3, maxFailuresPerIp: 3 });
    await allowed(await throttle.check('admin', '192.0.2.10')).success();
    await expect(fail(throttle, 'admin', '192.0.2.10', 10)).resolves.toEqual([]);
    await expect(throttle.check('admin', '198.51.100.1')).resolves.toMatchObject({ allowed: true });
    await expect(throttle.check('bob', '192.0.2.10')).resolves.toMatchObject({ allowed: true });
  });

  it('a sprayer locks its address for accounts that never signed in from it, not for its regular users', async () => {
    const { throttle } = make();
    await allowed(await throttle.check('alice', '192.0.2.50')).success(); // alice works behind this NAT
    for (let i = 0; i < 50; i++) await fail(throttle, `victim${i}`, '192.0.2.50', 1);
    await expect(throttle.check('newcomer', '192.0.2.50')).resolves.toMatchObject({ allowed: false, scope: 'ip' });
    await allowed(await throttle.check('alice', '192.0.2.50')).success();
    // guessing at alice from there still meets her pair budget
    await expect(fail(throttle, 'alice', '192.0.2.50', 4)).resolves.toEqual([]);
    await expect(fail(throttle, 'alice', '192.0.2.50', 1)).resolves.toEqual([{ scope: 'account-ip', seconds: 60 }]);
  });

  it('rotating the IPv6 interface id or the username case gains nothing', async () => {
    const { throttle } = make();
    for (let i = 1; i <= 5; i++) await allowed(await throttle.check(i % 2 ? 'Alice' : 'alice', `2001:db8:1:2::${i.toString(16)}`)).failure();
    await expect(throttle.check('ALICE', '2001:db8:1:2:abcd::1')).resolves.toMatchObject({ allowed: false, scope: 'account-ip' });
    await expect(throttle.check('alice', '2001:db8:1:3::1')).resolves.toMatchObject({ allowed: true });
  });

  it('an abandoned attempt (password not judged) costs nothing; a verdict settles once', async () => {
    const { throttle } = make();
    for (let i = 0; i < 20; i++) await allowed(await throttle.check('alice', '203.0.113.7')).abandon();
    const verdict = allowed(await throttle.check('alice', '203.0.113.7'));
    await verdict.failure();
    await expect(verdict.failure()).resolves.toEqual([]);
    await verdict.success(); // ignored: already settled as a failure
    await expect(fail(throttle, 'alice', '203.0.113.7', 4)).resolves.toEqual([{ scope: 'account-ip', seconds: 60 }]);
  });
});

describe('RateLimiterThrottleStore over rate-limiter-flexible', () => {
  const store = () => new RateLimiterThrottleStore(new RateLimiterMemory({ keyPrefix: 't', points: 1, duration: 60 }));

  it('counts atomically, takes back without going below zero or creating keys, expires what it writes', async () => {
    const s = store();
    await expect(Promise.all([s.increment('k', 60), s.increment('k', 60), s.increment('k', 60)])).resolves.toEqual([1, 2, 3]);
    await s.decrement('k');
    await expect(s.read('k')).resolves.toMatchObject({ value: 2 });
    await s.decrement('missing');
    await expect(s.read('missing')).resolves.toBeNull();
    await s.write('lock', 1, 30);
    const lock = await s.read('lock');
    expect(lock?.value).toBe(1);
    expect(lock!.msLeft).toBeGreaterThan(25_000);
    expect(lock!.msLeft).toBeLessThanOrEqual(30_000);
    await s.remove('lock');
    await expect(s.read('lock')).resolves.toBeNull();
  });

  it('keeps long entries (beyond what a Node timer holds) instead of dropping them at once', async () => {
    const s = store();
    await s.write('known', 1, 365 * 24 * 3600);
    await new Promise((r) => setTimeout(r, 20));
    await expect(s.read('known')).resolves.toMatchObject({ value: 1 });
  });

  it('under LoginThrottle, a parallel burst still gets only the budget', async () => {
    const throttle = new LoginThrottle(store(), CONFIG);
    const verdicts = await Promise.all(Array.from({ length: 100 }, () => throttle.check('alice', '203.0.113.7')));
    const through = verdicts.filter((v): v is Extract<LoginVerdict, { allowed: true }> => v.allowed);
    expect(through).toHaveLength(5);
    await Promise.all(through.map((v) => v.failure()));
    await expect(throttle.check('alice', '203.0.113.7')).resolves.toMatchObject({ allowed: false, scope: 'account-ip' });
  });
});
