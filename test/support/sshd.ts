import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';

/**
 * Test harness for real OpenSSH: throwaway key pairs, a loopback sshd that is a child of the
 * test process (PID 1 in CI does not reap orphans, so we stop it by PID), and a small runner for
 * the `ssh`/`scp`/`sftp` clients that never leaves a process behind.
 */

export interface KeyPair {
  privatePath: string;
  publicPath: string;
  privateKey: string;
  /** The `ssh-ed25519 AAAA... comment` line. */
  publicLine: string;
  /** Wire-format public key blob (what ssh2 hands to authentication handlers as key.data). */
  publicBlob: Buffer;
  /** `SHA256:...` as printed by ssh-keygen -l. */
  fingerprint: string;
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function makeKeyPair(dir: string, name: string): KeyPair {
  const privatePath = path.join(dir, name);
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', privatePath], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
  fs.chmodSync(privatePath, 0o600);
  const publicLine = fs.readFileSync(`${privatePath}.pub`, 'utf8').trim();
  const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${privatePath}.pub`], { encoding: 'utf8' });
  return {
    privatePath,
    publicPath: `${privatePath}.pub`,
    privateKey: fs.readFileSync(privatePath, 'utf8'),
    publicLine,
    publicBlob: Buffer.from(publicLine.split(/\s+/)[1], 'base64'),
    fingerprint: fp.stdout.split(/\s+/)[1],
  };
}

export { freePort } from './ports';

export interface SshdHandle {
  port: number;
  dir: string;
  hostKey: KeyPair;
  /** The account tests log in to the target with. */
  user: string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Public key lines allowed to log in (as root). */
  authorizedKeys: string[];
  dir?: string;
  extraConfig?: string[];
}

/** Starts `/usr/sbin/sshd -D -e` on 127.0.0.1:<free port>, logging in as root with keys only. */
export async function startSshd(options: SshdOptions): Promise<SshdHandle> {
  const dir = options.dir ?? makeTempDir('vigil-sshd');
  fs.mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
  const hostKey = makeKeyPair(dir, 'host_ed25519');
  const authorizedKeysPath = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorizedKeysPath, options.authorizedKeys.join('\n') + '\n');
  // sshd reads authorized_keys with the logging-in user's privileges: non-root logins need
  // to traverse the (mkdtemp 0700) directory and read the file. Public keys only.
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(authorizedKeysPath, 0o644);

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const configPath = path.join(dir, `sshd_config_${port}`);
    fs.writeFileSync(
      configPath,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey.privatePath}`,
        'UsePAM no',
        'PidFile none',
        `AuthorizedKeysFile ${authorizedKeysPath}`,
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PrintMotd no',
        'PrintLastLog no',
        'AllowTcpForwarding yes',
        'X11Forwarding no',
        'AcceptEnv LANG LC_*',
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        'LogLevel INFO',
        ...(options.extraConfig ?? []),
      ].join('\n') + '\n',
    );
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = await waitForListening(child, 10_000);
    if (started === true) {
      return { port, dir, hostKey, user: 'root', stop: () => stopChild(child) };
    }
    await stopChild(child);
    // Another process grabbed the port between freePort() and sshd's bind: try a new one.
    if (attempt >= 3 || !/Address already in use/i.test(started)) throw new Error(`sshd did not start: ${started}`);
  }
}

/** Resolves true once sshd says it is listening, or with its stderr if it died/timed out. */
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    let stderr = '';
    const timer = setTimeout(() => done(`timeout; stderr: ${stderr}`), timeoutMs);
    const onData = (chunk: Buffer): void => {
      stderr += chunk.toString();
      if (/Server listening on/.test(stderr)) done(true);
    };
    const onExit = (code: number | null): void => done(`exited with ${code}; stderr: ${stderr}`);
    function done(result: true | string): void {
      clearTimeout(timer);
      child.stderr?.removeListener('data', onData);
      child.removeListener('exit', onExit);
      // Keep draining sshd's log so a full pipe can never block it.
      child.stderr?.resume();
      resolve(result);
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion (killing it on timeout) and collects its output. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/**
 * Common client options: no known_hosts, explicit identity only (no prompts) when given one.
 * The port is left to the caller: ssh takes -p, scp and sftp take -P.
 */
export function sshClientOptions(identityPath?: string): string[] {
  const opts = [
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'LogLevel=INFO',
    '-o', 'ConnectTimeout=10',
  ];
  if (identityPath) opts.push('-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-i', identityPath);
  return opts;
}

/** An SSH_ASKPASS script that answers every prompt with `password`. */
export function writeAskpass(dir: string, name: string, password: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' '${password.replace(/'/g, `'\\''`)}'\n`, { mode: 0o755 });
  return file;
}

export interface TestUserHandle {
  name: string;
  /** Deletes the account (and its home) if this call created it. */
  remove(): void;
}

/**
 * A non-root login for the target sshd. Some sshd features (e.g. the `signal` channel request)
 * are refused for root sessions, so tests of those need an ordinary account. Needs root; `*` as
 * the password hash unlocks key logins without allowing any password.
 */
export function ensureTestUser(name: string): TestUserHandle {
  const exists = spawnSync('id', ['-u', name]).status === 0;
  if (!exists) {
    const add = spawnSync('useradd', ['-m', '-s', '/bin/sh', name], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`useradd ${name} failed: ${add.stderr}`);
    spawnSync('usermod', ['-p', '*', name]);
  }
  return {
    name,
    remove: () => {
      if (!exists) spawnSync('userdel', ['-r', name], { stdio: 'ignore' });
    },
  };
}
