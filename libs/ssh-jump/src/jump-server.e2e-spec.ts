import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client, type ClientChannel } from 'ssh2';
import {
  ensureTestUser,
  freePort,
  makeKeyPair,
  makeTempDir,
  run,
  sshClientOptions,
  startSshd,
  stopChild,
  writeAskpass,
  type KeyPair,
  type SshdHandle,
  type TestUserHandle,
} from '../../../test/support/sshd';
import { STALLED_USER_CUT_MS } from './delivery-deadline';
import {
  JumpServer,
  type JumpForwardEvent,
  type JumpPorts,
  type JumpPublicKey,
  type JumpSessionEndInfo,
  type JumpSessionStartInfo,
  type JumpTarget,
  type JumpUser,
  type LiveSshSession,
} from './index';

/**
 * End to end with real OpenSSH on both sides: `ssh` → JumpServer (in-memory ports) → `sshd`.
 */

interface TestUser {
  user: JumpUser;
  password: string;
  keys: Buffer[];
}

class InMemoryPorts implements JumpPorts {
  readonly users = new Map<string, TestUser>();
  readonly targets = new Map<string, JumpTarget>();
  readonly started: Array<JumpSessionStartInfo & { sessionId: string }> = [];
  readonly ended = new Map<string, JumpSessionEndInfo>();
  readonly pins: Array<{ target: string; fingerprint: string }> = [];
  readonly forwardEvents: Array<JumpForwardEvent & { sessionId: string }> = [];
  private endWaiters = new Map<string, (info: JumpSessionEndInfo) => void>();
  private seq = 0;

  async authenticatePassword(username: string, password: string): Promise<JumpUser | null> {
    const u = this.users.get(username);
    return u && u.password === password ? u.user : null;
  }
  async authenticatePublicKey(username: string, key: JumpPublicKey): Promise<JumpUser | null> {
    const u = this.users.get(username);
    return u && u.keys.some((k) => k.equals(key.data)) ? u.user : null;
  }
  async resolveTarget(_user: JumpUser, name: string): Promise<JumpTarget | null> {
    return this.targets.get(name) ?? null;
  }
  async pinHostKey(name: string, fingerprint: string): Promise<void> {
    this.pins.push({ target: name, fingerprint });
    const t = this.targets.get(name);
    if (t) t.hostKeySha256 = fingerprint;
  }
  /** How long registering a session takes (a loaded database); 0 by default. */
  registrationDelayMs = 0;

  async sessionStarted(info: JumpSessionStartInfo): Promise<{ sessionId: string }> {
    if (this.registrationDelayMs > 0) await new Promise((r) => setTimeout(r, this.registrationDelayMs));
    const sessionId = `s${++this.seq}`;
    this.started.push({ ...info, sessionId });
    return { sessionId };
  }
  async forwardChannel(sessionId: string, event: JumpForwardEvent): Promise<void> {
    this.forwardEvents.push({ ...event, sessionId });
  }
  async sessionEnded(sessionId: string, info: JumpSessionEndInfo): Promise<void> {
    this.ended.set(sessionId, info);
    this.endWaiters.get(sessionId)?.(info);
  }
  waitEnded(sessionId: string, timeoutMs = 5_000): Promise<JumpSessionEndInfo> {
    const done = this.ended.get(sessionId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`session ${sessionId} did not end`)), timeoutMs);
      this.endWaiters.set(sessionId, (info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }
}

