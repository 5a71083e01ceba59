/**
 * bench/registry: session open+end cycles per second with 50 concurrent agents over keep-alive
 * HTTP, and access-log query latency on 1,000,000 rows, on SQLite and PostgreSQL (durable
 * settings: fsync, synchronous_commit and full_page_writes on, as reported by the server).
 * Run: `npm run bench:registry` (env BENCH_ROWS, BENCH_SECONDS to change the sizes).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayProcess } from '../../test/support/gateway-process';
import { repoRoot } from '../../test/support/repo-root';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { JsonClient } from '../support/json-client';
import { round } from '../support/stats';
import { CycleResult, measureCycles } from './cycles';
import { DurablePostgres, describeSettings } from './durable-postgres';
import { FloorAdapter, measureFloor } from './floor';
import { LatencyResult, measureQueryLatency } from './query-latency';
import { seedAccessLog } from './seed-access-log';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const AGENTS = 50;
const PASSWORD = 'bench-admin-password';
/** the seeded owner whose own token runs the owner-scoped searches (a user, not an admin) */
const SCOPED_OWNER = 'owner-7';
const SCOPED_PASSWORD = 'bench-owner-password';

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

/** A user with the owner role named like a seeded owner: the access log scopes its searches to its own rows. */
async function ownerToken(url: string, admin: string): Promise<string> {
  const client = new JsonClient(url, 1);
  const created = await client.request('POST', '/api/users', admin, { username: SCOPED_OWNER, password: SCOPED_PASSWORD, roles: ['owner'], privileges: [] });
  client.close();
  if (created.status >= 300) throw new Error(`create ${SCOPED_OWNER}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: SCOPED_OWNER, password: SCOPED_PASSWORD }),
  });
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** The gateway's SQLite pragmas, read from the source that sets them (so the disclosure follows a change). */
function sqliteSettings(): string {
  const source = fs.readFileSync(path.join(repoRoot(), 'libs', 'database', 'src', 'database.module.ts'), 'utf8');
  const pragmas = [...source.matchAll(/pragma\('(synchronous|journal_mode|wal_autocheckpoint) = (\w+)'\)/g)].map((m) => `\`${m[1]}=${m[2]}\``);
  const wal = /enableWAL: true/.test(source) ? ['`journal_mode=WAL`'] : [];
  return [...wal, ...pragmas].join(', ') || 'unknown (libs/database/src/database.module.ts sets none)';
}

async function benchEngine(engine: 'sqlite' | 'postgres', postgres?: DurablePostgres): Promise<EngineResult> {
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
    const owner = await ownerToken(gateway.url, admin);
    const latency = [
      // Owner-scoped: the owner's own token, no owner filter in the query (the scope is the server's).
      await measureQueryLatency(gateway.url, owner, now, `owner-scoped (${SCOPED_OWNER}'s own token) + 7-day window`, 7, 300, false),
      await measureQueryLatency(gateway.url, owner, now, `owner-scoped (${SCOPED_OWNER}'s own token) + 90-day window`, 90, 300, false),
      await measureQueryLatency(gateway.url, admin, now, 'admin token, owner filter + 7-day window', 7, 300),
      await measureQueryLatency(gateway.url, admin, now, 'admin token, all owners + 1-day window', 1, 300, false),
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
  const postgres = await DurablePostgres.start(path.join(repoRoot(), '.test-services', `bench-pg-${process.pid}`));
  let pgSettings: { text: string; durable: boolean };
  try {
    pgSettings = describeSettings(await postgres.settings());
    process.stdout.write(`[postgres] ${pgSettings.text}\n`);
    results.push(await benchEngine('postgres', postgres));
  } finally {
    await postgres.stop();
    fs.rmSync(postgres.dir, { recursive: true, force: true });
  }

  const verdict = (ok: boolean) => (ok ? 'meets goal' : '**below goal**');
  const floorOf = (adapter: FloorAdapter) => floors.find((f) => f.adapter === adapter)!.cycles.perSecond;
  // A figure taken on settings that do not make commits durable is not judged against the goal.
  const cycleVerdict = (r: EngineResult) =>
    r.engine === 'postgres' && !pgSettings.durable ? 'not judged: PostgreSQL was not durable' : verdict(r.cycles.perSecond >= 2000);
  const fsType = (() => {
    try {
      return execFileSync('stat', ['-f', '-c', '%T', path.join(repoRoot(), '.test-services')], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const lines = [
    '## Session registry (`npm run bench:registry`)',
    '',
    `Open+end cycles: ${AGENTS} concurrent agents over keep-alive HTTP, each opening a session (201) then ending it (200, the move into the access log), ${SECONDS} s after a 2 s warm-up. Load generator on the same machine. Goal ≥ 2,000 cycles/s on durable storage.`,
    '',
    `Storage settings (disclosure): SQLite ${sqliteSettings()} (the gateway's own pragmas${sqliteSettings().includes('synchronous=NORMAL') ? ': in WAL mode NORMAL syncs the WAL at checkpoints, not at every commit, so a power loss may lose the last commits, a process crash none' : ''}). PostgreSQL, as the server reported them (\`SHOW\`): ${pgSettings!.text}${pgSettings!.durable ? '' : ' — **not durable: the PostgreSQL figures are not judged**'}. Both on a local \`${fsType}\` disk (a virtual disk: an fsync here may cost less than on a server's storage with a real flush).`,
    '',
    '| engine | cycles/s | errors | verdict |',
    '| --- | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.engine} | ${round(r.cycles.perSecond)} | ${r.cycles.errors} | ${cycleVerdict(r)} |`),
    '',
    `This machine's speed moves every figure here from run to run (a shared virtual machine: the README gives the spread seen); read the figures against the floors of the same run: Vigil did ${results.map((r) => `${round(r.cycles.perSecond / floorOf('express'), 2)}× (${r.engine})`).join(' and ')} the Express floor, ${results.map((r) => `${round((100 * r.cycles.perSecond) / floorOf('fastify'))} %`).join(' and ')} of the Fastify one.`,
    '',
    'The floor, same load in the same run: the two routes on bare NestJS, answering at once (no auth, validation, database or events). Vigil runs on Fastify since v0.7.2; Express, what it ran on before, stays as the comparison that decided the switch.',
    '',
    '| bare NestJS + | cycles/s | errors |',
    '| --- | ---: | ---: |',
    ...floors.map((f) => `| ${f.adapter}${f.adapter === 'fastify' ? ' (Vigil\'s adapter)' : ' (before v0.7.2)'} | ${round(f.cycles.perSecond)} | ${f.cycles.errors} |`),
    '',
    `Access-log search latency over HTTP on ${ROWS.toLocaleString('en-US')} rows (200 owners, one year), 300 sequential queries each, limit 100. Goal p95 ≤ 50 ms (owner + time range). The owner-scoped rows use a user's own token (role owner, named like a seeded owner): the server adds the owner scope, the path a sessions page or an owner's search takes; the admin rows are the unscoped path with the owner given as a filter, or none.`,
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
