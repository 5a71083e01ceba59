import { loginBanner } from './login-banner';

describe('loginBanner', () => {
  it('says the session is recorded and may be watched when the policy announces watchers', () => {
    const text = loginBanner('web-1', { announceWatching: true });
    expect(text).toContain('is recorded');
    expect(text).toContain('may be watched live; you will be told when someone watches');
    expect(text).toContain('"web-1"');
  });

  it('announces watching by default, as the policy does', () => {
    expect(loginBanner('db', {})).toContain('may be watched live');
  });

  it('says nothing about watching when the policy does not announce it', () => {
    const text = loginBanner('db', { announceWatching: false });
    expect(text).toContain('is recorded');
    expect(text).not.toMatch(/watch/i);
  });

  it('is one short line', () => {
    expect(loginBanner('a-rather-long-target-name', { announceWatching: true })).not.toContain('\n');
  });
});
