/**
 * Open+end cycles against one gateway for a few seconds, for profiling the request path:
 * `VIGIL_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node scripts/run-dist.js bench/registry/profile-cycles.js`
 * BENCH_DATABASE_URL=postgres://... runs it on that PostgreSQL (start one with the settings you
 * mean to measure). Besides cycles/s it prints the gateway's CPU time per cycle, which, unlike
 * cycles/s, stays comparable while other work shares the machine. BENCH_FLOOR=express|fastify
 * measures floor-server.ts the same way instead (the framework alone), for a same-run baseline.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { repoRoot } from '../../test/support/repo-root';
import { JsonClient } from '../support/json-client';
import { measureCycles } from './cycles';

/** user and system CPU milliseconds of a Linux process so far (clock ticks of /proc/<pid>/stat). */
function cpuMs(pid: number): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / 100, system: (Number(fields[12]) * 1000) / 100 };
}

async function measure(url: string, pid: number, warmupAgent: string, agent: string): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  // warm-up (JIT, pools) before the CPU counter starts
  await measureCycles(url, warmupAgent, 50, 0, 1000);
  const cpuBefore = cpuMs(pid);
  const result = await measureCycles(url, agent, 50, 0, seconds * 1000);
  const cpuAfter = cpuMs(pid);
  const user = cpuAfter.user - cpuBefore.user;
  const system = cpuAfter.system - cpuBefore.system;
  const cpu = user + system;
  const perCycle = (ms: number) => ((ms * 1000) / Math.max(1, result.cycles)).toFixed(0);
  // system time is the kernel's share (socket writes and reads): what fewer round trips save
  process.stdout.write(
    `${result.perSecond.toFixed(0)} cycles/s (${result.errors} errors), server CPU ${perCycle(cpu)} µs/cycle ` +
      `(user ${perCycle(user)}, system ${perCycle(system)}; ${((100 * cpu) / (result.seconds * 1000)).toFixed(0)}% of a core)\n`,
  );
}

async function floor(adapter: string): Promise<void> {
  const child = spawn(process.execPath, [path.join(repoRoot(), 'scripts', 'run-dist.js'), 'bench/registry/floor-server.js', adapter], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (\S+)/.exec(output);
        if (match) resolve(match[1]);
      });
    });
    process.stdout.write(`floor ${adapter}: `);
    await measure(url, child.pid!, 'no-token', 'no-token');
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_FLOOR) return floor(process.env.BENCH_FLOOR);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-profile-registry-'));
  const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: 'profile-admin-password', LOG_LEVEL: 'warn' };
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  const gateway = await GatewayProcess.start(env);
  try {
    const login = await fetch(`${gateway.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'profile-admin-password' }),
    });
    const admin = ((await login.json()) as { accessToken: string }).accessToken;
    const client = new JsonClient(gateway.url, 1);
    // two agents: cycles.ts numbers its externalIds from 0, a second run by the same agent would replay them
    const newAgent = async (name: string) => (await client.request('POST', '/api/agents', admin, { name, kind: 'agent' })).body.token as string;
    const warmupAgent = await newAgent(`profile-warmup-${Date.now()}`);
    const agent = await newAgent(`profile-${Date.now()}`);
    client.close();
    process.stdout.write(`gateway (${env.DATABASE_URL ? 'postgres' : 'sqlite'}): `);
    await measure(gateway.url, gateway.child.pid!, warmupAgent, agent);
  } finally {
    await gateway.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
