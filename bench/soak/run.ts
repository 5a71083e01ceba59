/**
 * bench/soak: the gateway under steady, realistic load for a long time — 500 agents keeping 5,000
 * sessions open (heartbeats, ends and re-opens, replayed opens), 200 sessions pages on /sessions,
 * a few long SSH sessions through the embedded jump with /live viewers — sampling the gateway's
 * memory and the agents' request latency every ~30 s, then the memory growth trend.
 * Run: `npm run bench:soak` (flags: --minutes 10, --agents 500, --sessions 5000, --viewers 200,
 * --ssh 3, --live-viewers 4, --heartbeat-seconds 30, --churn-seconds 10, --sample-seconds 30,
 * --engine sqlite|postgres, --no-write to leave BENCHMARKS.md alone).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { round } from '../support/stats';
import { startAgents } from './agents';
import { metricValue } from './metrics-scrape';
import { setUpSoak } from './setup';
import { startSshSessions } from './ssh-sessions';
import { memoryTrend } from './trend';
import { openSessionsPages } from './viewers';

/**
 * Growth above this over the second half is "not bounded". 1 MB/min is 1.4 GB a day: a leak that
 * would matter in production, yet above the noise of a collected heap sampled every 30 s.
 */
const LIMIT_MB_PER_MIN = 1;
const OWNERS = 20;
const MEMORY_EVERY_MS = 2_000;
/** every n-th sessions page is an administrator's (sees every session's events) */
const ADMIN_PAGE_EVERY = 10;

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    agents: { type: 'string', default: '500' },
    sessions: { type: 'string', default: '5000' },
    viewers: { type: 'string', default: '200' },
    ssh: { type: 'string', default: '3' },
    'live-viewers': { type: 'string', default: '4' },
    'heartbeat-seconds': { type: 'string', default: '30' },
    'churn-seconds': { type: 'string', default: '10' },
    'sample-seconds': { type: 'string' },
    engine: { type: 'string', default: 'sqlite' },
    'no-write': { type: 'boolean', default: false },
  },
});
const num = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
};
const MINUTES = num('minutes');
const AGENTS = Math.max(1, Math.round(num('agents')));
const SESSIONS_PER_AGENT = Math.max(1, Math.round(num('sessions') / AGENTS));
const VIEWERS = Math.round(num('viewers'));
const SSH = Math.round(num('ssh'));
const LIVE_EACH = Math.round(num('live-viewers'));
const HEARTBEAT_S = num('heartbeat-seconds');
const CHURN_S = num('churn-seconds');
// ~30 s, but at least 8 samples in a short run (a trend needs points in its second half)
const SAMPLE_S = flags['sample-seconds'] ? num('sample-seconds') : Math.min(30, (MINUTES * 60) / 8);
const ENGINE = flags.engine === 'postgres' ? 'postgres' : 'sqlite';

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  minute: number;
  /** lowest RSS in the window (allocator and collector at their most compact) */
  rssMb: number;
  rssMaxMb: number;
  /** lowest heap used in the window (after collections: the live set) */
  heapMb: number;
  heapMaxMb: number;
  lagP99Ms: number;
  cpuPercent: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  openSessions: number;
  pageEventsPerSec: number;
  liveKbPerSec: number;
}

