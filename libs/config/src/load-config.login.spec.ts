import { ConfigValidationError, loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig: login throttling and trusted proxies', () => {
  it('defaults: 5 per account and source, 20 per account, 50 per source in 15 min; 60 s lock doubling to a day; no proxy trusted', () => {
    const config = loadConfig({});
    expect(config.loginThrottle).toEqual({
      maxFailures: 5,
      maxFailuresPerAccount: 20,
      maxFailuresPerIp: 50,
      windowSeconds: 900,
      lockoutSeconds: 60,
      maxLockoutSeconds: 86400,
    });
    expect(config.trustProxy).toBe(false);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      VIGIL_LOGIN_MAX_FAILURES: '3',
      VIGIL_LOGIN_MAX_FAILURES_PER_ACCOUNT: '9',
      VIGIL_LOGIN_MAX_FAILURES_PER_IP: '30',
      VIGIL_LOGIN_WINDOW_SECONDS: '60',
      VIGIL_LOGIN_LOCKOUT_SECONDS: '2',
      VIGIL_LOGIN_MAX_LOCKOUT_SECONDS: '8',
    });
    expect(config.loginThrottle).toEqual({ maxFailures: 3, maxFailuresPerAccount: 9, maxFailuresPerIp: 30, windowSeconds: 60, lockoutSeconds: 2, maxLockoutSeconds: 8 });
  });

  it('refuses throttling that is off, negative or self-contradictory', () => {
    const problems = problemsOf({
      VIGIL_LOGIN_MAX_FAILURES: '0',
      VIGIL_LOGIN_WINDOW_SECONDS: '-1',
      VIGIL_LOGIN_LOCKOUT_SECONDS: '600',
      VIGIL_LOGIN_MAX_LOCKOUT_SECONDS: '60',
    });
    expect(problems).toMatch(/VIGIL_LOGIN_MAX_FAILURES must be an integer between 1 and 1000/);
    expect(problems).toMatch(/VIGIL_LOGIN_WINDOW_SECONDS must be an integer/);
    expect(problems).toMatch(/VIGIL_LOGIN_MAX_LOCKOUT_SECONDS must be at least VIGIL_LOGIN_LOCKOUT_SECONDS/);
  });

  it('VIGIL_TRUST_PROXY: off, a hop count, or named proxies; never "trust everyone"', () => {
    for (const off of ['', '0', 'false', 'off']) expect(loadConfig({ VIGIL_TRUST_PROXY: off }).trustProxy).toBe(false);
    expect(loadConfig({ VIGIL_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ VIGIL_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    expect(problemsOf({ VIGIL_TRUST_PROXY: 'true' })).toMatch(/VIGIL_TRUST_PROXY=true would trust an address any client can forge/);
    expect(problemsOf({ VIGIL_TRUST_PROXY: '11' })).toMatch(/VIGIL_TRUST_PROXY must be a number of proxy hops/);
    expect(problemsOf({ VIGIL_TRUST_PROXY: 'loopback,10.0.0.0/33,proxy.example' })).toMatch(/bad entries: "10.0.0.0\/33", "proxy.example"/);
  });
});
