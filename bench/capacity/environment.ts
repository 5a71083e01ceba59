import { ChildProcess, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { repoRoot } from '../../test/support/repo-root';
import { KeyPair, makeKeyPair, stopChild } from '../../test/support/sshd';
import { login } from '../ssh/setup';
import { JsonClient } from '../support/json-client';
import type { LoadReply, LoadRequest } from './ssh-load';

export const ADMIN_PASSWORD = 'capacity-admin-password';
const ALICE_PASSWORD = 'alice-capacity-password';
export const PINNED_CIPHER = 'aes128-gcm@openssh.com';

export interface ScriptedTarget {
  port: number;
  child: ChildProcess;
}

/** bench/capacity/scripted-target.ts as its own process. */
export async function startScriptedTarget(dir: string, floodBytes: number): Promise<ScriptedTarget> {
  const hostKey = makeKeyPair(dir, `scripted_host_${Date.now()}`);
  const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'bench', 'capacity', 'scripted-target.js')], {
    env: { PATH: process.env.PATH ?? '', TARGET_HOST_KEY: hostKey.privatePath, FLOOD_BYTES: String(floodBytes) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  for (const deadline = Date.now() + 10_000; ; ) {
    const match = /scripted target listening on (\d+)/.exec(output);
    if (match) return { port: Number(match[1]), child };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`scripted target did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface CapacityGateway {
  gateway: GatewayProcess;
  pid: number;
  jumpPort: number;
  adminToken: string;
  api: JsonClient;
  stop(): Promise<void>;
}

async function ok(promise: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const res = await promise;
  if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A fresh gateway process (each memory figure gets its own, so one phase's freed heap cannot hide
 * the next one's growth) with alice, her key, and the targets `typist`, `flood` and `idle` on the
 * scripted target.
 */
export async function startCapacityGateway(options: {
  dir: string;
  alice?: KeyPair;
  targetKey?: KeyPair;
  targetPort?: number;
  env?: Record<string, string>;
  dataDir?: string;
}): Promise<CapacityGateway> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(options.dir, 'data-'));
  const gateway = await GatewayProcess.start({ VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', JUMP_SSH_PORT: '0', ...options.env });
  const deadline = Date.now() + 10_000;
  let jumpPort = 0;
  while (!jumpPort) {
    const match = /ssh jump listening on (\d+)/.exec(gateway.output());
    if (match) jumpPort = Number(match[1]);
    else if (Date.now() > deadline) throw new Error(`no ssh jump port:\n${gateway.output()}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const api = new JsonClient(gateway.url, 8);
  const adminToken = await login(gateway.url, 'admin', ADMIN_PASSWORD);
  if (options.alice && options.targetKey && options.targetPort) {
    await ok(api.request('POST', '/api/users', adminToken, { username: 'alice', password: ALICE_PASSWORD, roles: ['owner'], privileges: [] }), 'create alice');
    const aliceToken = await login(gateway.url, 'alice', ALICE_PASSWORD);
    await ok(api.request('POST', '/api/me/ssh-keys', aliceToken, { publicKey: options.alice.publicLine }), 'register alice key');
    for (const name of ['typist', 'flood', 'idle']) {
      await ok(
        api.request('POST', '/api/targets', adminToken, {
          name,
          host: '127.0.0.1',
          port: options.targetPort,
          accountName: name,
          privateKey: options.targetKey.privateKey,
          owner: 'alice',
          policy: { announceWatching: false },
          grants: { users: ['alice'] },
        }),
        `create target ${name}`,
      );
    }
  }
  return {
    gateway,
    pid: gateway.child.pid!,
    jumpPort,
    adminToken,
    api,
    stop: async () => {
      api.close();
      await gateway.kill('SIGTERM');
    },
  };
}

/** The users' load generator (bench/capacity/ssh-load.ts) as a forked process. */
export class LoadProcess {
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(path.join(repoRoot(), 'dist', 'bench', 'capacity', 'ssh-load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  private ask<T extends LoadReply['type']>(request: LoadRequest, reply: T, timeoutMs: number): Promise<Extract<LoadReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load generator: no ${reply} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (message: LoadReply) => {
        if (message.type !== reply) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message as Extract<LoadReply, { type: T }>);
      };
      this.child.on('message', onMessage);
      this.child.send(request);
    });
  }

  open(count: number, port: number, username: string, privateKeyPath: string) {
    // ≤ 8 handshakes at a time: the jump admits 10 unauthenticated connections per IP (VIGIL_JUMP_MAX_STARTUPS_PER_IP).
    return this.ask({ type: 'open', count, port, username, privateKeyPath, concurrency: 8, cipher: PINNED_CIPHER }, 'opened', 30_000 + count * 1_000);
  }

  measure(seconds: number) {
    return this.ask({ type: 'measure', seconds }, 'measured', seconds * 1000 + 60_000);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send({ type: 'close' } satisfies LoadRequest);
    await stopChild(this.child, 5_000);
  }
}

