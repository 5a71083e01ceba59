import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { percentile } from '../support/stats';
import { inBatches } from './live-client';
import { LiveWireViewer } from '../../test/support/live-wire-viewer';
import { BystanderEcho, BystanderResult } from './bystander-echo';
import { BenchEnv, noRunningSessions, runningSessionId, sshArgs } from './setup';

/**
 * The target-side load: a Node script printing 100-byte lines `T<µs>|xxx…\n` at a steady rate,
 * a burst every 10 ms, each line stamped with CLOCK_MONOTONIC (process.hrtime) at write time.
 * Everything runs on this machine, so the bench reads the same clock when a viewer receives it.
 */
const EMITTER = `
const [rate, seconds] = process.argv.slice(2).map(Number);
const LINE = 100, TICK_MS = 10;
const filler = 'x'.repeat(LINE - 17);
const start = process.hrtime.bigint();
let sent = 0;
function tick() {
  const now = process.hrtime.bigint();
  const elapsed = Number(now - start) / 1e9;
  const due = Math.floor(rate * Math.min(elapsed, seconds));
  const stamp = 'T' + String(now / 1000n).padStart(14, '0') + '|' + filler + '\\n';
  let out = '';
  while (sent + LINE <= due) { out += stamp; sent += LINE; }
  if (out) process.stdout.write(out);
  if (elapsed >= seconds) return;
  setTimeout(tick, TICK_MS);
}
tick();
`;

/** socket.io event frames for `/live`'s `output` and `resync` events, as they arrive on the wire */
const OUTPUT_FRAME = Buffer.from('42/live,["output"');
const RESYNC_FRAME = Buffer.from('42/live,["resync"');
/** bytes per line the emitter writes */
const LINE_BYTES = 100;
const DATA_KEY = Buffer.from('"data":"');
/** `"}]` after the data string */
const OUTPUT_FRAME_TAIL = 3;
/** a stream line as the viewer's terminal gets it: `T…|xxx…\r\n` */
const TERMINAL_LINE_BYTES = 101;
/** the same line JSON-escaped in an output frame (`\r\n` becomes four bytes) */
const ESCAPED_LINE_BYTES = 103;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export interface DelayResult {
  kind: 'socket.io via Vigil' | 'raw ws floor';
  viewers: number;
  rate: number;
  /** viewers that connected and attached */
  attached: number;
  /** wall time to connect and attach them all (s) */
  attachSeconds: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** share of the stream's bytes that reached viewers (mean over viewers) */
  delivered: number;
  resyncs: number;
  /**
   * Viewers that fell behind and were skipped, caught up by a `resync` screen (Vigil only): for each
   * resync, arrival time − the stamp of the oldest line in that screen the viewer had not received
   * live (the oldest output it brings). Absent for the floor, which never skips.
   */
  skipped?: { viewers: number; samples: number; p50: number; p99: number; max: number };
  /** Vigil only: the gateway process's CPU (all threads) while the stream ran, in cores (CPU s per s) */
  gatewayCores?: number;
  /** Vigil only, when asked: another user's keystroke echo through the same jump during the window */
  bystanderEcho?: BystanderResult;
}

/** utime + stime of a process, in seconds (Linux /proc; NaN elsewhere). */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // after the command: field 3 is state, so utime and stime (fields 14 and 15) sit at 11 and 12
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** One delay sample per received message: its oldest (first) marker, so the worst line in it. */
class DelayCollector {
  readonly samples: number[] = [];
  /** one per resync inside the window: how late the oldest output it brings arrives (ms) */
  readonly resyncLags: number[] = [];
  /** viewers that got at least one resync inside the window */
  readonly resyncedViewers = new Set<number>();
  /** stream lines received, from byte counts: a line is 101 bytes on the terminal (the pty adds \r) */
  lines = 0;
  resyncs = 0;
  from = Infinity;
  until = Infinity;
  /** per viewer, the newest stamp it has received in an `output` frame */
  private readonly newest = new Map<number, number>();

  /**
   * A socket.io `output` frame to `viewer`: sampled as usual, and the viewer's newest stamp kept so a
   * later resync knows which of its lines the viewer missed.
   */
  onViewerOutput(viewer: number, frame: Buffer): void {
    this.onOutputFrame(frame);
    const newest = lastStamp(frame);
    if (newest !== null) this.newest.set(viewer, Math.max(newest, this.newest.get(viewer) ?? 0));
  }

  /**
   * A `resync` frame (a whole screen, with scrollback) to `viewer`: its lag is the age of the oldest
   * line in it newer than what the viewer already had, i.e. the output it missed while skipped.
   */
  onViewerResync(viewer: number, frame: Buffer): void {
    const arrived = nowUs();
    const had = this.newest.get(viewer) ?? 0;
    let oldestMissed: number | null = null;
    let newest = had;
    forEachStamp(frame, (stamp) => {
      if (stamp > had && oldestMissed === null) oldestMissed = stamp;
      if (stamp > newest) newest = stamp;
    });
    this.newest.set(viewer, newest);
    this.resyncs += 1;
    if (oldestMissed === null || oldestMissed < this.from || oldestMissed > this.until) return;
    this.resyncedViewers.add(viewer);
    this.resyncLags.push((arrived - oldestMissed) / 1000);
  }

