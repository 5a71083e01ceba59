/**
 * bench/agents: what agents cost the gateway (its own process, SQLite), through the SDK's two
 * transports.
 * - heartbeats: one agent with 1,000 open sessions heartbeats them all, once a second for
 *   BENCH_ROUNDS rounds: batched over socket.io /agents (SocketTransport: one event of 1,000 ids)
 *   vs the HTTP API (one request per session, 8 in flight, as HttpTransport does). Per round: the
 *   gateway's CPU time (from /proc, the idle baseline subtracted), the round trip; per phase: the
 *   gateway's event-loop delay (its /metrics) and RSS.
 * - throughput: 50 agents, each opening then ending sessions back to back for BENCH_SECONDS,
 *   over SocketTransport vs HttpTransport.
 * Run: `npm run bench:agents` (env BENCH_SESSIONS, BENCH_ROUNDS, BENCH_SECONDS, BENCH_AGENTS).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgentTransport, HttpTransport, OpenRequest, SocketTransport } from '@vigil/agent-sdk';
import { GatewayProcess } from '../../test/support/gateway-process';
import { writeBenchmarkSection } from '../support/benchmarks-file';
import { JsonClient } from '../support/json-client';
import { percentile, round } from '../support/stats';
import { cpuMs, eventLoopDelay, rssMiB } from './gateway-usage';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const HTTP_CONCURRENCY = 8;
const ROUND_EVERY_MS = 1000;
const IDLE_MS = 10_000;
const PASSWORD = 'bench-admin-password';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[bench:agents] ${line}`);

interface HeartbeatPhase {
  mode: string;
  rounds: number;
  roundMs: { p50: number; p99: number };
  /** per request (HTTP) or per event (socket: the round itself) */
  callMs: { p50: number; p99: number };
  cpuMsPerRound: number;
  eventLoop: { p99Ms: number; maxMs: number };
  rssMiB: number;
  errors: number;
}

const request = (i: number, prefix: string): OpenRequest => ({
  externalId: `${prefix}-${i}`,
  type: 'PAM_SSH',
  user: `user${i % 100}`,
  device: `10.0.${(i >> 8) & 255}.${i & 255}`,
  client: 'srv-bench',
  owner: 'admin',
});

/** 1-minute load averages seen during the run: wall-clock figures mean little on a busy machine, CPU time stays comparable. */
const loads: number[] = [];

