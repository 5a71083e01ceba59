import type { LoginThrottleConfig } from '@vigil/config';
import {
  beyondBudget,
  limitOf,
  lockHistorySeconds,
  lockoutSeconds,
  normalizeAddress,
  scopesFor,
  sourceKey,
  spendsBudget,
  throttleKeys,
} from './login-throttle-policy';

const config: LoginThrottleConfig = {
  maxFailures: 5,
  maxFailuresPerAccount: 20,
  maxFailuresPerIp: 50,
  windowSeconds: 900,
  lockoutSeconds: 60,
  maxLockoutSeconds: 3600,
};

describe('login throttle policy', () => {
  it('doubles each further lock-out up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map((n) => lockoutSeconds(config, n))).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(lockoutSeconds(config, -3)).toBe(60);
    // the history outlives the lock by one window: a lock starting within it doubles
    expect(lockHistorySeconds(config, 120)).toBe(1020);
  });

  it('spends a budget at exactly one count, so racing failures start one lock-out', () => {
    const counts = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(counts.filter((n) => spendsBudget(config, 'account-ip', n))).toEqual([5]);
    expect(counts.filter((n) => beyondBudget(config, 'account-ip', n))).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect([limitOf(config, 'account-ip'), limitOf(config, 'account'), limitOf(config, 'ip')]).toEqual([5, 20, 50]);
  });

  it('a remembered (account, source) pair answers only to its own budget', () => {
    expect(scopesFor(false)).toEqual(['account-ip', 'account', 'ip']);
    expect(scopesFor(true)).toEqual(['account-ip']);
  });

  it('keys usernames case-insensitively and pairs cannot collide', () => {
    expect(throttleKeys('Alice', '10.0.0.1')).toEqual(throttleKeys('alice', '10.0.0.1'));
    expect(throttleKeys('ALICE', '10.0.0.1')).toEqual({ 'account-ip': '10.0.0.1 alice', account: 'alice', ip: '10.0.0.1' });
    // a name with a space cannot impersonate another address's pair
    expect(throttleKeys('x alice', '10.0.0.1')['account-ip']).not.toBe(throttleKeys('alice', '10.0.0.1 x')['account-ip']);
  });

  it('normalises addresses: IPv4-mapped IPv6 is IPv4, zones and case dropped, missing is "unknown"', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('FE80::1%eth0')).toBe('fe80::1');
    expect(normalizeAddress(undefined)).toBe('unknown');
    expect(normalizeAddress('')).toBe('unknown');
  });

  it('throttles IPv6 by its /64, so rotating the interface id gains nothing', () => {
    const keys = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002:0:0:0:7', '2001:db8:1:2::10.0.0.1'].map(sourceKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(sourceKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('192.0.2.1')).toBe('192.0.2.1');
    // not an address (a misconfigured proxy header, say): kept as it is, never thrown on
    expect(sourceKey('garbage')).toBe('garbage');
    expect(sourceKey('10.0.0.1 x')).toBe('10.0.0.1_x');
  });
});