  /** A raw `ws` frame of the floor: the terminal bytes themselves. */
  onRawFrame(data: Buffer): void {
    this.lines += data.length / TERMINAL_LINE_BYTES;
    this.sample(data);
  }

  /** A socket.io `output` frame: `42/live,["output",{"sessionId":"…","data":"<JSON-escaped text>"}]`. */
  onOutputFrame(frame: Buffer): void {
    const body = frame.indexOf(DATA_KEY) + DATA_KEY.length;
    this.lines += (frame.length - body - OUTPUT_FRAME_TAIL) / ESCAPED_LINE_BYTES;
    this.sample(frame);
  }

  /** Viewers skip decoding (see LiveWireViewer): find the first complete marker in the raw bytes. */
  private sample(data: Buffer): void {
    for (let at = data.indexOf(0x54); at !== -1 && at + 16 <= data.length; at = data.indexOf(0x54, at + 1)) {
      if (data[at + 15] !== 0x7c) continue;
      const sent = Number(data.toString('latin1', at + 1, at + 15));
      if (sent < this.from || sent > this.until) return;
      this.samples.push((nowUs() - sent) / 1000);
      return;
    }
  }
}

/** Each complete `T<14 digits>|` marker in `data`, in order. */
function forEachStamp(data: Buffer, visit: (stamp: number) => void): void {
  for (let at = data.indexOf(0x54); at !== -1 && at + 16 <= data.length; at = data.indexOf(0x54, at + 1)) {
    if (data[at + 15] !== 0x7c) continue;
    const stamp = Number(data.toString('latin1', at + 1, at + 15));
    if (Number.isFinite(stamp)) visit(stamp);
    at += 15;
  }
}

/** The last complete marker in `data` (a frame's newest line), or null. */
function lastStamp(data: Buffer): number | null {
  for (let at = data.lastIndexOf(0x7c); at >= 15; at = data.lastIndexOf(0x7c, at - 1)) {
    if (data[at - 15] !== 0x54) continue;
    const stamp = Number(data.toString('latin1', at - 14, at));
    if (Number.isFinite(stamp)) return stamp;
  }
  return null;
}

export function writeEmitter(dir: string): string {
  const file = path.join(dir, 'emitter.js');
  fs.writeFileSync(file, EMITTER);
  return file;
}

function summarize(
  kind: DelayResult['kind'],
  viewers: number,
  rate: number,
  attached: number,
  attachSeconds: number,
  collector: DelayCollector,
  totalBytes: number,
): DelayResult {
  const s = collector.samples;
  return {
    kind,
    viewers,
    rate,
    attached,
    attachSeconds,
    samples: s.length,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s.length ? s.reduce((a, b) => (b > a ? b : a), 0) : NaN,
    delivered: attached ? collector.lines / attached / (totalBytes / LINE_BYTES) : 0,
    resyncs: collector.resyncs,
    ...(kind === 'socket.io via Vigil'
      ? {
          skipped: {
            viewers: collector.resyncedViewers.size,
            samples: collector.resyncLags.length,
            p50: percentile(collector.resyncLags, 50),
            p99: percentile(collector.resyncLags, 99),
            max: collector.resyncLags.length ? collector.resyncLags.reduce((a, b) => (b > a ? b : a), 0) : NaN,
          },
        }
      : {}),
  };
}

/**
 * `viewers` socket.io clients attached in view mode to one Vigil session whose target prints
 * `rate` bytes/s for `warmup + seconds`; only lines written after the warm-up are counted.
 */