async function main(): Promise<void> {
  loads.push(os.loadavg()[0]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-agents-'));
  // heartbeats come once a second here: sessions must not time out between the phases
  const gateway = await GatewayProcess.start({ VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', VIGIL_HEARTBEAT_TIMEOUT_MS: '3600000' });
  const pid = gateway.child.pid!;
  const client = new JsonClient(gateway.url, 16);
  try {
    const admin = (await client.request('POST', '/api/auth/login', '', { username: 'admin', password: PASSWORD })).body.accessToken as string;
    const newAgent = async (name: string) => (await client.request('POST', '/api/agents', admin, { name, kind: 'agent' })).body.token as string;
    const token = await newAgent('bench-heartbeats');

    log(`opening ${SESSIONS} sessions (setup, not measured)`);
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i += 16) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(16, SESSIONS - i) }, (_, k) => client.request('POST', '/api/agent/sessions', token, request(i + k, 'hb'))),
      );
      for (const res of batch) {
        if (res.status !== 201) throw new Error(`open answered ${res.status}`);
        ids.push(res.body.id);
      }
    }

    const idleCpuPerMs = await idleCpu(pid);
    log(`idle gateway with ${SESSIONS} open sessions: ${round(idleCpuPerMs * 1000, 1)} ms CPU per s`);

    const socket = new SocketTransport({ url: gateway.url, token, timeoutMs: 60_000 });
    const socketPhase = await heartbeatPhase('socket.io /agents, 1 event of 1,000 ids', gateway.url, pid, idleCpuPerMs, async () => {
      const started = performance.now();
      await socket.heartbeat(ids);
      const ms = performance.now() - started;
      return [ms];
    });
    report(socketPhase);

    const httpClient = new JsonClient(gateway.url, HTTP_CONCURRENCY);
    const httpPhase = await heartbeatPhase(`HTTP, 1,000 requests (${HTTP_CONCURRENCY} in flight)`, gateway.url, pid, idleCpuPerMs, async () => {
      const calls: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++];
          const started = performance.now();
          const res = await httpClient.request('POST', `/api/agent/sessions/${id}/heartbeat`, token);
          if (res.status !== 204) throw new Error(`heartbeat answered ${res.status}`);
          calls.push(performance.now() - started);
        }
      };
      await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
      return calls;
    });
    report(httpPhase);
    httpClient.close();
    await socket.close();

    log(`throughput: ${AGENTS} agents opening + ending for ${SECONDS} s per transport`);
    const tokens = await Promise.all(Array.from({ length: AGENTS }, (_, i) => newAgent(`bench-cycles-${i}`)));
    const socketCycles = await cycles('socket', tokens, (t) => new SocketTransport({ url: gateway.url, token: t, timeoutMs: 60_000 }), pid);
    log(`socket: ${round(socketCycles.perSecond)} open+end cycles/s (${socketCycles.errors} errors), gateway CPU ${round(socketCycles.cpuMsPerCycle, 2)} ms per cycle`);
    const httpCycles = await cycles('http', tokens, (t) => new HttpTransport({ url: gateway.url, token: t, timeoutMs: 60_000, concurrency: 1 }), pid);
    log(`http: ${round(httpCycles.perSecond)} open+end cycles/s (${httpCycles.errors} errors), gateway CPU ${round(httpCycles.cpuMsPerCycle, 2)} ms per cycle`);

    loads.push(os.loadavg()[0]);
    const file = writeBenchmarkSection('agents', markdown(idleCpuPerMs, [socketPhase, httpPhase], { socket: socketCycles, http: httpCycles }));
    log(`wrote ${file}`);
  } finally {
    client.close();
    await gateway.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The gateway's CPU per ms while nothing talks to it (timers, the timeout sweep, metrics). */
async function idleCpu(pid: number): Promise<number> {
  await sleep(2000);
  const before = cpuMs(pid);
  const started = performance.now();
  await sleep(IDLE_MS);
  return (cpuMs(pid) - before) / (performance.now() - started);
}

async function heartbeatPhase(mode: string, url: string, pid: number, idleCpuPerMs: number, round1: () => Promise<number[]>): Promise<HeartbeatPhase> {
  // warm-up: JIT, connections, statement caches
  for (let i = 0; i < 3; i++) {
    await round1();
    await sleep(ROUND_EVERY_MS);
  }
  await eventLoopDelay(url); // resets the gateway's delay histogram
  const rounds: number[] = [];
  const calls: number[] = [];
  let errors = 0;
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const due = started + i * ROUND_EVERY_MS;
    await sleep(Math.max(0, due - performance.now()));
    const t0 = performance.now();
    try {
      calls.push(...(await round1()));
      rounds.push(performance.now() - t0);
    } catch (error) {
      errors++;
      log(`${mode}: round ${i} failed: ${(error as Error).message}`);
    }
  }
  const elapsed = performance.now() - started;
  const cpu = cpuMs(pid) - cpuBefore - idleCpuPerMs * elapsed;
  const eventLoop = await eventLoopDelay(url);
  return {
    mode,
    rounds: rounds.length,
    roundMs: { p50: round(percentile(rounds, 50)), p99: round(percentile(rounds, 99)) },
    callMs: { p50: round(percentile(calls, 50), 2), p99: round(percentile(calls, 99), 2) },
    cpuMsPerRound: round(cpu / Math.max(1, rounds.length)),
    eventLoop: { p99Ms: round(eventLoop.p99Ms), maxMs: round(eventLoop.maxMs) },
    rssMiB: round(rssMiB(pid)),
    errors,
  };
}

function report(p: HeartbeatPhase): void {
  log(
    `${p.mode}: round p50 ${p.roundMs.p50} ms p99 ${p.roundMs.p99} ms; call p50 ${p.callMs.p50} ms p99 ${p.callMs.p99} ms; ` +
      `gateway CPU ${p.cpuMsPerRound} ms/round; event-loop delay p99 ${p.eventLoop.p99Ms} ms max ${p.eventLoop.maxMs} ms; RSS ${p.rssMiB} MiB; ${p.errors} errors`,
  );
}

interface Cycles {
  perSecond: number;
  errors: number;
  cpuMsPerCycle: number;
}