/** Drives an interactive process and waits for output patterns. */
class Interactive {
  output = '';
  readonly exited: Promise<{ code: number | null; at: number }>;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve({ code, at: Date.now() })));
  }
  write(text: string): void {
    this.child.stdin.write(text);
  }
  async waitFor(pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = (): boolean => (typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output));
    while (!matches()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far: ${JSON.stringify(this.output)}`);
      await sleep(25);
    }
  }
  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const closedPolicy = { agentForwarding: false, portForwarding: false, x11: false, sftp: false };

describe('JumpServer with real OpenSSH', () => {
  let dir: string;
  let aliceKey: KeyPair;
  let strangerKey: KeyPair;
  let targetKey: KeyPair;
  let sshd: SshdHandle;
  let otherSshd: SshdHandle;
  let plainUser: TestUserHandle | undefined;
  let ports: InMemoryPorts;
  let jump: JumpServer;
  let jumpPort: number;
  const clock = { t: 1_000_000, now(): number { return this.t; } };
  const children: ChildProcessWithoutNullStreams[] = [];

  const target = (name: string, over: Partial<JumpTarget> = {}): JumpTarget => ({
    name,
    host: '127.0.0.1',
    port: sshd.port,
    username: sshd.user,
    privateKey: targetKey.privateKey,
    hostKeySha256: sshd.hostKey.fingerprint,
    policy: { ...closedPolicy },
    ...over,
  });

  const sshArgs = (login: string, ...rest: string[]): string[] => [
    ...sshClientOptions(aliceKey.privatePath),
    '-p', String(jumpPort),
    `${login}@127.0.0.1`,
    ...rest,
  ];

  const spawnTracked = (command: string, args: string[]): Interactive => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    return new Interactive(child);
  };

  const nextSession = (): Promise<LiveSshSession> => new Promise((resolve) => jump.once('session', resolve));

  beforeAll(async () => {
    dir = makeTempDir('vigil-jump-e2e');
    aliceKey = makeKeyPair(dir, 'alice');
    strangerKey = makeKeyPair(dir, 'stranger');
    targetKey = makeKeyPair(dir, 'target-account');
    const jumpHostKey = makeKeyPair(dir, 'jump-host');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine], dir: makeTempDir('vigil-sshd-a') });
    otherSshd = await startSshd({ authorizedKeys: [targetKey.publicLine], dir: makeTempDir('vigil-sshd-b') });

    ports = new InMemoryPorts();
    ports.users.set('alice', { user: { id: 'u-alice', username: 'alice' }, password: 'alice-pw', keys: [aliceKey.publicBlob] });
    ports.users.set('carol', { user: { id: 'u-carol', username: 'carol' }, password: 'carol-pw', keys: [] });
    ports.targets.set('box', target('box'));
    ports.targets.set('files', target('files', { policy: { ...closedPolicy, sftp: true } }));
    ports.targets.set('tunnel', target('tunnel', { policy: { ...closedPolicy, portForwarding: true } }));
    // sshd refuses `signal` requests for root sessions, so the signal test logs in as a plain user.
    plainUser = ensureTestUser('vigil-e2e');
    ports.targets.set('plain', target('plain', { username: plainUser.name }));
    ports.targets.set('fresh', target('fresh', { hostKeySha256: null }));
    // Same name, different machine: what a swapped or MITM'd host looks like to the jump.
    ports.targets.set('moved', target('moved', { port: otherSshd.port }));

    jump = new JumpServer({
      hostKeys: [jumpHostKey.privateKey],
      ports,
      keepaliveIntervalMs: 5_000,
      rateLimit: { maxFailures: 3, windowMs: 60_000, clock },
    });
    jumpPort = await jump.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => stopChild(c)));
    await jump?.close();
    await sshd?.stop();
    await otherSshd?.stop();
    plainUser?.remove();
    for (const d of [dir, sshd?.dir, otherSshd?.dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs a command, propagates its output and exit code, and reports the session through the ports', async () => {
    const sessionP = nextSession();
    const result = await run('ssh', sshArgs('alice+box', 'echo hello; exit 3'));
    expect(result.stdout).toBe('hello\n');
    expect(result.code).toBe(3);

    const live = await sessionP;
    const start = ports.started.find((s) => s.sessionId === live.id);
    expect(start).toMatchObject({
      user: { id: 'u-alice', username: 'alice' },
      target: { name: 'box' },
      clientIp: '127.0.0.1',
      kind: 'exec',
      command: 'echo hello; exit 3',
      pty: false,
    });
    expect(start?.clientPort).toBeGreaterThan(0);
    expect(await ports.waitEnded(live.id)).toEqual({ reason: 'ended', exitCode: 3 });
    expect(jump.getSession(live.id)).toBeUndefined();
  });

  it('keeps the exit code of a command that ends while its session is still being registered', async () => {
    ports.registrationDelayMs = 400; // the target runs `exit 4` and closes its channel meanwhile
    try {
      const sessionP = nextSession();
      const result = await run('ssh', sshArgs('alice+box', 'echo quick; exit 4'));
      expect(result.stdout).toBe('quick\n');
      expect(result.code).toBe(4);
      expect(await ports.waitEnded((await sessionP).id)).toEqual({ reason: 'ended', exitCode: 4 });
    } finally {
      ports.registrationDelayMs = 0;
    }
  });

  it('taps the output of a session without disturbing it', async () => {
    const tapped: string[] = [];
    jump.once('session', (live) => live.onOutput((chunk, stream) => tapped.push(`${stream}:${chunk.toString()}`)));
    const result = await run('ssh', sshArgs('alice+box', 'echo out-line; echo err-line >&2'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('out-line\n');
    expect(result.stderr).toContain('err-line');
    expect(tapped.join('')).toContain('stdout:out-line');
    expect(tapped.join('')).toContain('stderr:err-line');
  });

  it('relays stdin and its EOF to the target', async () => {
    const result = await run('ssh', sshArgs('alice+box', 'tr a-z A-Z; echo done'), { input: 'piped text\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('PIPED TEXT\ndone\n');
  });

  it('relays large output intact (backpressure, no truncation at close)', async () => {
    const file = path.join(dir, 'payload.bin');
    fs.writeFileSync(file, randomBytes(24 * 1024 * 1024));
    const expected = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const child = spawn('ssh', sshArgs('alice+box', `cat ${file}`), { stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let bytes = 0;
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(bytes).toBe(24 * 1024 * 1024);
    expect(hash.digest('hex')).toBe(expected);
  });

  it('runs an interactive -tt shell; viewers can inject input, pause the user and notify them', async () => {
    const sessionP = nextSession();
    const ssh = spawnTracked('ssh', ['-tt', ...sshArgs('alice+box')]);
    const live = await sessionP;
    const typed: string[] = [];
    const seen: string[] = [];
    live.onInput((chunk) => typed.push(chunk.toString()));
    live.onOutput((chunk) => seen.push(chunk.toString()));

    ssh.write('echo $((6*7))-ok\n');
    await ssh.waitFor('42-ok');
    expect(typed.join('')).toContain('echo $((6*7))-ok');

    live.injectInput('echo injected-$((40+2))\n');
    await ssh.waitFor('injected-42');
    expect(seen.join('')).toContain('injected-42');

    live.notifyUser('[Vigil] bob started watching');
    await ssh.waitFor('[Vigil] bob started watching');

    live.setUserInputPaused(true);
    ssh.write('echo paused-$((1+1))\n');
    await sleep(500);
    live.setUserInputPaused(false);
    ssh.write('echo resumed-$((2+2))\n');
    await ssh.waitFor('resumed-4');
    expect(ssh.output).not.toContain('paused-2');

    ssh.write('exit 5\n');
    const { code } = await ssh.exited;
    expect(code).toBe(5);
    const start = ports.started.find((s) => s.sessionId === live.id);
    expect(start).toMatchObject({ kind: 'shell', pty: true });
    expect(await ports.waitEnded(live.id)).toEqual({ reason: 'ended', exitCode: 5 });
  });

  it('passes the initial terminal size of a real ssh client to the target', async () => {
    // script(1) gives ssh a real PTY whose size we set with stty before ssh reads it.
    const command = `stty cols 91 rows 33; ssh -tt ${sshArgs('alice+box', 'stty size').map((a) => `'${a}'`).join(' ')}`;
    const result = await run('script', ['-qfec', command, '/dev/null']);
    expect(result.stdout).toContain('33 91');
    expect(result.code).toBe(0);
  });

  it('propagates window changes to the target (ssh2 client on the user side)', async () => {
    const sessionP = nextSession();
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: '127.0.0.1', port: jumpPort, username: 'alice+box', privateKey: aliceKey.privateKey });
    });
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell({ rows: 24, cols: 80, term: 'xterm' }, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      let out = '';
      channel.on('data', (c: Buffer) => (out += c.toString()));
      const live = await sessionP;
      expect(ports.started.find((s) => s.sessionId === live.id)).toMatchObject({ cols: 80, rows: 24, term: 'xterm' });
      const resizes: Array<[number, number]> = [];
      live.onResize((cols, rows) => resizes.push([cols, rows]));

      const waitOut = async (needle: string): Promise<void> => {
        const deadline = Date.now() + 10_000;
        while (!out.includes(needle)) {
          if (Date.now() > deadline) throw new Error(`no ${needle} in ${JSON.stringify(out)}`);
          await sleep(25);
        }
      };
      channel.write('echo size=$(stty size)\n');
      await waitOut('size=24 80');
      channel.setWindow(40, 120, 0, 0);
      await sleep(200);
      channel.write('echo size=$(stty size)\n');
      await waitOut('size=40 120');
      expect(resizes).toEqual([[120, 40]]);
      expect([live.cols, live.rows]).toEqual([120, 40]);
      channel.write('exit\n');
      await ports.waitEnded(live.id);
    } finally {
      client.end();
    }
  });

  it('relays signals to the target and its exit signal back (ssh2 client on the user side)', async () => {
    const sessionP = nextSession();
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: '127.0.0.1', port: jumpPort, username: 'alice+plain', privateKey: aliceKey.privateKey });
    });
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.exec('echo up; exec sleep 30', (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      let out = '';
      channel.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<unknown[]>((resolve) => channel.on('exit', (...args: unknown[]) => resolve(args)));
      const live = await sessionP;
      const deadline = Date.now() + 10_000;
      while (!out.includes('up')) {
        if (Date.now() > deadline) throw new Error('no output');
        await sleep(25);
      }
      channel.signal('TERM');
      expect((await exited).slice(0, 2)).toEqual([null, 'SIGTERM']);
      expect(await ports.waitEnded(live.id)).toEqual({ reason: 'ended', signal: 'TERM' });
    } finally {
      client.end();
    }
  });

  it('refuses scp and sftp by default with a clear message', async () => {
    const fileOpts = [...sshClientOptions(aliceKey.privatePath), '-P', String(jumpPort)];
    const local = path.join(dir, 'copied');
    const scp = await run('scp', [...fileOpts, 'alice+box@127.0.0.1:/etc/hostname', local]);
    expect(scp.code).not.toBe(0);
    expect(scp.stderr).toContain('Vigil: SFTP/SCP is disabled for target "box" by policy.');

    const legacyScp = await run('scp', ['-O', ...fileOpts, 'alice+box@127.0.0.1:/etc/hostname', local]);
    expect(legacyScp.code).not.toBe(0);
    expect(legacyScp.stderr).toContain('Vigil: SFTP/SCP is disabled for target "box" by policy.');

    const sftp = await run('sftp', ['-b', '-', ...fileOpts, 'alice+box@127.0.0.1'], { input: 'ls /\n' });
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain('Vigil: SFTP/SCP is disabled for target "box" by policy.');
    expect(fs.existsSync(local)).toBe(false);
  });

  it('relays sftp when the target policy allows it', async () => {
    const local = path.join(dir, 'hostname-copy');
    const fileOpts = [...sshClientOptions(aliceKey.privatePath), '-P', String(jumpPort)];
    const scp = await run('scp', [...fileOpts, 'alice+files@127.0.0.1:/etc/hostname', local]);
    expect(scp.code).toBe(0);
    expect(fs.readFileSync(local, 'utf8')).toBe(fs.readFileSync('/etc/hostname', 'utf8'));
  });

  it('refuses remote port forwarding by default and says so', async () => {
    const result = await run('ssh', ['-R', '0:127.0.0.1:9', ...sshArgs('alice+box', 'sleep 0.5; echo still-here')]);
    expect(result.stdout).toContain('still-here');
    expect(result.stderr).toContain('Vigil: port forwarding is disabled for target "box" by policy.');
  });

  it('refuses malformed login names with the reason', async () => {
    for (const [login, reason] of [
      ['alice', 'login name must be <vigil-user>+<target>'],
      ['alice+', 'the target name after "+" is empty'],
      ['+box', 'the Vigil user name before "+" is empty'],
      ['alice+bo$x', 'the target name may only contain'],
    ]) {
      const result = await run('ssh', sshArgs(login, 'echo should-not-run'));
      expect(result.code).toBe(255);
      expect(result.stdout).not.toContain('should-not-run');
      expect(result.stderr).toContain('Vigil: invalid login name');
      expect(result.stderr).toContain(reason);
    }
  });

  it('refuses unknown targets and unregistered keys', async () => {
    const unknown = await run('ssh', sshArgs('alice+nope', 'echo should-not-run'));
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toContain('Vigil: unknown target "nope"');

    const stranger = await run('ssh', [
      ...sshClientOptions(strangerKey.privatePath),
      '-p', String(jumpPort),
      'alice+box@127.0.0.1',
      'echo should-not-run',
    ]);
    expect(stranger.code).toBe(255);
    expect(stranger.stderr).toContain('Permission denied');
    expect(stranger.stdout).not.toContain('should-not-run');
  });

  it('authenticates passwords and rate-limits wrong ones per user and IP', async () => {
    const passwordRun = (password: string) => {
      const askpass = writeAskpass(dir, `askpass-${randomBytes(4).toString('hex')}`, password);
      return run(
        'ssh',
        [
          ...sshClientOptions(),
          '-o', 'PreferredAuthentications=password',
          '-o', 'PubkeyAuthentication=no',
          '-o', 'NumberOfPasswordPrompts=3',
          '-p', String(jumpPort),
          'carol+box@127.0.0.1',
          'echo logged-in',
        ],
        { env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' } },
      );
    };

    const wrong = await passwordRun('not-carols-password');
    expect(wrong.code).toBe(255);
    expect(wrong.stdout).not.toContain('logged-in');

    // Three failures inside the window: even the right password is now refused, with the reason.
    const locked = await passwordRun('carol-pw');
    expect(locked.code).toBe(255);
    expect(locked.stderr).toMatch(/Vigil: too many failed password attempts; try again in \d+ s/);

    clock.t += 61_000;
    const ok = await passwordRun('carol-pw');
    expect(ok.stdout).toContain('logged-in');
    expect(ok.code).toBe(0);
  });

  it('pins an unpinned target host key on first use and keeps accepting it', async () => {
    const first = await run('ssh', sshArgs('alice+fresh', 'echo first'));
    expect(first.stdout).toBe('first\n');
    expect(ports.pins).toEqual([{ target: 'fresh', fingerprint: sshd.hostKey.fingerprint }]);
    const second = await run('ssh', sshArgs('alice+fresh', 'echo second'));
    expect(second.stdout).toBe('second\n');
    expect(ports.pins).toHaveLength(1);
  });

  it('refuses a target whose host key no longer matches the pin', async () => {
    const result = await run('ssh', sshArgs('alice+moved', 'echo should-not-run'));
    expect(result.code).toBe(255);
    expect(result.stdout).not.toContain('should-not-run');
    expect(result.stderr).toContain('Vigil: the host key of target "moved" has changed');
    expect(result.stderr).toContain(sshd.hostKey.fingerprint);
    expect(result.stderr).toContain(otherSshd.hostKey.fingerprint);
    expect(ports.pins.some((p) => p.target === 'moved')).toBe(false);
  });

  it('terminate(reason) shows the reason and closes the user connection within 1 s', async () => {
    const sessionP = nextSession();
    const ssh = spawnTracked('ssh', ['-tt', ...sshArgs('alice+box', 'echo ready; sleep 60')]);
    const live = await sessionP;
    await ssh.waitFor('ready');
    const before = Date.now();
    live.terminate('Session terminated by admin bob: policy violation');
    const { at } = await ssh.exited;
    expect(at - before).toBeLessThan(1_000);
    expect(ssh.output).toContain('Session terminated by admin bob: policy violation');
    expect(await ports.waitEnded(live.id)).toMatchObject({ reason: 'terminated' });
  });

  /**
   * OpenSSH's `ssh` whose stdout nobody reads until told: the target's output backs up in the pipe,
   * the client's window and the jump's channel buffer. (OpenSSH closes a channel only once it has
   * written out what it received, as a user's terminal would; an ssh2 client answers at once.)
   */
  const heldSsh = async (command: string): Promise<{ ssh: ChildProcessWithoutNullStreams; live: LiveSshSession; exitedAt: Promise<number>; stderr: () => string }> => {
    const sessionP = nextSession();
    const ssh = spawn('ssh', sshArgs('alice+box', command), { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(ssh);
    ssh.stdout.pause();
    let stderr = '';
    ssh.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exitedAt = new Promise<number>((resolve) => ssh.once('close', () => resolve(Date.now())));
    const live = await sessionP;
    let relayed = 0;
    live.onOutput((chunk) => void (relayed += chunk.length));
    const deadline = Date.now() + 15_000;
    for (let last = -1; relayed !== last || relayed < 2 * 1024 * 1024; ) {
      if (Date.now() > deadline) throw new Error(`the output never backed up (${relayed} bytes relayed)`);
      last = relayed;
      await sleep(300);
    }
    return { ssh, live, exitedAt, stderr: () => stderr };
  };

  it('terminate() behind megabytes of unread output: a slow but steady reader still gets the notice before the cut', async () => {
    const { ssh, live, exitedAt, stderr } = await heldSsh('head -c 8000000 /dev/zero; sleep 60');
    let bytesAfterTerminate = 0;
    const terminatedAt = Date.now();
    live.terminate('Session terminated by admin bob: slow link');
    // 512 KiB/s: seconds for what is queued (MiBs), past the 2 s a client that stops reading gets
    const BYTES_PER_MS = 512;
    ssh.stdout.on('data', (c: Buffer) => {
      bytesAfterTerminate += c.length;
      if (bytesAfterTerminate > (Date.now() - terminatedAt) * BYTES_PER_MS) {
        ssh.stdout.pause();
        setTimeout(() => ssh.stdout.resume(), 100);
      }
    });
    ssh.stdout.resume();
    const exited = await exitedAt;
    console.log(`slow reader: ${bytesAfterTerminate} bytes read in ${exited - terminatedAt} ms after terminate()`);
    expect(exited - terminatedAt).toBeGreaterThan(2_500); // the fixed 2 s cut Vigil had would have come first
    expect(stderr()).toContain('Session terminated by admin bob: slow link');
    expect(await ports.waitEnded(live.id)).toMatchObject({ reason: 'terminated' });
  }, 60_000);

  it('terminate() and a client that stops reading: cut STALLED_USER_CUT_MS (10 s) later, its session ended as terminated at once', async () => {
    const { live, exitedAt } = await heldSsh('head -c 8000000 /dev/zero; sleep 60');
    const terminatedAt = Date.now();
    live.terminate('Session terminated by admin bob: no reader');
    expect(await ports.waitEnded(live.id, 1_000)).toMatchObject({ reason: 'terminated' });
    const exited = await exitedAt;
    expect(exited - terminatedAt).toBeGreaterThanOrEqual(STALLED_USER_CUT_MS);
    expect(exited - terminatedAt).toBeLessThan(STALLED_USER_CUT_MS + 5_000);
  }, 60_000);

  it('ends the session as ended when the user hangs up mid-command', async () => {
    const sessionP = nextSession();
    const ssh = spawnTracked('ssh', [...sshArgs('alice+box', 'echo started; sleep 60')]);
    const live = await sessionP;
    await ssh.waitFor('started');
    ssh.child.kill('SIGKILL');
    // The user closing their side is a normal end, even without an exit status from the target.
    expect(await ports.waitEnded(live.id)).toEqual({ reason: 'ended', message: 'the user disconnected' });
    expect(jump.getSession(live.id)).toBeUndefined();
  });

  it('-R: the listener and every connection through it belong to one forward session; terminate() ends it all', async () => {
    const echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    const echoPort = (echo.address() as net.AddressInfo).port;
    const ssh = spawnTracked('ssh', ['-N', '-o', 'ExitOnForwardFailure=yes', '-R', `0:127.0.0.1:${echoPort}`, ...sshArgs('alice+tunnel')]);
    try {
      await ssh.waitFor(/Allocated port (\d+) for remote forward/);
      const remotePort = Number(/Allocated port (\d+)/.exec(ssh.output)![1]);
      const forward = ports.started.find((s) => s.kind === 'forward' && s.target.name === 'tunnel');
      expect(forward).toMatchObject({ kind: 'forward', pty: false, command: 'port forwarding', user: { username: 'alice' } });
      const handle = jump.listSessions().find((s) => s.id === forward!.sessionId);
      expect(handle).toBeDefined();

      // A connection arriving at the listener on the target travels back to the user's side.
      const socket = net.connect(remotePort, '127.0.0.1');
      const echoed = await new Promise<string>((resolve) => {
        let got = '';
        socket.on('data', (c: Buffer) => {
          got += c.toString();
          if (got.length >= 12) resolve(got);
        });
        socket.write('via-remote-1');
      });
      expect(echoed).toBe('via-remote-1');
      const kinds = ports.forwardEvents.filter((e) => e.sessionId === forward!.sessionId).map((e) => `${e.phase}:${e.kind}`);
      expect(kinds).toEqual(['open:tcpip-forward', 'open:forwarded-tcpip']);

      const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);
      handle!.terminate('tunnel closed by the on-call admin');
      await ssh.exited;
      await socketClosed;
      expect(ssh.output).toContain('[Vigil] tunnel closed by the on-call admin');
      expect(await ports.waitEnded(forward!.sessionId)).toEqual({ reason: 'terminated', message: 'tunnel closed by the on-call admin' });
      const closes = ports.forwardEvents.filter((e) => e.sessionId === forward!.sessionId && e.phase === 'close');
      expect(closes.map((e) => e.kind).sort()).toEqual(['forwarded-tcpip', 'tcpip-forward']);
      expect(closes.find((e) => e.kind === 'forwarded-tcpip')).toMatchObject({ bytesToTarget: 12, bytesFromTarget: 12 });
      expect(jump.listSessions().some((s) => s.id === forward!.sessionId)).toBe(false);
    } finally {
      await ssh.stop();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('holds at most 10 session channels per connection (OpenSSH MaxSessions), saying why', async () => {
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: '127.0.0.1', port: jumpPort, username: 'alice+box', privateKey: aliceKey.privateKey });
    });
    try {
      const open = () =>
        new Promise<ClientChannel | Error>((resolve) => client.exec('sleep 20', (err, ch) => resolve(err ?? ch)));
      const channels = await Promise.all(Array.from({ length: 10 }, open));
      expect(channels.every((c) => !(c instanceof Error))).toBe(true);
      const eleventh = await open();
      expect(eleventh).toBeInstanceOf(Error);
      let notice = '';
      (channels[0] as ClientChannel).stderr.on('data', (c: Buffer) => (notice += c.toString()));
      const deadline = Date.now() + 5_000;
      while (!notice.includes('at most 10 sessions per connection') && Date.now() < deadline) await sleep(25);
      expect(notice).toContain('Vigil: at most 10 sessions per connection');
    } finally {
      client.end();
    }
  });

  it('uses a free port for every sshd (sanity check of the harness)', async () => {
    expect(sshd.port).not.toBe(otherSshd.port);
    expect(await freePort()).toBeGreaterThan(0);
  });
});
