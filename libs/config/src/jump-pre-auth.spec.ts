import { loadConfig } from './load-config';

describe('loadConfig: the SSH jump before authentication', () => {
  it('defaults to a 30 s login grace time, 100 unauthenticated connections, 10 per address', () => {
    expect(loadConfig({}).jumpPreAuth).toEqual({ loginGraceMs: 30_000, maxStartups: 100, maxStartupsPerIp: 10 });
  });

  it('reads VIGIL_JUMP_LOGIN_GRACE_MS, VIGIL_JUMP_MAX_STARTUPS, VIGIL_JUMP_MAX_STARTUPS_PER_IP', () => {
    const config = loadConfig({ VIGIL_JUMP_LOGIN_GRACE_MS: '1500', VIGIL_JUMP_MAX_STARTUPS: '8', VIGIL_JUMP_MAX_STARTUPS_PER_IP: '4' });
    expect(config.jumpPreAuth).toEqual({ loginGraceMs: 1500, maxStartups: 8, maxStartupsPerIp: 4 });
  });

  it.each([
    ['VIGIL_JUMP_LOGIN_GRACE_MS', '0', /VIGIL_JUMP_LOGIN_GRACE_MS must be an integer between 500 and 600000/],
    ['VIGIL_JUMP_LOGIN_GRACE_MS', '30s', /VIGIL_JUMP_LOGIN_GRACE_MS must be an integer/],
    ['VIGIL_JUMP_MAX_STARTUPS', '0', /VIGIL_JUMP_MAX_STARTUPS must be an integer between 1 and 100000/],
    ['VIGIL_JUMP_MAX_STARTUPS_PER_IP', '-1', /VIGIL_JUMP_MAX_STARTUPS_PER_IP must be an integer/],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('rejects a per-address cap above the total cap', () => {
    expect(() => loadConfig({ VIGIL_JUMP_MAX_STARTUPS: '5', VIGIL_JUMP_MAX_STARTUPS_PER_IP: '6' })).toThrow(
      /VIGIL_JUMP_MAX_STARTUPS_PER_IP must not exceed VIGIL_JUMP_MAX_STARTUPS/,
    );
  });
});
