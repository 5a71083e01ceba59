/**
 * Open+end cycles against one gateway for a few seconds, for profiling the request path:
 * `VIGIL_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node scripts/run-dist.js bench/registry/profile-cycles.js`
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { JsonClient } from '../support/json-client';
import { measureCycles } from './cycles';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-profile-registry-'));
  const gateway = await GatewayProcess.start({ VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: 'profile-admin-password', LOG_LEVEL: 'warn' });
  try {
    const login = await fetch(`${gateway.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'profile-admin-password' }),
    });
    const admin = ((await login.json()) as { accessToken: string }).accessToken;
    const client = new JsonClient(gateway.url, 1);
    const agent = (await client.request('POST', '/api/agents', admin, { name: 'profile', kind: 'agent' })).body.token as string;
    client.close();
    const seconds = Number(process.env.BENCH_SECONDS ?? 8);
    const result = await measureCycles(gateway.url, agent, 50, 1000, seconds * 1000);
    process.stdout.write(`${result.perSecond.toFixed(0)} cycles/s (${result.errors} errors)\n`);
  } finally {
    await gateway.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