/** The gateway process's CPU time (user + system), in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg().map((x) => round(x, 2)).join(' / ');
  log(`soak: ${MINUTES} min, ${AGENTS} agents × ${SESSIONS_PER_AGENT} sessions, ${VIEWERS} sessions pages, ${SSH} SSH sessions × ${LIVE_EACH} /live viewers, ${ENGINE}, sample every ${round(SAMPLE_S)} s`);
  const env = await setUpSoak({ engine: ENGINE, agents: AGENTS, owners: OWNERS });
  const pid = env.gateway.child.pid!;
  const samples: Sample[] = [];
  let agents: ReturnType<typeof startAgents> | undefined;
  let pages: Awaited<ReturnType<typeof openSessionsPages>> | undefined;
  let live: Awaited<ReturnType<typeof startSshSessions>> | undefined;
  let rampSeconds = NaN;
  try {
    const pageTokens = Array.from({ length: VIEWERS }, (_, i) => (i % ADMIN_PAGE_EVERY === 0 ? env.adminToken : env.ownerTokens[i % OWNERS]));
    pages = await openSessionsPages(env.gateway.url, pageTokens);
    log(`${VIEWERS} sessions pages connected`);
    if (SSH > 0) {
      live = await startSshSessions({
        url: env.gateway.url,
        jumpPort: env.jumpPort,
        login: 'alice+box',
        privateKey: fs.readFileSync(env.aliceKey.privatePath),
        viewerToken: env.adminToken,
        count: SSH,
        viewersEach: LIVE_EACH,
        sessionIds: async () => ((await env.api.request('GET', '/api/sessions?type=PAM_SSH', env.adminToken)).body.items as { id: string }[]).map((s) => s.id),
      });
      log(`${SSH} SSH sessions with ${live.viewers} /live viewers`);
    }

    const started = Date.now();
    agents = startAgents({
      url: env.gateway.url,
      tokens: env.agentTokens,
      sessionsPerAgent: SESSIONS_PER_AGENT,
      heartbeatMs: HEARTBEAT_S * 1000,
      churnMs: CHURN_S * 1000,
      replayEvery: 10,
      owners: OWNERS,
    });
    void agents.ramped.then(() => {
      rampSeconds = (Date.now() - started) / 1000;
      log(`all ${AGENTS * SESSIONS_PER_AGENT} sessions opened after ${round(rampSeconds)} s`);
    });

    let lastCpu = cpuSeconds(pid);
    let lastAt = Date.now();
    pages.takeEvents();
    live?.takeBytes();
    log('');
    log('min   | RSS MB min–max | heap MB min–max | loop p99 ms | CPU % | req/s | p50 ms | p99 ms | max ms | errors | open | page ev/s | live KB/s');
    const scrape = async () => {
      const text = await (await fetch(`${env.gateway.url}/metrics`)).text();
      return {
        text,
        rssMb: metricValue(text, 'vigil_process_resident_memory_bytes') / 2 ** 20,
        heapMb: metricValue(text, 'vigil_nodejs_heap_size_used_bytes') / 2 ** 20,
        // prom-client resets the event-loop histogram at each scrape: this is the p99 since the last reading
        lagP99Ms: metricValue(text, 'vigil_nodejs_eventloop_lag_p99_seconds') * 1000,
      };
    };
    for (let n = 1; Date.now() - started < MINUTES * 60_000; n++) {
      // Memory every 2 s within the window: the heap's lowest point is what survived collection
      // (the live set); a single reading would land anywhere on the collector's sawtooth.
      const readings: { rssMb: number; heapMb: number; lagP99Ms: number }[] = [];
      for (let end = started + n * SAMPLE_S * 1000; Date.now() < end; ) {
        await sleep(Math.min(MEMORY_EVERY_MS, Math.max(0, end - Date.now())));
        if (Date.now() < end) readings.push(await scrape());
      }
      const { text, ...last } = await scrape();
      readings.push(last);
      const now = Date.now();
      const seconds = (now - lastAt) / 1000;
      const cpu = cpuSeconds(pid);
      const window = agents.latency.take();
      const sample: Sample = {
        minute: (now - started) / 60_000,
        rssMb: Math.min(...readings.map((r) => r.rssMb)),
        rssMaxMb: Math.max(...readings.map((r) => r.rssMb)),
        heapMb: Math.min(...readings.map((r) => r.heapMb)),
        heapMaxMb: Math.max(...readings.map((r) => r.heapMb)),
        lagP99Ms: Math.max(...readings.map((r) => r.lagP99Ms)),
        cpuPercent: ((cpu - lastCpu) / seconds) * 100,
        reqPerSec: window.requests / seconds,
        p50: window.p50,
        p99: window.p99,
        max: window.max,
        errors: window.errors,
        openSessions: metricValue(text, 'vigil_open_sessions'),
        pageEventsPerSec: pages.takeEvents() / seconds,
        liveKbPerSec: (live?.takeBytes() ?? 0) / 1000 / seconds,
      };
      lastCpu = cpu;
      lastAt = now;
      samples.push(sample);
      log(row(sample).join(' | '));
    }
  } finally {
    await agents?.stop();
    pages?.close();
    await live?.close();
    await env.close();
  }

  const rss = memoryTrend(samples.map((s) => ({ minute: s.minute, mb: s.rssMb })), LIMIT_MB_PER_MIN);
  const heap = memoryTrend(samples.map((s) => ({ minute: s.minute, mb: s.heapMb })), LIMIT_MB_PER_MIN);
  const bounded = rss.bounded && heap.bounded;
  const totalErrors = samples.reduce((a, s) => a + s.errors, 0);
  const totalRequests = samples.reduce((a, s) => a + s.reqPerSec * SAMPLE_S, 0);
  const verdict = (t: typeof rss) => `${signed(t.slopeMbPerMin)} MB/min (second half), ${signed(t.halfToHalfMb)} MB second half vs first`;
  log('');
  log(`RSS (window minimum): ${verdict(rss)}; heap used (window minimum): ${verdict(heap)} → ${bounded ? 'bounded' : 'NOT bounded'} (limit ${LIMIT_MB_PER_MIN} MB/min)`);
  log(`agents: ${agents!.opened} opens, ${agents!.ended} ends, ${agents!.replays} replayed opens, ${totalErrors} errors${agents!.unexpected.length ? `: ${agents!.unexpected.slice(0, 5).join('; ')}` : ''}`);
  log(`sessions pages lost: ${pages!.lost}; /live viewers lost: ${live?.lost ?? 0}`);

  const lines = [
    '## Soak: memory and latency over time (`npm run bench:soak`)',
    '',
    `${round(MINUTES)} minutes against the compiled gateway as its own process (${ENGINE === 'sqlite' ? 'embedded SQLite, WAL, `synchronous=NORMAL`' : 'PostgreSQL 15 with `fsync=off`'}, embedded SSH jump, \`LOG_LEVEL=warn\`), load generators in the bench process on the same machine: ` +
      `**${AGENTS} agents** keeping **${(AGENTS * SESSIONS_PER_AGENT).toLocaleString('en-US')} sessions** open — each session heartbeats every ${HEARTBEAT_S} s, every agent ends its oldest session and opens a new one every ${CHURN_S} s, and every 10th end is followed by a replay of the ended session's open (must answer 200 with the same session); ` +
      `**${VIEWERS} sessions pages** (socket.io \`/sessions\`: ${Math.ceil(VIEWERS / ADMIN_PAGE_EVERY)} administrators seeing every event, the rest spread over ${OWNERS} owners); ` +
      `**${SSH} SSH sessions** through the jump (ssh2 clients, a line every 200 ms, recorded) with **${LIVE_EACH} \`/live\` viewers each**. ` +
      `Memory is the gateway's own (\`/metrics\`: \`process_resident_memory_bytes\`, \`nodejs_heap_size_used_bytes\`), read every 2 s and reported per ${round(SAMPLE_S)} s window (lowest and highest reading; the trend uses the lowest, what survived collection, so the collector's sawtooth does not pass for growth); latency is every agent request (open, heartbeat, end, replay) in the window, measured by the agents.`,
    '',
    '| min | RSS MB (min–max) | heap used MB (min–max) | event loop p99 ms (worst 2 s) | gateway CPU % | agent req/s | p50 ms | p99 ms | max ms | errors | open sessions | page events/s | live KB/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...samples.map((s) => `| ${row(s).join(' | ')} |`),
    '',
    `**Trend** (least-squares slope over the second half of the run, well after the ${Number.isFinite(rampSeconds) ? `${round(rampSeconds)} s ` : ''}ramp to ${(AGENTS * SESSIONS_PER_AGENT).toLocaleString('en-US')} sessions): RSS (window minimum) ${verdict(rss)}; heap used (window minimum, the live set) ${verdict(heap)}. ` +
      `**${bounded ? 'Bounded' : 'Not bounded'}** against a limit of ${LIMIT_MB_PER_MIN} MB/min (1.4 GB/day). ${Math.round(totalRequests).toLocaleString('en-US')} agent requests, ${totalErrors} errors${errorNote(agents!.unexpected)}; ${agents!.opened.toLocaleString('en-US')} opens, ${agents!.ended.toLocaleString('en-US')} ends, ${agents!.replays.toLocaleString('en-US')} replayed opens; sessions pages disconnected: ${pages!.lost}, \`/live\` viewers disconnected: ${live?.lost ?? 0}. Load average at start: ${loadAtStart}.`,
    '',
    'What flatters these figures: everything is on loopback, on one machine, without TLS; the agents share one keep-alive connection pool (at most one connection per agent, reused: no handshake per request); ' +
      `the load is steady and well below the registry's capacity (${round(AGENTS * SESSIONS_PER_AGENT / HEARTBEAT_S + (2.1 * AGENTS) / CHURN_S)} agent requests/s planned, where \`bench:registry\` measures 550–900 open+end cycles/s, 1,100–1,800 requests/s); ` +
      `${ENGINE === 'sqlite' ? 'SQLite commits with `synchronous=NORMAL` (no fsync per commit)' : 'PostgreSQL runs with `fsync=off`, `synchronous_commit=off`'}; the sessions pages and viewers are socket.io clients that read at once (no slow consumer); ` +
      `${round(MINUTES)} minutes can only show a leak faster than about ${LIMIT_MB_PER_MIN} MB/min — a slower one needs a longer run (\`--minutes\`). The database grows (every end adds an access-log row and two audit records): that is storage, not the process's memory.`,
  ];
  if (!flags['no-write']) log(`\nwritten to ${writeBenchmarkSection('soak', lines.join('\n'))}`);
}

function row(s: Sample): string[] {
  return [
    round(s.minute, 1),
    `${round(s.rssMb)}–${round(s.rssMaxMb)}`,
    `${round(s.heapMb)}–${round(s.heapMaxMb)}`,
    round(s.lagP99Ms, 1),
    round(s.cpuPercent),
    round(s.reqPerSec),
    round(s.p50, 2),
    round(s.p99, 2),
    round(s.max, 1),
    s.errors,
    s.openSessions,
    round(s.pageEventsPerSec),
    round(s.liveKbPerSec, 1),
  ].map(String);
}

/** What the errors were, and what a connection reset means here. */
function errorNote(unexpected: string[]): string {
  if (unexpected.length === 0) return '';
  const reset = unexpected.some((u) => u.includes('ECONNRESET'))
    ? '; `ECONNRESET`: a keep-alive connection the gateway closed after its 5 s idle timeout just as the agent reused it (Node\'s keep-alive race; an agent retries it)'
    : '';
  return ` (${unexpected.slice(0, 3).map((u) => `\`${u}\``).join(', ')}${reset})`;
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${round(x, 2)}` : 'n/a');

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
