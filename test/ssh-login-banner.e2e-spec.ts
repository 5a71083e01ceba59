import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, createUser, startTestGateway } from './support/test-gateway';

/**
 * Issue 11: with real OpenSSH, the user learns at login, before their shell, that the session is
 * recorded (and, per the target's policy, may be watched) — on stderr, so an exec's stdout stays
 * exactly the command's output.
 */
describe('SSH login banner through the jump (real OpenSSH)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  const processes: InteractiveProcess[] = [];
  const sshArgs = (login: string, ...rest: string[]) => [...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), `${login}@127.0.0.1`, ...rest];

  beforeAll(async () => {
    dir = makeTempDir('vigil-banner-e2e');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway('sqlite');
    const alice = await createUser(gw, 'alice');
    await gw.http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    for (const [name, announceWatching] of [['watched', true], ['quiet', false]] as const) {
      await gw.http
        .post('/api/targets')
        .auth(gw.adminToken, { type: 'bearer' })
        .send({ name, host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, grants: { users: ['alice'] }, policy: { announceWatching } })
        .expect(201);
    }
  }, 120_000);

  afterAll(async () => {
    processes.forEach((p) => p.kill());
    await gw?.close();
    await sshd?.stop();
  });

  it('exec: the banner is on stderr, stdout is exactly the command output (a pipe stays clean)', async () => {
    const result = await run('ssh', sshArgs('alice+watched', 'echo only-this'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('only-this\n');
    expect(result.stderr).toContain('[Vigil] Your session on "watched" is recorded.');
    expect(result.stderr).toContain('It may be watched live; you will be told when someone watches.');
  }, 60_000);

  it('a target that does not announce watchers: recorded, nothing about watching', async () => {
    const result = await run('ssh', sshArgs('alice+quiet', 'echo quiet-out'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('quiet-out\n');
    expect(result.stderr).toContain('[Vigil] Your session on "quiet" is recorded.');
    expect(result.stderr).not.toMatch(/watch/i);
  }, 60_000);

  it('ssh -tt: the banner comes before the shell, once, and is not part of the session stream', async () => {
    const ssh = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs('alice+watched')]);
    processes.push(ssh);
    ssh.write('echo marker-$((6*7))\n');
    await ssh.waitFor('marker-42', 30_000);
    const text = ssh.text;
    const banner = text.indexOf('is recorded.');
    expect(banner).toBeGreaterThanOrEqual(0);
    expect(banner).toBeLessThan(text.indexOf('marker-42'));
    expect(text.split('is recorded.').length - 1).toBe(1);
    // What the target sent (and what is recorded and mirrored) does not carry it.
    expect(ssh.stdout.toString('utf8')).not.toContain('is recorded.');
    ssh.write('exit\n');
    await ssh.exited;
  }, 60_000);

  it('a refused login gets the refusal, never the recorded banner', async () => {
    const result = await run('ssh', sshArgs('alice+nowhere', 'true'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown target "nowhere"');
    expect(result.stderr).not.toContain('is recorded');
  }, 60_000);
});
