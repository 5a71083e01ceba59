import * as fs from 'node:fs';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { PostgresServer } from '../../test/support/postgres-server';
import { repoRoot } from '../../test/support/repo-root';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, startSshd } from '../../test/support/sshd';
import { JsonClient } from '../support/json-client';
import { inBatches } from '../ssh/live-client';

export const ADMIN_PASSWORD = 'soak-admin-password';
export const TARGET = 'box';

export interface SoakEnv {
  gateway: GatewayProcess;
  jumpPort: number;
  api: JsonClient;
  adminToken: string;
  agentTokens: string[];
  /** one login token per owner `owner-<i>` */
  ownerTokens: string[];
  aliceKey: KeyPair;
  close(): Promise<void>;
}

async function ok<T = any>(promise: Promise<{ status: number; body: any }>, what: string): Promise<T> {
  const res = await promise;
  if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

async function login(api: JsonClient, username: string, password: string): Promise<string> {
  return (await ok<{ accessToken: string }>(api.request('POST', '/api/auth/login', '', { username, password }), `login ${username}`)).accessToken;
}

async function jumpPortOf(gateway: GatewayProcess): Promise<number> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const match = /ssh jump listening on (\d+)/.exec(gateway.output());
    if (match) return Number(match[1]);
  }
  throw new Error(`gateway did not print its ssh jump port:\n${gateway.output()}`);
}

/**
 * The compiled gateway as its own process (SQLite in a temp folder, or a throwaway PostgreSQL), a
 * real sshd as the SSH target, `agents` agent credentials, `owners` owner accounts logged in, and
 * alice (key registered, granted the target `box`).
 */
export async function setUpSoak(options: { engine: 'sqlite' | 'postgres'; agents: number; owners: number }): Promise<SoakEnv> {
  const dir = makeTempDir('vigil-soak');
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
    const sshd: SshdHandle = await startSshd({ authorizedKeys: [targetKey.publicLine], dir: fs.mkdtempSync(path.join(dir, 'sshd-')) });
    cleanups.push(() => sshd.stop());

    const dataDir = path.join(dir, 'vigil-data');
    fs.mkdirSync(dataDir);
    const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', JUMP_SSH_PORT: '0' };
    if (options.engine === 'postgres') {
      const postgres = await PostgresServer.start(path.join(repoRoot(), '.test-services', `soak-pg-${process.pid}`));
      cleanups.push(async () => {
        await postgres.stop();
        fs.rmSync(postgres.dir, { recursive: true, force: true });
      });
      env.DATABASE_URL = postgres.url;
    }
    const gateway = await GatewayProcess.start(env, 60_000);
    cleanups.push(() => gateway.kill('SIGTERM'));
    const jumpPort = await jumpPortOf(gateway);
    const api = new JsonClient(gateway.url, 8);
    cleanups.push(() => api.close());

    const adminToken = await login(api, 'admin', ADMIN_PASSWORD);
    const agentTokens = await inBatches(Array.from({ length: options.agents }, (_, i) => i), 8, async (i) =>
      (await ok<{ token: string }>(api.request('POST', '/api/agents', adminToken, { name: `soak-agent-${i}`, kind: 'agent' }), 'create agent')).token,
    );
    const ownerTokens = await inBatches(Array.from({ length: options.owners }, (_, i) => `owner-${i}`), 4, async (username) => {
      await ok(api.request('POST', '/api/users', adminToken, { username, password: `${username}-password`, roles: ['owner'], privileges: [] }), `create ${username}`);
      return login(api, username, `${username}-password`);
    });
    await ok(api.request('POST', '/api/users', adminToken, { username: 'alice', password: 'alice-soak-password', roles: ['owner'], privileges: [] }), 'create alice');
    const alice = await login(api, 'alice', 'alice-soak-password');
    await ok(api.request('POST', '/api/me/ssh-keys', alice, { publicKey: aliceKey.publicLine }), 'register alice key');
    await ok(
      api.request('POST', '/api/targets', adminToken, {
        name: TARGET,
        host: '127.0.0.1',
        port: sshd.port,
        accountName: 'root',
        privateKey: targetKey.privateKey,
        owner: 'alice',
        grants: { users: ['alice'] },
      }),
      'create target',
    );
    return { gateway, jumpPort, api, adminToken, agentTokens, ownerTokens, aliceKey, close };
  } catch (error) {
    await close();
    throw error;
  }
}
