/**
 * bench/capacity (issue 13 goal 4): capacity as curves, each figure beside its same-run baseline.
 * - concurrent SSH sessions through one jump (each typing a key per second, printing 10 lines per
 *   second): keystroke echo p50/p99 (baseline: the same users straight to the target), gateway CPU
 *   and RSS per session, at each level;
 * - idle `/live` viewers: gateway RSS per viewer (goal ≤ 30 KB);
 * - live mirrored sessions (screen and scrollback full, a viewer each): RSS per session (goal ≤ 8 MB);
 * - the sessions page API with 10,000 open sessions: list p95, `session.updated` fan-out to 50 pages;
 * - access-log search p95 at 10,000,000 rows (as many as the seeding budget reaches).
 * Run: `npm run bench:capacity`. Env: BENCH_CAPACITY_ONLY=ssh,viewers,mirror,registry;
 * BENCH_CAPACITY_SESSIONS=100,500,1000; BENCH_CAPACITY_SECONDS=15; BENCH_CAPACITY_VIEWERS=1000;
 * BENCH_CAPACITY_MIRRORS=10; BENCH_CAPACITY_FLOOD_BYTES=5000000; BENCH_CAPACITY_OPEN_SESSIONS=10000;
 * BENCH_CAPACITY_PAGES=50; BENCH_CAPACITY_UPDATES=100; BENCH_CAPACITY_ACCESS_ROWS=10000000;
 * BENCH_CAPACITY_SEED_SECONDS=600 (seeding budget); BENCH_CAPACITY_SETTLE_SECONDS=5 (before each level's window).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeKeyPair, makeTempDir, stopChild } from '../../test/support/sshd';
import { measureQueryLatency } from '../registry/query-latency';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { round } from '../support/stats';
import { bulkSeedSqlite } from './bulk-seed';
import { CapacityGateway, PINNED_CIPHER, startCapacityGateway, startScriptedTarget } from './environment';
import { PAGE_OWNER, measureFanOut, measureList, openRegistrySessions, ownerToken, waitAllDisconnected } from './registry-phases';
import { LevelResult, MirrorResult, ViewerResult, idleViewers, mirroredSessions, rampSessions } from './ssh-phases';

const env = process.env;
const list = (name: string, fallback: string) => (env[name] ?? fallback).split(',').filter(Boolean);
const num = (name: string, fallback: number) => Number(env[name] ?? fallback);
const ONLY = new Set(list('BENCH_CAPACITY_ONLY', 'ssh,viewers,mirror,registry'));
const LEVELS = list('BENCH_CAPACITY_SESSIONS', '100,500,1000').map(Number);
const SECONDS = num('BENCH_CAPACITY_SECONDS', 15);
const VIEWERS = num('BENCH_CAPACITY_VIEWERS', 1000);
const MIRRORS = num('BENCH_CAPACITY_MIRRORS', 10);
const FLOOD_BYTES = num('BENCH_CAPACITY_FLOOD_BYTES', 5_000_000);
const OPEN_SESSIONS = num('BENCH_CAPACITY_OPEN_SESSIONS', 10_000);
const PAGES = num('BENCH_CAPACITY_PAGES', 50);
const UPDATES = num('BENCH_CAPACITY_UPDATES', 100);
const ACCESS_ROWS = num('BENCH_CAPACITY_ACCESS_ROWS', 10_000_000);
const SEED_SECONDS = num('BENCH_CAPACITY_SEED_SECONDS', 600);
const OWNERS = 50; // of the 10,000 open sessions: 200 each
const SCOPED_OWNER = 'owner-7'; // of the seeded access log (200 owners)

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (x: number) => (Number.isFinite(x) ? String(round(x, 2)) : 'n/a');
const kib = (bytes: number) => (Number.isFinite(bytes) ? `${round(bytes / 1024, 1)} KiB` : 'n/a');
const mib = (bytes: number) => (Number.isFinite(bytes) ? `${round(bytes / 2 ** 20, 1)} MiB` : 'n/a');
const verdict = (ok: boolean, miss: string) => (ok ? 'meets goal' : `**below goal** (${miss})`);
const failed = (what: string, error: Error) => [``, `${what}: **did not run**: ${error.message.split('\n')[0]}`];

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg().map((x) => round(x, 2)).join(' / ');
  const dir = makeTempDir('vigil-bench-capacity');
  const alice = makeKeyPair(dir, 'alice');
  const targetKey = makeKeyPair(dir, 'target');
  const target = await startScriptedTarget(dir, FLOOD_BYTES);
  const sections = [
    '## Capacity (`npm run bench:capacity`)',
    '',
    `Everything on one machine over loopback. The target is one ssh2 \`Server\` process standing in for every machine (bench/capacity/scripted-target.ts: a shell that echoes each byte at once and, for the typing users, prints 10 lines of 70 bytes per second; 1,000 real sshd sessions would measure the target host, not the jump). The users are ssh2 clients in a forked load-generator process (bench/capacity/ssh-load.ts), \`${PINNED_CIPHER}\` pinned on their leg; the jump's upstream leg uses ssh2's defaults. Each figure comes from a fresh gateway process (SQLite, recording on) so one phase's freed heap cannot hide the next one's growth; CPU and RSS are read from \`/proc/<gateway pid>\` (RSS: median of settled readings). The load generator, the target and the gateway share the machine's ${os.cpus().length} cores: what flatters or hurts the figures is said with each.`,
  ];
  const gatewayFor = (extra: Partial<Parameters<typeof startCapacityGateway>[0]> = {}) => startCapacityGateway({ dir, alice, targetKey, targetPort: target.port, ...extra });
  try {
    if (ONLY.has('ssh')) sections.push(...(await sshSection(gatewayFor, target.port, alice.privatePath).catch((e: Error) => failed('SSH sessions', e))));
    if (ONLY.has('viewers')) {
      sections.push(
        ...(await withGateway(gatewayFor, (g) => idleViewers(g, { jumpPort: g.jumpPort, username: 'alice+idle', privateKeyPath: alice.privatePath }, VIEWERS))
          .then(viewerSection)
          .catch((e: Error) => failed('Idle viewers', e))),
      );
    }
    if (ONLY.has('mirror')) {
      sections.push(
        ...(await withGateway(gatewayFor, (g) => mirroredSessions(g, { jumpPort: g.jumpPort, username: 'alice+flood', privateKeyPath: alice.privatePath }, MIRRORS, FLOOD_BYTES))
          .then(mirrorSection)
          .catch((e: Error) => failed('Mirrored sessions', e))),
      );
    }
    if (ONLY.has('registry')) sections.push(...(await registrySection(dir).catch((e: Error) => failed('Sessions page and access log', e))));
  } finally {
    await stopChild(target.child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  sections.push('', `Full run: ${round((Date.now() - started) / 60000, 1)} min; load average at the start ${loadAtStart}, at the end ${os.loadavg().map((x) => round(x, 2)).join(' / ')}.`);
  log(`\nwritten to ${writeBenchmarkSection('capacity', sections.join('\n'))}`);
}

async function withGateway<T>(start: () => Promise<CapacityGateway>, task: (g: CapacityGateway) => Promise<T>): Promise<T> {
  const gateway = await start();
  try {
    return await task(gateway);
  } finally {
    await gateway.stop();
  }
}

async function sshSection(gatewayFor: () => Promise<CapacityGateway>, targetPort: number, key: string): Promise<string[]> {
  const direct = await rampSessions(LEVELS, { jumpPort: targetPort, username: 'typist', privateKeyPath: key }, SECONDS, undefined, (l) => log(`[capacity] direct ${l}`));
  const vigil = await withGateway(gatewayFor, (g) =>
    rampSessions(LEVELS, { jumpPort: g.jumpPort, username: 'alice+typist', privateKeyPath: key }, SECONDS, g, (l) => log(`[capacity] vigil ${l}`)),
  );
  const row = (v: LevelResult, d: LevelResult | undefined) =>
    `| ${v.sessions}${v.open < v.sessions ? ` (${v.open} open, ${v.failed} failed${v.firstError ? `: ${v.firstError}` : ''})` : ''} | ${ms(v.echoP50)} | ${ms(v.echoP99)} | ${d ? ms(d.echoP50) : 'n/a'} | ${d ? ms(d.echoP99) : 'n/a'} | ${d ? ms(v.echoP99 - d.echoP99) : 'n/a'} | ${v.unanswered} | ${round(v.cpuCores * 100)}% | ${round((v.cpuCores * 100) / Math.max(1, v.open), 3)}% | ${mib(v.rss)} | ${kib(v.rssPerSession)} | ${kib(v.rssPerAddedSession)} | ${round(v.outputBytesPerSecond / 1e3)} KB/s |`;
  return [
    '',
    '### Concurrent SSH sessions through one jump',
    '',
    `Users are added level by level (the earlier ones keep typing); at each level ${SECONDS} s are measured after ${Number(env.BENCH_CAPACITY_SETTLE_SECONDS ?? 5)} s of settling. Each user types one upper-case key per second (random phase) and times until its echo comes back through the output stream; a key with no echo within a second counts as unanswered. Baseline: the same users, levels and load straight to the scripted target, in the same run. CPU: the gateway's user + system time over the window, in % of one core (per session: divided by the open sessions). RSS per session: (gateway RSS at the level − RSS before the first session) / open sessions, which carries the one-time costs of the first session (code paths, the recording worker); per added session: the growth since the previous level / the sessions added (the slope). No goal is set for these curves in issue 13; the echo goal of bench:ssh (added p99 ≤ 2 ms) is for one session on a quiet machine.`,
    '',
    '| sessions | Vigil echo p50 ms | Vigil echo p99 ms | direct p50 ms | direct p99 ms | added p99 ms | unanswered keys | gateway CPU | CPU per session | gateway RSS | RSS per session | RSS per added session | output to users |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...vigil.map((v, i) => row(v, direct[i])),
    '',
    `What flatters or hurts: the load generator's own event loop (up to ${LEVELS[LEVELS.length - 1]} ssh2 clients decrypting) is in every echo sample, on both routes; the target is one light process instead of ${LEVELS[LEVELS.length - 1]} sshd + shells; loopback; all users log in with one key from one IP. The levels the machine could not reach are shown with their open count.`,
  ];
}

function viewerSection(r: ViewerResult): string[] {
  return [
    '',
    '### Idle `/live` viewers',
    '',
    `${r.viewers} socket.io viewers (websocket transport, as the console) connect and attach in view mode to one idle SSH session (one viewer attached first, so the session's own viewer structures are not counted), in two halves; the gateway's settled RSS before, 3 s after the first half and 3 s after the second. "Per viewer" is the whole growth over all of them, which includes the one-time growth the first attaches bring (V8's young generation grows under the attach flood, code is compiled for the attach path); "per added viewer" is the second half's growth over its viewers, the slope: what one more viewer costs. Goal ≤ 30 KB per viewer; the verdict takes the larger of the two.`,
    '',
    '| viewers attached | RSS before | RSS at half | RSS after | per viewer | per added viewer (second half) | verdict |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${r.attached} of ${r.viewers} | ${mib(r.rssBefore)} | ${mib(r.rssHalf)} | ${mib(r.rssAfter)} | ${kib(r.perViewer)} | ${kib(r.perAddedViewer)} | ${verdict(Math.max(r.perViewer, r.perAddedViewer) <= 30 * 1024 && r.attached === r.viewers, `${kib(Math.max(r.perViewer, r.perAddedViewer))} vs 30 KiB`)} |`,
    '',
    'RSS is what the OS charges: V8 keeps freed heap, so a delta can only overstate a steady cost, never hide one (a GC between the readings can make it smaller than the objects made).',
  ];
}

function mirrorSection(r: MirrorResult): string[] {
  return [
    '',
    '### Live mirrored sessions',
    '',
    `${r.sessions} SSH sessions through the jump, each printing ${round(r.floodBytes / 1e6, 1)} MB of text lines at once (screen and scrollback full, every byte mirrored and recorded), then one viewer attached to each, after one warm-up session with its viewer (so the code paths and workers all sessions share are not counted); the gateway's settled RSS growth divided by the sessions (SSH connections both ways, registry, recording writer, mirror, one viewer). Goal ≤ 8 MB per session.`,
    '',
    '| sessions | RSS before | RSS after | per session | verdict |',
    '| ---: | ---: | ---: | ---: | --- |',
    `| ${r.sessions} | ${mib(r.rssBefore)} | ${mib(r.rssAfter)} | ${mib(r.perSession)} | ${verdict(r.perSession <= 8 * 2 ** 20, `${mib(r.perSession)} vs 8 MiB`)} |`,
  ];
}

/** How many open sessions have `status` (admin view, every page). */
async function countStatus(gateway: CapacityGateway, status: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const res = await gateway.api.request('GET', `/api/sessions?limit=1000${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, gateway.adminToken);
    count += ((res.body?.items ?? []) as { status: string }[]).filter((s) => s.status === status).length;
    nextToken = res.body?.nextToken;
  } while (nextToken);
  return count;
}

async function registrySection(dir: string): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(dir, 'registry-'));
  // First boot makes the schema; the access log is seeded while the gateway is stopped.
  await (await startCapacityGateway({ dir, dataDir })).stop();
  const now = Date.now();
  log(`[capacity] seeding up to ${ACCESS_ROWS.toLocaleString('en-US')} access-log rows (budget ${SEED_SECONDS} s)...`);
  const seed = bulkSeedSqlite(path.join(dataDir, 'vigil.sqlite'), ACCESS_ROWS, now, SEED_SECONDS, (rows, rate) => log(`[capacity] seeded ${rows.toLocaleString('en-US')} rows (${Math.round(rate).toLocaleString('en-US')} rows/s)`));
  const gateway = await startCapacityGateway({
    dir,
    dataDir,
    // Silent sessions go Disconnected after 3 s (so a heartbeat revives them: a `session.updated`), and stay open for days.
    env: { VIGIL_HEARTBEAT_TIMEOUT_MS: '3000', VIGIL_SWEEP_INTERVAL_MS: '1000', VIGIL_DISCONNECT_GRACE_MS: String(7 * 24 * 3600_000) },
  });
  try {
    const opened = await openRegistrySessions(gateway, OPEN_SESSIONS, 20, OWNERS);
    log(`[capacity] opened ${opened.opened} sessions in ${round(opened.seconds)} s`);
    const pageOwner = await ownerToken(gateway, PAGE_OWNER);
    await waitAllDisconnected(gateway, pageOwner, 300_000);
    const disconnected = await countStatus(gateway, 'Disconnected');
    const adminPage = await measureList(gateway, gateway.adminToken, 50, false);
    const adminAll = await measureList(gateway, gateway.adminToken, 20, true);
    const ownerAll = await measureList(gateway, pageOwner, 50, true);
    log(`[capacity] list: admin page p95 ${ms(adminPage.p95)} ms, admin all p95 ${ms(adminAll.p95)} ms, owner p95 ${ms(ownerAll.p95)} ms`);
    const fan = await measureFanOut(gateway, opened, pageOwner, PAGES, UPDATES);
    log(`[capacity] fan-out to ${PAGES} pages: p95 ${ms(fan.p95)} ms, last page p95 ${ms(fan.lastPage.p95)} ms, missed ${fan.missed}`);
    const scoped = await ownerToken(gateway, SCOPED_OWNER);
    const searches = [
      await measureQueryLatency(gateway.gateway.url, scoped, now, `owner-scoped (${SCOPED_OWNER}'s own token) + 7-day window`, 7, 200, false),
      await measureQueryLatency(gateway.gateway.url, scoped, now, `owner-scoped (${SCOPED_OWNER}'s own token) + 90-day window`, 90, 200, false),
      await measureQueryLatency(gateway.gateway.url, gateway.adminToken, now, 'admin token, all owners + 1-day window', 1, 200, false),
    ];
    for (const s of searches) log(`[capacity] access log ${s.label}: p95 ${ms(s.p95)} ms`);
    const pct = (p: { p50: number; p95: number; max: number }) => `${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.max)}`;
    return [
      '',
      `### Sessions page API with ${opened.opened.toLocaleString('en-US')} open sessions`,
      '',
      `${opened.opened.toLocaleString('en-US')} agent-reported sessions opened over HTTP by 20 agents (${round(opened.opened / opened.seconds)} opens/s), ${OWNERS} owners (${PAGE_OWNER} owns ${opened.pageOwnerIds.length}), on the same SQLite database as the ${seed.rows.toLocaleString('en-US')}-row access log below. The list is \`GET /api/sessions?limit=1000\`, as the console asks, following \`nextToken\` for "every page" (what the sessions page loads); 3 warm-up calls. The gateway runs with a 3 s heartbeat timeout (sweep every second), so silent sessions go Disconnected and a heartbeat revives one: the registry publishes that as \`session.updated\`; ${disconnected.toLocaleString('en-US')} of the ${opened.opened.toLocaleString('en-US')} were Disconnected when the lists were measured (the sweeper takes the 500 longest-silent sessions per pass, so it reaches ${PAGE_OWNER}'s, opened first, and may never reach the rest while those stay in their grace period). Fan-out: ${PAGES} open sessions pages (socket.io \`/sessions\`: half an admin's, half ${PAGE_OWNER}'s own, the owner-scoped room), ${fan.updates} revivals of ${PAGE_OWNER}'s sessions one after another, timed from the heartbeat request to each page's receipt. No goal is set for these in issue 13.`,
      '',
      '| call | rows | p50 ms | p95 ms | max ms | calls |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      `| admin, one page | ${adminPage.rows} | ${pct(adminPage)} | ${adminPage.samples} |`,
      `| admin, every page | ${adminAll.rows} | ${pct(adminAll)} | ${adminAll.samples} |`,
      `| ${PAGE_OWNER}'s own token (owner-scoped), every page | ${ownerAll.rows} | ${pct(ownerAll)} | ${ownerAll.samples} |`,
      `| \`session.updated\` → each of ${PAGES} pages | — | ${pct(fan)} | ${fan.samples} deliveries |`,
      `| \`session.updated\` → the last of ${PAGES} pages | — | ${pct(fan.lastPage)} | ${fan.lastPage.samples} updates (${fan.missed} not everywhere within 10 s) |`,
      '',
      '### Access-log search at scale',
      '',
      `Seeded by SQLite itself (one \`INSERT … SELECT\` over a recursive counter per 500,000 rows, synchronous off while seeding, the gateway stopped, the access log's ${seed.indexes} secondary indexes dropped first and built again from their own definitions after; same rows as bench:registry: 200 owners, 5,000 users, one year): **${seed.rows.toLocaleString('en-US')} rows** of the ${ACCESS_ROWS.toLocaleString('en-US')} planned in ${round(seed.seconds)} s (${Math.round(seed.rowsPerSecond).toLocaleString('en-US')} rows/s overall; the index builds and ANALYZE took ${round(seed.indexSeconds)} s of it)${seed.stopped ? ` — **the ${SEED_SECONDS} s seeding budget ran out**: the figures are for ${seed.rows.toLocaleString('en-US')} rows, nothing is extrapolated` : ''}. Then 200 sequential searches each over HTTP, limit 100, 20 warm-up; the gateway has the ${opened.opened.toLocaleString('en-US')} open sessions above. Goal p95 ≤ 50 ms for owner + time range (bench:registry's goal, here at ${round(seed.rows / 1e6, 1)} M rows).`,
      '',
      '| query | p50 ms | p95 ms | rows returned (mean) | verdict |',
      '| --- | ---: | ---: | ---: | --- |',
      ...searches.map(
        (s, i) =>
          `| ${s.label} | ${ms(s.p50)} | ${ms(s.p95)} | ${round(s.meanRows)} | ${i >= 2 ? '—' : seed.stopped ? `not judged: ${seed.rows.toLocaleString('en-US')} rows, not ${ACCESS_ROWS.toLocaleString('en-US')}` : verdict(s.p95 <= 50, `p95 ${ms(s.p95)} ms`)} |`,
      ),
    ];
  } finally {
    await gateway.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
