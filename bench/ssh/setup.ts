import { ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { repoRoot } from '../../test/support/repo-root';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, startSshd, stopChild } from '../../test/support/sshd';
import { JsonClient } from '../support/json-client';

export const ADMIN_PASSWORD = 'bench-admin-password';
const ALICE_PASSWORD = 'alice-bench-password';
export const TARGET = 'box';
/**
 * Pinned on every OpenSSH client leg (direct, both legs of `-J`, the user's leg to Vigil and to the
 * bare relay): the ssh2 servers (Vigil's jump, the relay) negotiate what the client offers.
 */
export const PINNED_CIPHER = 'aes128-gcm@openssh.com';

/**
 * Everything the SSH benchmarks run against, all on loopback:
 * - `target`: a real sshd (the machine the user wants), accepting the target key (Vigil) and
 *   alice's key (direct ssh, and the end hop of `ssh -J`);
 * - `opensshJump`: a second sshd used only as an OpenSSH ProxyJump host (AllowTcpForwarding yes);
 * - `gateway`: the compiled Vigil gateway as its own OS process, with its embedded SSH jump;
 *   alice is a Vigil user with her key registered, `box` a target owned by her;
 * - `bareRelay`: the thinnest ssh2 man-in-the-middle (bench/ssh/bare-relay.ts) as its own process,
 *   logging in to the target with the same target key.
 */
export interface BenchEnv {
  dir: string;
  aliceKey: KeyPair;
  target: SshdHandle;
  opensshJump: SshdHandle;
  gateway: GatewayProcess;
  jumpPort: number;
  bareRelayPort: number;
  /** the ciphers the bare relay's upstream ssh2 client negotiated with the target, one per connection */
  bareRelayUpstreamCiphers: () => string[];
  bareRelayPid: number;
  targetKey: KeyPair;
  adminToken: string;
  /** `-F` config shared by every ssh invocation (no known_hosts, alice's key only, no prompts) */
  sshConfig: string;
  api: JsonClient;
  close(): Promise<void>;
}

export type Route = 'vigil' | 'direct' | 'openssh-J' | 'bare-relay';

/** ssh arguments (before the remote command) for one of the three routes to the same target sshd. */
export function sshArgs(env: BenchEnv, route: Route, tty = false): string[] {
  const base = ['-F', env.sshConfig, ...(tty ? ['-tt'] : ['-T'])];
  switch (route) {
    case 'vigil':
      return [...base, '-p', String(env.jumpPort), `alice+${TARGET}@127.0.0.1`];
    case 'direct':
      return [...base, '-p', String(env.target.port), 'root@127.0.0.1'];
    case 'bare-relay':
      return [...base, '-p', String(env.bareRelayPort), 'root@127.0.0.1'];
    case 'openssh-J':
      // -J passes -F on to the jump-host ssh, so both hops use the same client settings.
      return [...base, '-J', `root@127.0.0.1:${env.opensshJump.port}`, '-p', String(env.target.port), 'root@127.0.0.1'];
  }
}

