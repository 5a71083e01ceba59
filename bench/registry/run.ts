/**
 * bench/registry: session open+end cycles per second with 50 concurrent agents over keep-alive
 * HTTP, and access-log query latency on 1,000,000 rows, on SQLite and PostgreSQL.
 * Run: `npm run bench:registry` (env BENCH_ROWS, BENCH_SECONDS to change the sizes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { PostgresServer } from '../../test/support/postgres-server';
import { repoRoot } from '../../test/support/repo-root';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { JsonClient } from '../support/json-client';
import { round } from '../support/stats';
import { CycleResult, measureCycles } from './cycles';
import { FloorAdapter, measureFloor } from './floor';
import { LatencyResult, measureQueryLatency } from './query-latency';
import { seedAccessLog } from './seed-access-log';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const AGENTS = 50;
const PASSWORD = 'bench-admin-password';

interface EngineResult {
  engine: string;
  cycles: CycleResult;
  latency: LatencyResult[];
}

async function adminAndAgent(url: string): Promise<{ admin: string; agent: string }> {
  const client = new JsonClient(url, 1);
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const admin = ((await login.json()) as { accessToken: string }).accessToken;
  const agent = await client.request('POST', '/api/agents', admin, { name: 'bench', kind: 'agent' });
  client.close();
  return { admin, agent: agent.body.token };
}

async function benchEngine(engine: 'sqlite' | 'postgres', postgres?: PostgresServer): Promise<EngineResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-bench-${engine}-`));
  const env: Record<string, string> = { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  if (postgres) env.DATABASE_URL = postgres.url;
  try {
    let gateway = await GatewayProcess.start(env);
    const { agent } = await adminAndAgent(gateway.url);
    process.stdout.write(`[${engine}] open+end cycles, ${AGENTS} agents, ${SECONDS} s...\n`);
    const cycles = await measureCycles(gateway.url, agent, AGENTS, 2000, SECONDS * 1000);
    process.stdout.write(`[${engine}] ${round(cycles.perSecond)} cycles/s (${cycles.errors} errors)\n`);
    await gateway.kill('SIGTERM');

    process.stdout.write(`[${engine}] seeding ${ROWS} access-log rows...\n`);
    const now = Date.now();
    await seedAccessLog(postgres ? { postgresUrl: postgres.url } : { sqliteFile: path.join(dataDir, 'vigil.sqlite') }, ROWS, now);
    gateway = await GatewayProcess.start(env);
    const { admin } = await adminAndAgent(gateway.url);
    const latency = [
      await measureQueryLatency(gateway.url, admin, now, 'owner + 7-day window', 7, 300),
      await measureQueryLatency(gateway.url, admin, now, 'owner + 90-day window', 90, 300),
      await measureQueryLatency(gateway.url, admin, now, 'all owners + 1-day window', 1, 300, false),
    ];
    for (const l of latency) process.stdout.write(`[${engine}] ${l.label}: p50 ${round(l.p50, 2)} ms, p95 ${round(l.p95, 2)} ms\n`);
    await gateway.kill('SIGTERM');
    return { engine, cycles, latency };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const floors: { adapter: FloorAdapter; cycles: CycleResult }[] = [];
  for (const adapter of ['express', 'fastify'] as const) {
    process.stdout.write(`[floor] bare NestJS + ${adapter}, ${AGENTS} agents, ${SECONDS} s...\n`);
    floors.push({ adapter, cycles: await measureFloor(adapter, AGENTS, 2000, SECONDS * 1000) });
    process.stdout.write(`[floor] ${adapter}: ${round(floors[floors.length - 1].cycles.perSecond)} cycles/s\n`);
  }
  const results: EngineResult[] = [await benchEngine('sqlite')];
  const postgres = await PostgresServer.start(path.join(repoRoot(), '.test-services', `bench-pg-${process.pid}`));
  try {
    // The benchmark cluster runs with fsync=off (a throwaway); production settings would cost more per commit.
    results.push(await benchEngine('postgres', postgres));
  } finally {
    await postgres.stop();
    fs.rmSync(postgres.dir, { recursive: true, force: true });
  }

  const verdict = (ok: boolean) => (ok ? 'meets goal' : '**below goal**');
  const lines = [
    '## Session registry (`npm run bench:registry`)',
    '',
    `Open+end cycles: ${AGENTS} concurrent agents over keep-alive HTTP, each opening a session (201) then ending it (200, the move into the access log), ${SECONDS} s after a 2 s warm-up. Load generator on the same machine. Goal ≥ 2,000 cycles/s.`,
    '',
    '| engine | cycles/s | errors | verdict |',
    '| --- | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.engine} | ${round(r.cycles.perSecond)} | ${r.cycles.errors} | ${verdict(r.cycles.perSecond >= 2000)} |`),
    '',
    'The floor, same load in the same run: the two routes on bare NestJS, answering at once (no auth, validation, database or events). Vigil runs on Express; Fastify is the lever this measures.',
    '',
    '| bare NestJS + | cycles/s | errors |',
    '| --- | ---: | ---: |',
    ...floors.map((f) => `| ${f.adapter}${f.adapter === 'express' ? ' (Vigil\'s adapter)' : ''} | ${round(f.cycles.perSecond)} | ${f.cycles.errors} |`),
    '',
    `Access-log search latency over HTTP on ${ROWS.toLocaleString('en-US')} rows (200 owners, one year), 300 sequential queries each, limit 100. Goal p95 ≤ 50 ms (owner + time range).`,
    '',
    '| engine | query | p50 ms | p95 ms | rows returned (mean) | verdict |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...results.flatMap((r) =>
      r.latency.map(
        (l) => `| ${r.engine} | ${l.label} | ${round(l.p50, 2)} | ${round(l.p95, 2)} | ${round(l.meanRows)} | ${verdict(l.p95 <= 50)} |`,
      ),
    ),
  ];
  const file = writeBenchmarkSection('registry', lines.join('\n'));
  process.stdout.write(`\nwritten to ${file}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
