import { startNotice } from './start-notice';

const base = { url: 'http://127.0.0.1:8080', bound: '0.0.0.0:8080, every IPv4 interface', jumpPort: 2222, jumpBound: '0.0.0.0:2222, every IPv4 interface', jumpHost: '127.0.0.1' };

describe('startNotice', () => {
  it('says where it really binds, and keeps the line scripts read', () => {
    const text = startNotice({ ...base, generatedAdminPassword: null, adminPasswordFile: null }, 'admin', false);
    expect(text).toBe(
      'listening on http://127.0.0.1:8080 (bound to 0.0.0.0:8080, every IPv4 interface)\n' +
        'ssh jump listening on 2222 (bound to 0.0.0.0:2222, every IPv4 interface)\n' +
        "  connect through the jump: ssh -p 2222 admin+TARGET@127.0.0.1  (TARGET: a target's name)\n",
    );
    // the contract's and the test helpers' pattern
    expect(/listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]).toBe('http://127.0.0.1:8080');
    expect(/ssh jump listening on (\d+)/.exec(text)?.[1]).toBe('2222');
  });

  it('not a terminal (Docker, systemd: a log): the path of the password file, never the password', () => {
    const text = startNotice({ ...base, generatedAdminPassword: 's3cret-Generated', adminPasswordFile: '/data/secrets/admin-password' }, 'admin', false);
    expect(text).not.toContain('s3cret-Generated');
    expect(text).toContain('user "admin", its password is in /data/secrets/admin-password (readable by this account only');
  });

  it('a terminal (npm start): the password once, and where the file is', () => {
    const text = startNotice({ ...base, generatedAdminPassword: 's3cret-Generated', adminPasswordFile: '/data/secrets/admin-password' }, 'admin', true);
    expect(text).toContain('user "admin", password "s3cret-Generated" (also in /data/secrets/admin-password');
  });

  it('the file could not be written: the password is shown rather than lost', () => {
    const text = startNotice({ ...base, generatedAdminPassword: 's3cret-Generated', adminPasswordFile: null }, 'admin', false);
    expect(text).toContain('password "s3cret-Generated"');
    expect(text).not.toContain('delete that file');
  });
});