async function cycles(label: string, tokens: string[], make: (token: string) => AgentTransport, pid: number): Promise<Cycles> {
  const transports = tokens.map(make);
  let done = 0;
  let errors = 0;
  let n = 0;
  // warm-up: connect every agent
  await Promise.all(transports.map(async (t, a) => t.end((await t.open(request(n++, `${label}-warm-${a}`))).id, { reason: 'ended' })));
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    transports.map(async (t, a) => {
      while (performance.now() < deadline) {
        try {
          const session = await t.open(request(n++, `${label}-${a}`));
          await t.end(session.id, { reason: 'ended' });
          done++;
        } catch (error) {
          errors++;
          if (errors <= 3) log(`${label}: ${(error as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs(pid) - cpuBefore;
  await Promise.all(transports.map((t) => t.close()));
  return { perSecond: done / seconds, errors, cpuMsPerCycle: cpu / Math.max(1, done) };
}

function markdown(idleCpuPerMs: number, phases: HeartbeatPhase[], c: { socket: Cycles; http: Cycles }): string {
  const [socket, http] = phases;
  const perInterval = (p: HeartbeatPhase) => round((p.cpuMsPerRound / 30_000) * 100, 2);
  return `## Agents: heartbeats and the /agents channel (\`npm run bench:agents\`)

One agent with ${SESSIONS.toLocaleString('en')} open sessions heartbeats all of them once a second for ${ROUNDS} rounds (after 3 warm-up rounds), through the SDK's transports, against the compiled gateway in its own process (SQLite). Gateway CPU is its user + system time from \`/proc\` during the phase minus its idle rate (${round(idleCpuPerMs * 1000, 1)} ms CPU per second with the sessions open and nobody talking), divided by the rounds; event-loop delay is the gateway's own (\`/metrics\`, reset at the phase's start); RSS at the phase's end.

| transport | round p50 ms | round p99 ms | per call p50 / p99 ms | gateway CPU ms per round | CPU at the SDK's 30 s interval | event-loop delay p99 / max ms | RSS MiB | errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${socket.mode} | ${socket.roundMs.p50} | ${socket.roundMs.p99} | ${socket.callMs.p50} / ${socket.callMs.p99} | ${socket.cpuMsPerRound} | ${perInterval(socket)} % of a core | ${socket.eventLoop.p99Ms} / ${socket.eventLoop.maxMs} | ${socket.rssMiB} | ${socket.errors} |
| ${http.mode} | ${http.roundMs.p50} | ${http.roundMs.p99} | ${http.callMs.p50} / ${http.callMs.p99} | ${http.cpuMsPerRound} | ${perInterval(http)} % of a core | ${http.eventLoop.p99Ms} / ${http.eventLoop.maxMs} | ${http.rssMiB} | ${http.errors} |

A batch saves the HTTP cost per session (parsing, auth, routing, the response); it does not save the registry's work: the channel calls the same \`SessionsService.heartbeat\` per id as the HTTP route (one transaction each, same rules), one after the other, letting the event loop turn every 50 ids (SQLite's driver is synchronous: without that, a batch held the loop for its whole length, delay p99 62 ms / max 216 ms in an earlier run), so a batch's round trip is about the sum of ${SESSIONS.toLocaleString('en')} transactions.

Open + end cycles, ${AGENTS} agents each opening then ending sessions back to back for ${SECONDS} s (the SDK's transports directly, without its on-disk queue, whose fsync per item would be the figure otherwise):

| transport | cycles/s | errors | gateway CPU ms per cycle |
| --- | ---: | ---: | ---: |
| SocketTransport (/agents) | ${round(c.socket.perSecond)} | ${c.socket.errors} | ${round(c.socket.cpuMsPerCycle, 2)} |
| HttpTransport (keep-alive) | ${round(c.http.perSecond)} | ${c.http.errors} | ${round(c.http.cpuMsPerCycle, 2)} |

Settings that flatter these figures: loopback (no network latency, no TLS), a fresh SQLite database in the OS temp folder with only these sessions, warm JIT and connections, the load generator on the same machine (it competes for the same cores, which works the other way), one heartbeat round a second instead of every 30 s (the per-interval CPU figure is derived, not measured). The machine's 1-minute load average was ${loads.map((l) => round(l, 1)).join(' → ')} during this run on ${os.cpus().length} cores: round trips and cycles/s include waiting for the CPU behind other work; the CPU-time figures do not. PostgreSQL is not measured here (\`bench:registry\` compares engines).`;
}

main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
