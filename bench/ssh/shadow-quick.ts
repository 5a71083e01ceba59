/**
 * A short shadow-delay run for one case, printed, nothing written to BENCHMARKS.md (for comparing
 * a change against the floor in the same run while the machine is shared; `npm run bench:ssh` is
 * the full, recorded run).
 * Run: `npm run bench:build --silent && BENCH_SHADOW_VIEWERS=1000 BENCH_SHADOW_RATE=100000
 * BENCH_SHADOW_SECONDS=4 BENCH_SHADOW_REPEATS=1 node scripts/run-dist.js bench/ssh/shadow-quick.js`
 * (BENCH_SHADOW_BYSTANDER_GAP_MS=20 adds another user's session typing through the jump meanwhile:
 * what a fan-out leaves of the gateway's event loop for everyone else)
 */
import * as os from 'node:os';
import { round } from '../support/stats';
import { setUp } from './setup';
import { DelayResult, measureSocketIoDelay, measureWsFloor, writeEmitter } from './shadow-delay';

const VIEWERS = Number(process.env.BENCH_SHADOW_VIEWERS ?? 1000);
const RATE = Number(process.env.BENCH_SHADOW_RATE ?? 100_000);
const SECONDS = Number(process.env.BENCH_SHADOW_SECONDS ?? 4);
const REPEATS = Number(process.env.BENCH_SHADOW_REPEATS ?? 1);
/** BENCH_SHADOW_FLOOR=0: Vigil only (e.g. to profile the gateway with VIGIL_GATEWAY_NODE_ARGS=--cpu-prof) */
const FLOOR = process.env.BENCH_SHADOW_FLOOR !== '0';
/** BENCH_SHADOW_STALL=n: n viewers stop reading 1 s into the window for BENCH_SHADOW_STALL_SECONDS (default 4) */
const STALL = Number(process.env.BENCH_SHADOW_STALL ?? 0);
const STALL_SECONDS = Number(process.env.BENCH_SHADOW_STALL_SECONDS ?? 4);
/** BENCH_SHADOW_BYSTANDER_GAP_MS=n: another user's session types a key every n ms through the jump during the window (its echo is printed) */
const BYSTANDER_GAP_MS = process.env.BENCH_SHADOW_BYSTANDER_GAP_MS ? Number(process.env.BENCH_SHADOW_BYSTANDER_GAP_MS) : undefined;
const ms = (x: number) => (Number.isFinite(x) ? String(round(x, 2)) : 'n/a');
const line = (r: DelayResult) =>
  `${r.kind.padEnd(20)} p50 ${ms(r.p50)} p99 ${ms(r.p99)} max ${ms(r.max)} ms, delivered ${round(r.delivered * 100)}%, samples ${r.samples}, resyncs ${r.resyncs}` +
  (r.gatewayCores !== undefined ? `, gateway ${round(r.gatewayCores, 2)} cores` : '') +
  (r.bystanderEcho ? `, bystander echo p50 ${ms(r.bystanderEcho.p50)} p99 ${ms(r.bystanderEcho.p99)} ms (${r.bystanderEcho.samples} keys, ${r.bystanderEcho.unanswered} unanswered in 1 s)` : '') +
  (r.skipped ? `, skipped viewers' catch-up p50 ${ms(r.skipped.p50)} p99 ${ms(r.skipped.p99)} max ${ms(r.skipped.max)} ms (${r.skipped.samples} resyncs to ${r.skipped.viewers} viewers)` : '');

async function main(): Promise<void> {
  const load = () => os.loadavg().map((x) => round(x, 2)).join(' / ');
  process.stdout.write(`load average at start ${load()}\n`);
  const env = await setUp();
  try {
    const emitter = writeEmitter(env.dir);
    for (let i = 0; i < REPEATS; i++) {
      const floor = FLOOR ? await measureWsFloor(env, emitter, VIEWERS, RATE, SECONDS) : null;
      if (floor) process.stdout.write(`#${i + 1} ${line(floor)}\n`);
      const stall = STALL > 0 ? { viewers: STALL, at: 1, for: STALL_SECONDS } : undefined;
      const vigil = await measureSocketIoDelay(env, emitter, VIEWERS, RATE, SECONDS, undefined, undefined, stall, BYSTANDER_GAP_MS);
      process.stdout.write(`#${i + 1} ${line(vigil)}${floor ? `  (${round(vigil.p99 / floor.p99, 2)}× floor p99)` : ''}\n`);
    }
  } catch (error) {
    process.stderr.write(`gateway output:\n${env.gateway.output().slice(-4000)}\n`);
    throw error;
  } finally {
    await env.close();
    process.stdout.write(`load average at end ${load()}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
