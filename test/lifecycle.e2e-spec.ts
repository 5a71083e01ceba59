import * as fs from 'node:fs';
import { DATABASE_KINDS } from './support/databases';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd, writeAskpass } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, createUser, login, startTestGateway } from './support/test-gateway';

/**
 * Grants and the account lifecycle (shared/API.md "lifecycle (v2)"), with real OpenSSH through the
 * jump to a real sshd: nobody reaches a target without a grant; disabling, deleting, password
 * changes and resets end what they must at once; agent tokens are revoked and rotated; targets
 * are updated, deleted, pinned before first use and re-pinned; every change is audited.
 */
describe.each(DATABASE_KINDS)('grants and account lifecycle on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let gw: TestGateway;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  const processes: InteractiveProcess[] = [];

  const as = (token: string) => ({
    get: (url: string) => gw.http.get(url).auth(token, { type: 'bearer' }),
    post: (url: string, body: object = {}) => gw.http.post(url).auth(token, { type: 'bearer' }).send(body),
    put: (url: string, body: object = {}) => gw.http.put(url).auth(token, { type: 'bearer' }).send(body),
    patch: (url: string, body: object = {}) => gw.http.patch(url).auth(token, { type: 'bearer' }).send(body),
    del: (url: string) => gw.http.delete(url).auth(token, { type: 'bearer' }),
  });
  const admin = () => as(gw.adminToken);
  const sshAs = (loginName: string, key: KeyPair, ...command: string[]) =>
    run('ssh', [...sshClientOptions(key.privatePath), '-p', String(gw.jumpPort), `${loginName}@127.0.0.1`, ...command]);
  const addTarget = (name: string, extra: object = {}) =>
    admin().post('/api/targets', { name, host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, ...extra });
  const auditActions = async () => (await admin().get('/api/audit?limit=1000').expect(200)).body.items.map((e: { action: string }) => e.action) as string[];

  beforeAll(async () => {
    dir = makeTempDir('vigil-lifecycle');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
  });

  afterAll(async () => {
    processes.forEach((p) => p.kill());
    await gw.close();
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('grants', () => {
    let alice: string;
    beforeAll(async () => {
      alice = await createUser(gw, 'gina');
      await as(alice).post('/api/me/ssh-keys', { publicKey: aliceKey.publicLine }).expect(201);
      await addTarget('granted').expect(201);
    });

    it('nobody reaches a target without a grant, and the refusal names no existing target', async () => {
      const refused = await sshAs('gina+granted', aliceKey, 'echo in');
      expect(refused.code).toBe(255);
      expect(refused.stdout).not.toContain('in');
      const unknown = await sshAs('gina+no-such-target', aliceKey, 'echo in');
      // The same words for a forbidden target and for one that does not exist.
      expect(refused.stderr.replaceAll('granted', 'X')).toBe(unknown.stderr.replaceAll('no-such-target', 'X'));
      await as(alice).get('/api/me/targets').expect(200, []);
    });

    it('a grant by user admits that user; by role, every holder; taking it back refuses again', async () => {
      await admin().put('/api/targets/granted/grants', { users: ['gina'] }).expect(200, { users: ['gina'], roles: [] });
      const ok = await sshAs('gina+granted', aliceKey, 'echo in-by-user');
      expect(ok.stdout).toBe('in-by-user\n');
      expect((await as(alice).get('/api/me/targets').expect(200)).body).toEqual([
        { name: 'granted', protocol: 'ssh', host: '127.0.0.1', port: sshd.port, accountName: 'root' },
      ]);

      await admin().put('/api/targets/granted/grants', { roles: ['owner'] }).expect(200, { users: [], roles: ['owner'] });
      expect((await sshAs('gina+granted', aliceKey, 'echo in-by-role')).stdout).toBe('in-by-role\n');

      await admin().put('/api/targets/granted/grants', {}).expect(200, { users: [], roles: [] });
      expect((await sshAs('gina+granted', aliceKey, 'echo in')).code).toBe(255);
      await as(alice).get('/api/me/targets').expect(200, []);
    });

    it('admins hold no implicit grant; grants name existing users; only admins set them', async () => {
      const adminKey = makeKeyPair(dir, 'admin');
      await admin().post('/api/me/ssh-keys', { publicKey: adminKey.publicLine }).expect(201);
      expect((await sshAs('admin+granted', adminKey, 'echo in')).code).toBe(255);
      const typo = await admin().put('/api/targets/granted/grants', { users: ['nobody-by-that-name'] }).expect(400);
      expect(typo.body.message).toMatch(/no user "nobody-by-that-name"/);
      await as(alice).put('/api/targets/granted/grants', { users: ['gina'] }).expect(403);
      await admin().get('/api/targets/granted/grants').expect(200, { users: [], roles: [] });
      await admin().put('/api/targets/missing/grants', { users: ['gina'] }).expect(404);
    });
  });

  describe('users', () => {
    it('usernames are unique whatever their case, and log in whatever their case', async () => {
      await createUser(gw, 'Ursula');
      const dup = await admin().post('/api/users', { username: 'ursula', password: 'another-password', roles: [], privileges: [] }).expect(409);
      expect(dup.body.message).toMatch(/already taken/);
      await login(gw.http, 'URSULA', 'Ursula-password');
    });

    it('disabling ends every token, refuses logins (HTTP and SSH), and ends the live SSH session at once', async () => {
      const token = await createUser(gw, 'dora');
      const key = makeKeyPair(dir, 'dora');
      await as(token).post('/api/me/ssh-keys', { publicKey: key.publicLine }).expect(201);
      await addTarget('dora-box', { grants: { users: ['dora'] }, owner: 'dora' }).expect(201);
      const ssh = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(key.privatePath), '-p', String(gw.jumpPort), 'dora+dora-box@127.0.0.1']);
      processes.push(ssh);
      ssh.write('echo READY-$((40+2))\n');
      await ssh.waitFor('READY-42');

      const started = Date.now();
      const res = await admin().patch('/api/users/dora', { disabled: true }).expect(200);
      expect(res.body).toMatchObject({ username: 'dora', disabled: true });
      await as(token).get('/api/me').expect(401);
      await gw.http.post('/api/auth/login').send({ username: 'dora', password: 'dora-password' }).expect(401);
      const exit = await ssh.exited;
      expect(exit.at - started).toBeLessThan(5_000);
      expect(exit.code).not.toBe(0);
      expect(ssh.text).toContain('Your Vigil account was disabled.');
      expect((await sshAs('dora+dora-box', key, 'echo in')).code).toBe(255);
      const askpass = writeAskpass(dir, 'dora-pass', 'dora-password');
      const byPassword = await run(
        'ssh',
        [...sshClientOptions(), '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-p', String(gw.jumpPort), 'dora+dora-box@127.0.0.1', 'echo in'],
        { env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' } },
      );
      expect(byPassword.code).toBe(255);
      const sessions = await admin().get('/api/sessions?type=PAM_SSH').expect(200);
      expect(sessions.body.items.filter((s: { user: string }) => s.user === 'dora')).toEqual([]);

      // Enabled again: a new login works; the old token stays dead.
      await admin().patch('/api/users/dora', { disabled: false }).expect(200);
      const fresh = await login(gw.http, 'dora', 'dora-password');
      await as(fresh).get('/api/me').expect(200);
      await as(token).get('/api/me').expect(401);
    });

    it('a password reset by an admin ends every token; a change by the user ends the others only', async () => {
      const first = await createUser(gw, 'pia');
      const second = await login(gw.http, 'pia', 'pia-password');
      await as(first).post('/api/me/password', { currentPassword: 'wrong-password', newPassword: 'pia-new-password' }).expect(403);
      await as(first).post('/api/me/password', { currentPassword: 'pia-password', newPassword: 'short' }).expect(400);
      await as(first).post('/api/me/password', { currentPassword: 'pia-password', newPassword: 'pia-new-password' }).expect(204);
      await as(first).get('/api/me').expect(200);
      await as(second).get('/api/me').expect(401);
      await gw.http.post('/api/auth/login').send({ username: 'pia', password: 'pia-password' }).expect(401);
      await login(gw.http, 'pia', 'pia-new-password');

      await admin().patch('/api/users/pia', { password: 'pia-reset-password' }).expect(200);
      await as(first).get('/api/me').expect(401);
      await login(gw.http, 'pia', 'pia-reset-password');
    });

    it('a change of rights takes effect on the next request', async () => {
      const token = await createUser(gw, 'rhea', ['owner']);
      await as(token).get('/api/audit').expect(403);
      await admin().patch('/api/users/rhea', { roles: ['auditor'] }).expect(200);
      await as(token).get('/api/audit').expect(200);
    });

    it("deleting a user ends their tokens and keys and drops their grants; a new account of the name starts with nothing", async () => {
      const token = await createUser(gw, 'del');
      const key = makeKeyPair(dir, 'del');
      await as(token).post('/api/me/ssh-keys', { publicKey: key.publicLine }).expect(201);
      await addTarget('del-box', { grants: { users: ['del'] } }).expect(201);
      expect((await sshAs('del+del-box', key, 'echo in')).stdout).toBe('in\n');

      await admin().del('/api/users/del').expect(204);
      await as(token).get('/api/me').expect(401);
      await admin().del('/api/users/del').expect(404);
      await admin().get('/api/targets/del-box/grants').expect(200, { users: [], roles: [] });

      const again = await createUser(gw, 'del');
      await as(again).get('/api/me/ssh-keys').expect(200, []);
      await as(again).post('/api/me/ssh-keys', { publicKey: key.publicLine }).expect(201);
      expect((await sshAs('del+del-box', key, 'echo in')).code).toBe(255);
    });

    it('an admin removes a lost SSH key of a user', async () => {
      const token = await createUser(gw, 'kim');
      const key = makeKeyPair(dir, 'kim');
      await as(token).post('/api/me/ssh-keys', { publicKey: key.publicLine }).expect(201);
      await addTarget('kim-box', { grants: { users: ['kim'] } }).expect(201);
      expect((await sshAs('kim+kim-box', key, 'echo in')).stdout).toBe('in\n');
      const [listed] = (await admin().get('/api/users/kim/ssh-keys').expect(200)).body;
      expect(listed.fingerprint).toBe(key.fingerprint);
      await admin().del(`/api/users/kim/ssh-keys/${listed.id}`).expect(204);
      expect((await sshAs('kim+kim-box', key, 'echo in')).code).toBe(255);
      await as(token).get('/api/users/kim/ssh-keys').expect(403);
    });

    it('an admin cannot lock themselves out', async () => {
      await admin().patch('/api/users/admin', { disabled: true }).expect(403);
      await admin().patch('/api/users/admin', { roles: ['owner'] }).expect(403);
      await admin().del('/api/users/admin').expect(403);
      await admin().get('/api/me').expect(200);
    });

    it('refuses bad input and unknown users clearly', async () => {
      await admin().patch('/api/users/nobody-here', { disabled: true }).expect(404);
      await admin().patch('/api/users/bad%20name', { disabled: true }).expect(400);
      await admin().patch('/api/users/dora', {}).expect(400);
      await admin().patch('/api/users/dora', { roles: ['emperor'] }).expect(400);
      await admin().patch('/api/users/dora', { disabled: 'yes' }).expect(400);
    });
  });

  describe('agents', () => {
    const session = (externalId: string) => ({ externalId, type: 'CONSOLE', user: 'u', device: '10.0.0.1', client: 'c', owner: 'o' });

    it('revoking an agent ends its token at once; rotating replaces it; the embedded jump is not an agent to manage', async () => {
      const created = await admin().post('/api/agents', { name: 'ws-1', kind: 'agent' }).expect(201);
      const { id, token } = created.body as { id: string; token: string };
      await gw.http.post('/api/agent/sessions').auth(token, { type: 'bearer' }).send(session('a1')).expect(201);

      const rotated = await admin().post(`/api/agents/${id}/rotate`).expect(200);
      expect(rotated.body.token).not.toBe(token);
      await gw.http.post('/api/agent/sessions').auth(token, { type: 'bearer' }).send(session('a2')).expect(401);
      await gw.http.post('/api/agent/sessions').auth(rotated.body.token, { type: 'bearer' }).send(session('a3')).expect(201);

      await admin().del(`/api/agents/${id}`).expect(204);
      await gw.http.post('/api/agent/sessions').auth(rotated.body.token, { type: 'bearer' }).send(session('a4')).expect(401);
      await admin().post(`/api/agents/${id}/rotate`).expect(409);

      const listed = (await admin().get('/api/agents').expect(200)).body as Array<{ id: string; name: string; revokedAt: string | null }>;
      expect(listed.find((a) => a.id === id)?.revokedAt).toEqual(expect.any(String));
      expect(listed.map((a) => a.name)).not.toContain('embedded-jump');
      expect(JSON.stringify(listed)).not.toMatch(/token/i);
    });

    it("no agent may take the embedded jump's name", async () => {
      const res = await admin().post('/api/agents', { name: 'embedded-jump', kind: 'jump-server' }).expect(409);
      expect(res.body.message).toMatch(/reserved/);
      await admin().post('/api/agents', { name: 'Embedded-Jump', kind: 'jump-server' }).expect(409);
    });
  });

  describe('targets', () => {
    let token: string;
    beforeAll(async () => {
      token = await createUser(gw, 'tess');
      await as(token).post('/api/me/ssh-keys', { publicKey: aliceKey.publicLine }).expect(201);
    });

    it('a host key pinned at creation is enforced from the first connection; repin accepts a new one', async () => {
      const wrong = 'SHA256:' + 'A'.repeat(43);
      await addTarget('pinned', { hostKeySha256: wrong, grants: { users: ['tess'] } }).expect(201);
      const refused = await sshAs('tess+pinned', aliceKey, 'echo in');
      expect(refused.code).toBe(255);
      expect(refused.stderr).toMatch(/host key/i);

      await admin().post('/api/targets/pinned/repin', { hostKeySha256: sshd.hostKey.fingerprint }).expect(200);
      expect((await sshAs('tess+pinned', aliceKey, 'echo in')).stdout).toBe('in\n');
      // Forgetting the pin: the next connection pins what it sees (trust on first use).
      await admin().post('/api/targets/pinned/repin', {}).expect(200);
      expect((await sshAs('tess+pinned', aliceKey, 'echo in')).stdout).toBe('in\n');
      expect((await admin().get('/api/targets/pinned').expect(200)).body.hostKeySha256).toBe(sshd.hostKey.fingerprint);
      await admin().post('/api/targets', { name: 'bad-pin', host: 'h', port: 22, accountName: 'root', password: 'x', hostKeySha256: 'md5:00' }).expect(400);
    });

    it('updates a target (moving it forgets its pin) and deletes it', async () => {
      await addTarget('movable', { grants: { users: ['tess'] } }).expect(201);
      expect((await sshAs('tess+movable', aliceKey, 'echo in')).stdout).toBe('in\n');
      const updated = await admin().patch('/api/targets/movable', { port: 1, policy: { sftp: true } }).expect(200);
      expect(updated.body).toMatchObject({ port: 1, hostKeySha256: null, policy: { sftp: true, x11: false } });
      expect((await sshAs('tess+movable', aliceKey, 'echo in')).code).toBe(255);
      await admin().patch('/api/targets/movable', { port: sshd.port }).expect(200);
      expect((await sshAs('tess+movable', aliceKey, 'echo in')).stdout).toBe('in\n');
      await admin().patch('/api/targets/movable', { name: 'renamed' }).expect(400);
      await as(token).patch('/api/targets/movable', { port: 2 }).expect(403);

      await admin().del('/api/targets/movable').expect(204);
      await admin().get('/api/targets/movable').expect(404);
      expect((await sshAs('tess+movable', aliceKey, 'echo in')).code).toBe(255);
      await admin().del('/api/targets/movable').expect(404);
    });
  });

  it('audits every change, with no secret in the records', async () => {
    const actions = await auditActions();
    for (const action of ['user.create', 'user.disable', 'user.update', 'user.delete', 'user.password-change', 'user.password-reset', 'agent.create', 'agent.revoke', 'agent.rotate', 'ssh-key.add', 'ssh-key.remove', 'target.create', 'target.update', 'target.delete', 'target.repin', 'target.grants']) {
      expect(actions).toContain(action);
    }
    const all = JSON.stringify((await admin().get('/api/audit?limit=1000').expect(200)).body);
    for (const secret of ['pia-new-password', 'pia-reset-password', 'BEGIN OPENSSH PRIVATE KEY', 'dora-password']) expect(all).not.toContain(secret);
  });

});
