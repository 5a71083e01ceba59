import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { attachView, connectLive, inBatches } from '../ssh/live-client';
import { percentile } from '../support/stats';
import { CapacityGateway, LoadProcess } from './environment';
import { ProcSample, cpuCores, sampleProcess, settledRss } from './proc-stats';

const SETTLE_MS = Number(process.env.BENCH_CAPACITY_SETTLE_SECONDS ?? 5) * 1000;

export interface LevelResult {
  sessions: number;
  open: number;
  failed: number;
  firstError?: string;
  echoP50: number;
  echoP99: number;
  samples: number;
  unanswered: number;
  /** gateway CPU in cores over the window, and per session (in % of one core) */
  cpuCores: number;
  rss: number;
  /** (RSS at this level − RSS before the first session) / sessions */
  rssPerSession: number;
  /** (RSS at this level − RSS at the previous level) / sessions added: the slope, without one-time costs */
  rssPerAddedSession: number;
  /** output the users received per second (all sessions) */
  outputBytesPerSecond: number;
}

export interface Users {
  jumpPort: number;
  /** the login each user types: `alice+typist` through Vigil, `typist` direct */
  username: string;
  privateKeyPath: string;
}

/**
 * Opens users up to each level in turn (the earlier ones keep typing) and measures `seconds` at
 * each: echo percentiles from the load generator, and — when `gateway` is given — its CPU and RSS.
 */
export async function rampSessions(levels: number[], users: Users, seconds: number, gateway?: CapacityGateway, log: (line: string) => void = () => undefined): Promise<LevelResult[]> {
  const load = new LoadProcess();
  const results: LevelResult[] = [];
  try {
    const baseRss = gateway ? await settledRss(gateway.pid) : 0;
    let open = 0;
    let failed = 0;
    let previous = { rss: baseRss, open: 0 };
    let firstError: string | undefined;
    for (const level of levels) {
      const opened = await load.open(level - open - failed, users.jumpPort, users.username, users.privateKeyPath);
      open = opened.open;
      failed += opened.failed;
      firstError ??= opened.firstError;
      await new Promise((r) => setTimeout(r, SETTLE_MS)); // every user typing, the new sessions registered and recording
      const before: ProcSample | undefined = gateway ? sampleProcess(gateway.pid) : undefined;
      const measured = await load.measure(seconds);
      const after: ProcSample | undefined = gateway ? sampleProcess(gateway.pid) : undefined;
      const rss = gateway ? await settledRss(gateway.pid, 3, 300) : 0;
      const result: LevelResult = {
        sessions: level,
        open: measured.open,
        failed,
        ...(firstError ? { firstError } : {}),
        echoP50: percentile(measured.samples, 50),
        echoP99: percentile(measured.samples, 99),
        samples: measured.samples.length,
        unanswered: measured.unanswered,
        cpuCores: before && after ? cpuCores(before, after) : NaN,
        rss,
        rssPerSession: gateway ? (rss - baseRss) / Math.max(1, measured.open) : NaN,
        rssPerAddedSession: gateway ? (rss - previous.rss) / Math.max(1, measured.open - previous.open) : NaN,
        outputBytesPerSecond: measured.outputBytes / seconds,
      };
      log(
        `${users.username} ${level}: ${measured.open} open (${failed} failed${firstError ? `: ${firstError}` : ''}), echo p50 ${result.echoP50.toFixed(2)} ms p99 ${result.echoP99.toFixed(2)} ms (${result.samples} samples, ${result.unanswered} unanswered)` +
          (gateway ? `, gateway ${(result.cpuCores * 100).toFixed(0)}% CPU, RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${(result.rssPerSession / 1024).toFixed(0)} KiB/session)` : ''),
      );
      results.push(result);
      previous = { rss, open: measured.open };
    }
  } finally {
    await load.close();
  }
  return results;
}

/** The id of every open PAM_SSH session (admin view). */
export async function sshSessionIds(gateway: CapacityGateway): Promise<string[]> {
  const res = await gateway.api.request('GET', '/api/sessions?type=PAM_SSH&limit=1000', gateway.adminToken);
  return ((res.body?.items ?? []) as { id: string }[]).map((s) => s.id);
}

async function waitForSessions(gateway: CapacityGateway, count: number, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ids = await sshSessionIds(gateway);
    if (ids.length >= count) return ids;
    if (Date.now() > deadline) throw new Error(`only ${ids.length} of ${count} SSH sessions registered`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ViewerResult {
  viewers: number;
  attached: number;
  rssBefore: number;
  /** settled RSS once the first half of the viewers are attached */
  rssHalf: number;
  rssAfter: number;
  perViewer: number;
  /**
   * (RSS after − RSS at half) / viewers of the second half: the slope, what one more viewer costs,
   * without the one-time growth the first attaches bring (V8's young generation growing under the
   * attach flood, code compiled for the attach path), which `perViewer` spreads over every viewer.
   */
  perAddedViewer: number;
}

/**
 * BENCH_CAPACITY_HEAP_DIR=dir, with the gateway started with VIGIL_GATEWAY_NODE_ARGS="--heapsnapshot-signal=SIGUSR2
 * --diagnostic-dir=dir": a heap snapshot of the gateway once the viewers are attached, to count
 * objects by constructor (what an idle viewer costs: the counts that scale with the viewers). Off
 * by default; taken after the RSS readings (a snapshot stalls the gateway for seconds, and the
 * gateway did not take new SSH connections well right after one, so there is no "before" one).
 */
async function heapSnapshot(gateway: CapacityGateway, label: string): Promise<void> {
  const dir = process.env.BENCH_CAPACITY_HEAP_DIR;
  if (!dir) return;
  const count = () => fs.readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).length;
  const before = count();
  process.kill(gateway.pid, 'SIGUSR2');
  // The gateway writes the snapshot synchronously; wait until it is there and has stopped growing.
  for (let last = -1, deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 1_000));
    if (count() <= before) continue;
    const newest = fs.readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).map((f) => fs.statSync(path.join(dir, f)).size).sort((a, b) => b - a)[0];
    if (newest === last) break;
    last = newest;
  }
  process.stdout.write(`[capacity] heap snapshot ${label} in ${dir}; gateway output since:\n${gateway.gateway.output().slice(-1500)}\n`);
}