export async function measureSocketIoDelay(
  env: BenchEnv,
  emitter: string,
  viewers: number,
  rate: number,
  seconds: number,
  attachBudgetMs = 180_000,
  warmup = 2,
  /** optional: this many viewers stop reading `at` s into the measured window, for `for` s (exercises skip + resync) */
  stall?: { viewers: number; at: number; for: number },
  /** optional: another user's session typing through the same jump during the window (its echo is reported) */
  bystanderGapMs?: number,
): Promise<DelayResult> {
  const total = warmup + seconds;
  const devNull = fs.openSync('/dev/null', 'w');
  const child = spawn('ssh', [...sshArgs(env, 'vigil'), `echo READY >&2; read go; exec ${process.execPath} ${emitter} ${rate} ${total}`], {
    stdio: ['pipe', devNull, 'pipe'],
  });
  fs.closeSync(devNull);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('READY')) resolve();
    });
    void exited.then((code) => reject(new Error(`ssh exited with ${code} before READY: ${stderr}`)));
  });
  const sockets: LiveWireViewer[] = [];
  const collector = new DelayCollector();
  let bystander: BystanderEcho | undefined;
  try {
    await ready;
    const sessionId = await runningSessionId(env);
    const attachStarted = performance.now();
    const deadline = performance.now() + attachBudgetMs;
    await inBatches(Array.from({ length: viewers }), 50, async (_, index) => {
      // Past the budget, run with the viewers attached so far (reported as `attached`).
      if (performance.now() > deadline) return;
      const viewer = await LiveWireViewer.connect(env.gateway.url, env.adminToken, 120_000);
      sockets.push(viewer);
      viewer.onEventFrame((frame) => {
        if (frame.subarray(0, OUTPUT_FRAME.length).equals(OUTPUT_FRAME)) collector.onViewerOutput(index, frame);
        else if (frame.subarray(0, RESYNC_FRAME.length).equals(RESYNC_FRAME)) collector.onViewerResync(index, frame);
      });
      await viewer.attachView(sessionId, 300_000);
    });
    const attachSeconds = (performance.now() - attachStarted) / 1000;
    process.stdout.write(`  ${sockets.length} of ${viewers} socket.io (wire) viewers attached in ${attachSeconds.toFixed(1)} s\n`);
    bystander = bystanderGapMs !== undefined ? await BystanderEcho.open(env, bystanderGapMs) : undefined;
    await new Promise((r) => setTimeout(r, 500));
    const go = nowUs();
    collector.from = go + warmup * 1e6;
    collector.until = go + total * 1e6;
    const cpuAtGo = processCpuSeconds(env.gateway.child.pid);
    child.stdin!.write('go\n');
    if (bystander) setTimeout(() => bystander!.type(), warmup * 1000).unref();
    if (stall) {
      const stalled = sockets.slice(0, stall.viewers);
      setTimeout(() => stalled.forEach((v) => v.setReading(false)), (warmup + stall.at) * 1000).unref();
      setTimeout(() => stalled.forEach((v) => v.setReading(true)), (warmup + stall.at + stall.for) * 1000).unref();
    }
    const code = await exited;
    const gatewayCores = (processCpuSeconds(env.gateway.child.pid) - cpuAtGo) / ((nowUs() - go) / 1e6);
    const bystanderEcho = await bystander?.stop();
    bystander = undefined;
    if (code !== 0) throw new Error(`ssh exited with ${code}: ${stderr}`);
    // Let the last batches arrive.
    await new Promise((r) => setTimeout(r, 1000));
    return { ...summarize('socket.io via Vigil', viewers, rate, sockets.length, attachSeconds, collector, rate * total), gatewayCores, bystanderEcho };
  } finally {
    await bystander?.stop().catch(() => undefined);
    child.kill('SIGKILL');
    // The session ends first (everyone leaves its room at once); closing viewers of a running
    // session would make the gateway send every remaining viewer a new viewer list per leave.
    await noRunningSessions(env, 60_000).catch(() => undefined);
    sockets.forEach((s) => s.close());
  }
}

/** The same stream and the same number of clients over a bare `ws` broadcast (see ws-floor-worker). */
export async function measureWsFloor(env: BenchEnv, emitter: string, viewers: number, rate: number, seconds: number, warmup = 2): Promise<DelayResult> {
  const total = warmup + seconds;
  const worker = new Worker(path.join(__dirname, 'ws-floor-worker.js'), {
    workerData: { sshArgs: sshArgs(env, 'direct'), command: `echo READY >&2; read go; exec ${process.execPath} ${emitter} ${rate} ${total}` },
  });
  const messages: { type: string; port?: number; code?: number; stderr?: string }[] = [];
  let notify: (() => void) | undefined;
  worker.on('message', (m) => {
    messages.push(m);
    notify?.();
  });
  worker.on('error', (e) => process.stderr.write(`ws floor worker: ${e.stack}\n`));
  const next = async (type: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find((m) => m.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`ws floor: no ${type}`);
      await new Promise<void>((r) => {
        notify = r;
        setTimeout(r, 100);
      });
    }
  };
  const clients: WebSocket[] = [];
  const collector = new DelayCollector();
  try {
    const { port } = await next('port');
    await next('ready');
    const attachStarted = performance.now();
    await inBatches(Array.from({ length: viewers }), 50, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      clients.push(ws);
      ws.on('message', (data: Buffer) => collector.onRawFrame(data));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
    });
    const attachSeconds = (performance.now() - attachStarted) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const go = nowUs();
    collector.from = go + warmup * 1e6;
    collector.until = go + total * 1e6;
    worker.postMessage({ type: 'go' });
    const done = await next('done', (total + 60) * 1000);
    if (done.code !== 0) throw new Error(`ws floor ssh exited with ${done.code}: ${done.stderr}`);
    await new Promise((r) => setTimeout(r, 1000));
    return summarize('raw ws floor', viewers, rate, clients.length, attachSeconds, collector, rate * total);
  } finally {
    clients.forEach((ws) => ws.terminate());
    worker.postMessage({ type: 'stop' });
    await worker.terminate();
  }
}
