import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAgentCli } from './support/agent-cli';
import { listByPrefix } from './support/agent-registry';
import { TestDatabase, createTestDatabase } from './support/databases';
import { freePort } from './support/ports';
import { repoRoot } from './support/repo-root';
import { KeyPair, TestUserHandle, ensureTestUser, makeKeyPair, makeTempDir, run, sshClientOptions, stopChild } from './support/sshd';
import { TestGateway, createAgent, startTestGatewayOn } from './support/test-gateway';
import { eventually } from './support/wait';

const HOOK = path.join(repoRoot(), 'deploy', 'pam', 'vigil-pam-session.sh');

/**
 * A real OpenSSH login through PAM: sshd with `UsePAM yes` and its own PAM service file whose
 * session phase runs deploy/pam/vigil-pam-session.sh through pam_exec, exactly as README documents.
 * Debian's sshd takes its PAM service name from the name it was started under, so a symlink named
 * vigil-pam-sshd-<random> gets /etc/pam.d/vigil-pam-sshd-<random> and leaves the host's sshd alone.
 * Needs root (useradd, /etc/pam.d, sshd), as in CI.
 */
describe('Linux PAM hook with a real sshd', () => {
  const tag = randomBytes(4).toString('hex');
  const service = `vigil-pam-sshd-${tag}`;
  const pamFile = `/etc/pam.d/${service}`;
  let dir: string;
  let db: TestDatabase;
  let gw: TestGateway | undefined;
  let gatewayPort: number;
  let sshPort: number;
  let sshd: ChildProcess | undefined;
  let user: TestUserHandle | undefined;
  let key: KeyPair;
  let cli: string;
  let configPath: string;
  const logins: ChildProcess[] = [];
  const boot = async () => (gw = await startTestGatewayOn(db, { PORT: String(gatewayPort) }));

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('pam-login.e2e-spec.ts needs root (useradd, /etc/pam.d, sshd)');
    dir = makeTempDir('vigil-pam');
    fs.chmodSync(dir, 0o755);
    db = await createTestDatabase('sqlite');
    gatewayPort = await freePort();
    await boot();
    const token = await createAgent(gw!, `pam-host-${tag}`);
    cli = buildAgentCli(dir);
    configPath = path.join(dir, 'agent.json');
    fs.writeFileSync(configPath, JSON.stringify({ url: `http://127.0.0.1:${gatewayPort}`, token, queueDir: path.join(dir, 'queue'), timeoutMs: 1500 }), { mode: 0o600 });

    user = ensureTestUser(`vpam${tag}`);
    key = makeKeyPair(dir, 'user_ed25519');
    const authorizedKeys = path.join(dir, 'authorized_keys');
    fs.writeFileSync(authorizedKeys, `${key.publicLine}\n`, { mode: 0o644 });

    fs.writeFileSync(
      pamFile,
      [
        '# written by test/pam-login.e2e-spec.ts; removed after it',
        '@include common-auth',
        '@include common-account',
        '@include common-session',
        `session optional pam_exec.so quiet ${HOOK} --config ${configPath} --bin ${cli}`,
        '@include common-password',
      ].join('\n') + '\n',
    );

    fs.mkdirSync('/run/sshd', { recursive: true });
    const hostKey = makeKeyPair(dir, 'host_ed25519');
    const binary = path.join(dir, service);
    fs.symlinkSync('/usr/sbin/sshd', binary);
    for (let attempt = 0; ; attempt++) {
      sshPort = await freePort();
      const config = path.join(dir, `sshd_config_${sshPort}`);
      fs.writeFileSync(
        config,
        [
          `Port ${sshPort}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${hostKey.privatePath}`,
          'UsePAM yes',
          'PidFile none',
          `AuthorizedKeysFile ${authorizedKeys}`,
          'StrictModes no',
          'PermitRootLogin no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PrintMotd no',
          'PrintLastLog no',
          'LogLevel INFO',
        ].join('\n') + '\n',
      );
      sshd = spawn(binary, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      const log = await new Promise<string>((resolve) => {
        let text = '';
        const timer = setTimeout(() => resolve(text), 10_000);
        sshd!.stderr!.on('data', (c: Buffer) => {
          text += c.toString();
          if (/Server listening on/.test(text)) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        sshd!.once('exit', () => resolve(text));
      });
      if (/Server listening on/.test(log)) break;
      await stopChild(sshd);
      if (attempt >= 3 || !/Address already in use/.test(log)) throw new Error(`sshd did not start: ${log}`);
    }
    sshd!.stderr!.resume();
  }, 120_000);

  afterAll(async () => {
    for (const login of logins) login.kill('SIGKILL');
    if (sshd) await stopChild(sshd);
    fs.rmSync(pamFile, { force: true });
    user?.remove();
    await gw?.close();
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Logs in and keeps the session open until `logout()`; resolves once the shell answered. */
  async function login(): Promise<{ ms: number; logout: () => Promise<number | null> }> {
    const started = Date.now();
    const child = spawn('ssh', [...sshClientOptions(key.privatePath), '-p', String(sshPort), `${user!.name}@127.0.0.1`, 'echo vigil-ready; read line'], { stdio: ['pipe', 'pipe', 'pipe'] });
    logins.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no shell within 20 s: ${out}`)), 20_000);
      const onData = (c: Buffer) => {
        out += c.toString();
        if (out.includes('vigil-ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`ssh exited ${code}: ${out}`)));
    });
    const ms = Date.now() - started;
    return {
      ms,
      logout: () =>
        new Promise((resolve) => {
          child.removeAllListeners('exit');
          child.once('exit', (code) => resolve(code));
          child.stdin!.end('bye\n');
        }),
    };
  }

  const sessionsOf = async (route: '/api/sessions' | '/api/access-logs') =>
    (await listByPrefix(gw!.http, gw!.adminToken, route, 'pam:')).filter((s) => s.user === user!.name);

  it('an SSH login opens a PAM session in Vigil (user, device, type, client) and the logout ends it', async () => {
    const session = await login();
    const open = await eventually(() => sessionsOf('/api/sessions'), (rows) => rows.length === 1);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      type: 'PAM',
      user: user!.name,
      device: '127.0.0.1',
      client: os.hostname(),
      accountName: user!.name,
      serviceProvider: `pam:${service}`,
    });
    expect(open[0].externalId).toContain(`:${service}:`);
    expect(await session.logout()).toBe(0);
    const ended = await eventually(() => sessionsOf('/api/access-logs'), (rows) => rows.some((r) => r.id === open[0].id));
    expect(ended.filter((r) => r.id === open[0].id)).toEqual([expect.objectContaining({ endReason: 'ended', type: 'PAM' })]);
    expect(await sessionsOf('/api/sessions')).toEqual([]);
  });

  it('with the gateway stopped the login is not slowed; the session appears once it is back, and the logout ends it', async () => {
    const baseline = await login();
    await baseline.logout();
    await eventually(() => sessionsOf('/api/sessions'), (rows) => rows.length === 0);
    const before = (await sessionsOf('/api/access-logs')).length;

    await gw!.close();
    gw = undefined;
    const offline = await login();
    // The PAM hook gives up at once on a refused connection and queues: the login takes its usual
    // time; the bound is 1 s more at most (the hook's hard cap, for a gateway that accepts
    // and never answers, is 2.5 s: tested below).
    console.log(`PAM login with the gateway up: ${baseline.ms} ms; stopped: ${offline.ms} ms`);
    expect(offline.ms).toBeLessThan(baseline.ms + 1_000);
    const queued = JSON.parse((await run(cli, ['status', '--config', configPath, '--json'])).stdout);
    expect(queued.pending).toBe(1);

    await boot();
    const flushed = await run(cli, ['flush', '--config', configPath, '--json']);
    expect(JSON.parse(flushed.stdout)).toMatchObject({ ok: true, sent: 1, remaining: 0 });
    const open = await eventually(() => sessionsOf('/api/sessions'), (rows) => rows.length === 1);
    expect(open).toEqual([expect.objectContaining({ type: 'PAM', device: '127.0.0.1', client: os.hostname(), user: user!.name })]);

    expect(await offline.logout()).toBe(0);
    const ended = await eventually(() => sessionsOf('/api/access-logs'), (rows) => rows.length === before + 1);
    expect(ended.filter((r) => r.id === open[0].id)).toHaveLength(1);
    expect(await sessionsOf('/api/sessions')).toEqual([]);
  });

  it('a console login (service login, a tty, no remote host) is a CONSOLE session on that tty; the hook always exits 0', async () => {
    // pam_exec's environment, as login(1) gives it; open and close come from the same process.
    const env = { PAM_USER: user!.name, PAM_SERVICE: 'login', PAM_TTY: '/dev/tty3', PAM_RHOST: '' };
    expect((await run(HOOK, ['--config', configPath, '--bin', cli], { env: { ...env, PAM_TYPE: 'open_session' } })).code).toBe(0);
    const open = await eventually(() => sessionsOf('/api/sessions'), (rows) => rows.length === 1);
    expect(open).toEqual([expect.objectContaining({ type: 'CONSOLE', device: 'tty3', client: os.hostname(), serviceProvider: 'pam:login' })]);
    expect((await run(HOOK, ['--config', configPath, '--bin', cli], { env: { ...env, PAM_TYPE: 'close_session' } })).code).toBe(0);
    await eventually(() => sessionsOf('/api/sessions'), (rows) => rows.length === 0);
    expect((await sessionsOf('/api/access-logs')).filter((r) => r.id === open[0].id)).toHaveLength(1);

    // Broken configuration, other PAM phases, no user: never a failed login, exit 0 and nothing sent.
    const broken = await run(HOOK, ['--config', path.join(dir, 'missing.json'), '--bin', cli], { env: { ...env, PAM_TYPE: 'open_session' } });
    expect(broken.code).toBe(0);
    expect((await run(HOOK, ['--config', configPath, '--bin', cli], { env: { ...env, PAM_TYPE: 'auth' } })).code).toBe(0);
    expect((await run(HOOK, ['--config', configPath, '--bin', '/nonexistent/vigil-agent'], { env: { ...env, PAM_TYPE: 'open_session' } })).code).toBe(0);
    expect(await sessionsOf('/api/sessions')).toEqual([]);
  });

  it('a gateway that accepts but never answers is cut off by the hook\'s hard timeout (2 s, KILL at 2.5 s); the open is queued, exit 0', async () => {
    const sockets: net.Socket[] = [];
    const blackhole = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    const config = path.join(dir, 'blackhole.json');
    const queueDir = path.join(dir, 'blackhole-queue');
    const { token } = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    fs.writeFileSync(config, JSON.stringify({ url: `http://127.0.0.1:${(blackhole.address() as net.AddressInfo).port}`, token, queueDir, timeoutMs: 5000 }));
    try {
      const env = { PAM_TYPE: 'open_session', PAM_USER: user!.name, PAM_SERVICE: 'sshd', PAM_RHOST: '10.9.8.7', PAM_TTY: 'ssh' };
      const hook = await run(HOOK, ['--config', config, '--bin', cli], { env });
      expect(hook.code).toBe(0);
      // the CLI was told to wait 5 s: only the hook's own hard timeout ends it
      expect(hook.durationMs).toBeGreaterThanOrEqual(1_900);
      expect(hook.durationMs).toBeLessThan(3_500);
      expect(sockets.length).toBeGreaterThan(0);
      const status = JSON.parse((await run(cli, ['status', '--queue-dir', queueDir, '--json'])).stdout);
      expect(status.pending).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => blackhole.close(r));
    }
  });
});