/**
 * The first attach to a session just listed: the registry shows a session as soon as its open
 * commits, a moment before the jump's live hub has it (the open's caller resumes after the
 * commit), so an attach in that moment is refused "session not found"; retried for up to 10 s.
 */
async function attachOnceLive(socket: Socket, sessionId: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; ; ) {
    try {
      await attachView(socket, sessionId);
      return;
    } catch (error) {
      if (!/session not found/.test((error as Error).message) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `count` socket.io viewers attached (view mode) to one idle session: the gateway's RSS growth per viewer. */
export async function idleViewers(gateway: CapacityGateway, users: Users, count: number): Promise<ViewerResult> {
  const load = new LoadProcess();
  const sockets: Socket[] = [];
  try {
    await load.open(1, users.jumpPort, users.username, users.privateKeyPath);
    const [sessionId] = await waitForSessions(gateway, 1);
    // One viewer first: the session's own viewer structures are not the viewers' cost.
    const first = await connectLive(gateway.gateway.url, gateway.adminToken);
    sockets.push(first);
    await attachOnceLive(first, sessionId);
    await new Promise((r) => setTimeout(r, 2_000));
    const rssBefore = await settledRss(gateway.pid);
    let attached = 0;
    const attachSome = (n: number) =>
      inBatches(Array.from({ length: n }), 20, async () => {
        const socket = await connectLive(gateway.gateway.url, gateway.adminToken);
        sockets.push(socket);
        await attachView(socket, sessionId);
        attached++;
      });
    await attachSome(Math.floor(count / 2));
    await new Promise((r) => setTimeout(r, 3_000));
    const rssHalf = await settledRss(gateway.pid);
    const attachedHalf = attached;
    await attachSome(count - attachedHalf);
    await new Promise((r) => setTimeout(r, 3_000));
    const rssAfter = await settledRss(gateway.pid);
    await heapSnapshot(gateway, 'after');
    return {
      viewers: count,
      attached,
      rssBefore,
      rssHalf,
      rssAfter,
      perViewer: (rssAfter - rssBefore) / Math.max(1, attached),
      perAddedViewer: (rssAfter - rssHalf) / Math.max(1, attached - attachedHalf),
    };
  } finally {
    sockets.forEach((s) => s.close());
    await load.close();
  }
}

export interface MirrorResult {
  sessions: number;
  floodBytes: number;
  rssBefore: number;
  rssAfter: number;
  perSession: number;
}

/**
 * `count` sessions that each printed `floodBytes` (screen and scrollback full), one viewer attached
 * to each (the mirror serving it): the gateway's RSS growth per live mirrored session.
 */
export async function mirroredSessions(gateway: CapacityGateway, users: Users, count: number, floodBytes: number): Promise<MirrorResult> {
  const load = new LoadProcess();
  const sockets: Socket[] = [];
  // Every user has received its flood (so the gateway has mirrored it): only the typed keys' echoes flow now.
  const floodsOver = async (sessions: number) => {
    for (const deadline = Date.now() + 120_000; ; ) {
      if ((await load.measure(1)).outputBytes < sessions * 50) return;
      if (Date.now() > deadline) throw new Error('the floods did not finish within 120 s');
    }
  };
  const attachAll = async (ids: string[]) => {
    for (const sessionId of ids) {
      const socket = await connectLive(gateway.gateway.url, gateway.adminToken);
      sockets.push(socket);
      await attachView(socket, sessionId);
    }
  };
  try {
    // One warm-up session with its viewer first: the code paths, worker and pools every session shares are not its cost.
    await load.open(1, users.jumpPort, users.username, users.privateKeyPath);
    const warm = await waitForSessions(gateway, 1);
    await floodsOver(1);
    await attachAll(warm);
    await new Promise((r) => setTimeout(r, 2_000));
    const rssBefore = await settledRss(gateway.pid);
    await load.open(count, users.jumpPort, users.username, users.privateKeyPath);
    const ids = (await waitForSessions(gateway, count + 1)).filter((id) => !warm.includes(id));
    await floodsOver(count + 1);
    {
      await attachAll(ids);
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const rssAfter = await settledRss(gateway.pid);
    return { sessions: count, floodBytes, rssBefore, rssAfter, perSession: (rssAfter - rssBefore) / count };
  } finally {
    sockets.forEach((s) => s.close());
    await load.close();
  }
}