async function waitForJumpPort(gateway: GatewayProcess, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /ssh jump listening on (\d+)/.exec(gateway.output());
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error(`gateway did not print its ssh jump port:\n${gateway.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function ok<T = any>(promise: Promise<{ status: number; body: any }>, what: string): Promise<T> {
  const res = await promise;
  if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function setUp(): Promise<BenchEnv> {
  const dir = makeTempDir('vigil-bench-ssh');
  const cleanups: (() => Promise<void> | void)[] = [() => fs.rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`cleanup failed: ${(error as Error).message}\n`);
      }
    }
  };
  try {
    const aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    const sshConfig = path.join(dir, 'ssh_config');
    fs.writeFileSync(
      sshConfig,
      [
        'Host *',
        '  StrictHostKeyChecking no',
        '  UserKnownHostsFile /dev/null',
        '  GlobalKnownHostsFile /dev/null',
        '  LogLevel ERROR',
        '  BatchMode yes',
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  IdentityFile ${aliceKey.privatePath}`,
        '  ConnectTimeout 10',
        '  ControlMaster no',
        `  Ciphers ${PINNED_CIPHER}`,
        '',
      ].join('\n'),
    );
    fs.mkdirSync(path.join(dir, 'sshd-target'));
    fs.mkdirSync(path.join(dir, 'sshd-jump'));
    const target = await startSshd({ authorizedKeys: [targetKey.publicLine, aliceKey.publicLine], dir: path.join(dir, 'sshd-target') });
    cleanups.push(() => target.stop());
    const opensshJump = await startSshd({ authorizedKeys: [aliceKey.publicLine], dir: path.join(dir, 'sshd-jump'), extraConfig: ['AllowTcpForwarding yes'] });
    cleanups.push(() => opensshJump.stop());

    const dataDir = path.join(dir, 'vigil-data');
    fs.mkdirSync(dataDir);
    const gateway = await GatewayProcess.start({ VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', JUMP_SSH_PORT: '0' });
    cleanups.push(() => gateway.kill('SIGTERM'));
    const jumpPort = await waitForJumpPort(gateway);

    const relay = await startBareRelayProcess(dir, target.port, targetKey);
    cleanups.push(() => stopChild(relay.child));

    const api = new JsonClient(gateway.url, 4);
    cleanups.push(() => api.close());
    const adminToken = await login(gateway.url, 'admin', ADMIN_PASSWORD);
    await ok(api.request('POST', '/api/users', adminToken, { username: 'alice', password: ALICE_PASSWORD, roles: ['owner'], privileges: [] }), 'create alice');
    const aliceToken = await login(gateway.url, 'alice', ALICE_PASSWORD);
    await ok(api.request('POST', '/api/me/ssh-keys', aliceToken, { publicKey: aliceKey.publicLine }), 'register alice key');
    // announceWatching off: 1,000 "started watching" notices would otherwise be typed into the session under test.
    await ok(
      api.request('POST', '/api/targets', adminToken, {
        name: TARGET,
        host: '127.0.0.1',
        port: target.port,
        accountName: 'root',
        privateKey: targetKey.privateKey,
        owner: 'alice',
        policy: { announceWatching: false },
        grants: { users: ['alice'] },
      }),
      'create target',
    );
    return {
      dir,
      aliceKey,
      targetKey,
      target,
      opensshJump,
      gateway,
      jumpPort,
      bareRelayPort: relay.port,
      bareRelayUpstreamCiphers: relay.ciphers,
      bareRelayPid: relay.child.pid!,
      adminToken,
      sshConfig,
      api,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** bench/ssh/bare-relay.ts as its own node process (its own core share, like the gateway). */
async function startBareRelayProcess(dir: string, targetPort: number, targetKey: KeyPair): Promise<{ child: ChildProcess; port: number; ciphers: () => string[] }> {
  const hostKey = makeKeyPair(dir, 'relay_host');
  const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'bench', 'ssh', 'bare-relay.js')], {
    env: { PATH: process.env.PATH ?? '', RELAY_TARGET_PORT: String(targetPort), RELAY_TARGET_KEY: targetKey.privatePath, RELAY_HOST_KEY: hostKey.privatePath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /bare relay listening on (\d+)/.exec(output);
    if (match) return { child, port: Number(match[1]), ciphers: () => [...output.matchAll(/upstream cipher (\S+)/g)].map((m) => m[1]) };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`bare relay did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The id of the one PAM_SSH session running now (waits for it to be registered). */
export async function runningSessionId(env: BenchEnv, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await env.api.request('GET', '/api/sessions?type=PAM_SSH', env.adminToken);
    const items = (res.body?.items ?? []) as { id: string }[];
    if (items.length === 1) return items[0].id;
    if (items.length > 1) throw new Error(`expected one running PAM_SSH session, found ${items.length}`);
    if (Date.now() > deadline) throw new Error('no PAM_SSH session registered');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until no PAM_SSH session is running (the previous one has been ended in the registry). */
export async function noRunningSessions(env: BenchEnv, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await env.api.request('GET', '/api/sessions?type=PAM_SSH', env.adminToken);
    if (((res.body?.items ?? []) as unknown[]).length === 0) return;
    if (Date.now() > deadline) throw new Error('a PAM_SSH session is still running');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes `bytes` of pseudo-random printable text (base64 lines of 76 chars, like a log or a dump). */
export async function writeTextFile(file: string, bytes: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const line = 77; // 76 + \n
  const block = Buffer.alloc(line * 8192);
  let written = 0;
  let seed = 0x9e3779b9;
  while (written < bytes) {
    const random = Buffer.alloc(57 * 8192);
    for (let i = 0; i < random.length; i += 4) {
      // xorshift32: fast, reproducible, incompressible enough for ssh (compression is off anyway)
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      random.writeUInt32LE(seed >>> 0, i);
    }
    for (let l = 0; l < 8192; l++) {
      block.write(random.subarray(l * 57, l * 57 + 57).toString('base64'), l * line, 'latin1');
      block[l * line + 76] = 0x0a;
    }
    const chunk = block.subarray(0, Math.min(block.length, bytes - written));
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Writes `bytes` of random bytes (a binary file or a compressed log `cat`ed to the terminal). */
export async function writeBinaryFile(file: string, bytes: number): Promise<void> {
  const out = fs.createWriteStream(file);
  for (let written = 0; written < bytes; ) {
    const chunk = crypto.randomBytes(Math.min(4 << 20, bytes - written));
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Spawns ssh and resolves when it exits (killing it after `timeoutMs`). */
export function sshExit(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
