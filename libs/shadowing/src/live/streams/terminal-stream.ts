import { OutputCoalescer } from '../../output-coalescer';
import { ScreenMirror, ScreenSnapshot } from '../../screen-mirror';
import { ViewerBackpressure } from '../../viewer-backpressure';
import type { ViewerInfo } from '../live-events';
import type { LiveStream, StreamStart } from './live-stream';

/** How a terminal session's output reaches its viewers; the socket gateway implements it. */
export interface TerminalBroadcast {
  /** one coalesced batch for every viewer that is keeping up */
  output(sessionId: string, text: string): void;
  resize(sessionId: string, cols: number, rows: number): void;
  /** bytes still queued towards this viewer, for backpressure */
  backlog(viewerId: string): number;
  /** stop (false) or resume (true) sending live batches to this viewer */
  setLive(sessionId: string, viewerId: string, live: boolean): void;
  /** a fresh screen for a viewer that fell behind, then the batches held meanwhile */
  resync(sessionId: string, viewerId: string, snapshot: ScreenSnapshot, held: string[]): void;
  /** a fresh screen for every viewer keeping up (after a flood), then the batches held meanwhile */
  resyncAll(sessionId: string, snapshot: ScreenSnapshot, held: string[]): void;
}

/**
 * Output faster than this (bytes/s) is a flood (`cat` of a big file): no viewer can read it, and
 * relaying it all would take CPU from the user's own session. Viewers get the screen every
 * FLOOD_SNAPSHOT_MS instead, and once more when the flood ends. Flood output is never decoded:
 * it is measured on the raw chunks, before the batcher, which only frames it.
 */
const FLOOD_BYTES_PER_SECOND = 2 * 1024 * 1024;
const FLOOD_WINDOW_MS = 100;
const FLOOD_SNAPSHOT_MS = 500;
/**
 * Each flood screen costs the mirror a parse of its retained tail: a few ms for text, but
 * hundreds for random bytes (xterm is slow on garbage). The next one is therefore taken no sooner
 * than this many times the last one's duration (at most FLOOD_SNAPSHOT_MAX_MS), so flood screens
 * take at most about a fifth of the event loop whatever the output is.
 */
const FLOOD_SNAPSHOT_COST_FACTOR = 4;
/**
 * How much of a flood's most recent output its periodic screens are rebuilt from: a screen and a
 * few hundred lines of text above it, an eighth of the mirror's resync tail (which a join still
 * gets, for its scrollback). Random bytes parse at ~1 ms per KiB, so this is what keeps a binary
 * flood's screens from taking the relay's CPU.
 */
export const FLOOD_SCREEN_TAIL_BYTES = 32 * 1024;
const FLOOD_SNAPSHOT_MAX_MS = 5_000;
const FLOOD_QUIET_MS = 150;

/**
 * Fan-out may take at most two thirds of the event loop while output streams: the next batch goes
 * out no sooner than 1.5 times the last fan-out's duration after it started (2 ms to 16 ms).
 * A third (factor 3) made batches wait for a timer most of the time: output arriving every 10 ms
 * to 200 viewers (a ~4 ms fan-out) waited for a 12 ms interval, which doubled viewers' p50 delay
 * (6.5-9.0 ms against 3.3-3.9 ms, the raw `ws` floor ~3 ms), while another user's keystroke
 * echo through the same gateway was no better for it (p50 1.8-2.0 against 1.4-1.6 ms):
 * `bench/ssh/shadow-quick.js` with BENCH_SHADOW_BYSTANDER_GAP_MS, see README → Benchmarks.
 */
const FAN_OUT_COST_FACTOR = 1.5;

interface TerminalViewer {
  flow: ViewerBackpressure;
  held: string[];
}

/**
 * The terminal adapter of a live session: its screen mirror, its output batching and each
 * viewer's backpressure. The origin's bytes go to the mirror and the coalescer; nothing here
 * waits on a viewer.
 */
export class TerminalStream implements LiveStream {
  readonly kind = 'ssh';
  readonly mirror: ScreenMirror;
  private readonly coalescer: OutputCoalescer;
  private readonly viewers = new Map<string, TerminalViewer>();
  private closed = false;
  private flooding = false;
  private floodWindowStart = 0;
  private floodWindowBytes = 0;
  private lastFloodChunkAt = 0;
  private floodSnapshotTimer?: NodeJS.Timeout;
  /** how long the last screen for everyone took to take (ms) */
  private lastResyncAllMs = 0;
  private floodQuietTimer?: NodeJS.Timeout;
  /** batches that arrived while a flood's closing snapshot was being taken */
  private heldForAll: string[] | null = null;

  constructor(
    private readonly sessionId: string,
    size: { cols: number; rows: number },
    private readonly broadcast: TerminalBroadcast,
  ) {
    this.mirror = new ScreenMirror(size.cols, size.rows);
    this.coalescer = new OutputCoalescer({ onFlush: (text) => this.fanOut(text), costFactor: FAN_OUT_COST_FACTOR });
  }

  output(chunk: Buffer): void {
    if (this.closed) return;
    // Mirror first: a snapshot taken during a flush must already contain the batch.
    this.mirror.write(chunk);
    if (this.isFlood(chunk.length)) this.coalescer.skip(chunk);
    else this.coalescer.write(chunk);
  }

  resize(cols: number, rows: number): void {
    if (this.closed) return;
    this.coalescer.flush();
    this.mirror.resize(cols, rows);
    this.broadcast.resize(this.sessionId, cols, rows);
  }

  /**
   * Pending output is flushed to the current viewers first, then the snapshot is cut: everything
   * after the cut reaches the new viewer live, everything before is in the snapshot.
   */
  attach(viewer: ViewerInfo): Promise<StreamStart> {
    this.coalescer.flush();
    const snapshot = this.mirror.snapshot();
    this.viewers.set(viewer.viewerId, { flow: new ViewerBackpressure(), held: [] });
    return snapshot.then(({ cols, rows, screen }) => ({ kind: 'ssh', cols, rows, screen }));
  }

  detach(viewerId: string): void {
    this.viewers.delete(viewerId);
  }

  close(): void {
    if (this.closed) return;
    clearTimeout(this.floodSnapshotTimer);
    clearTimeout(this.floodQuietTimer);
    this.coalescer.dispose();
    this.closed = true;
    this.mirror.dispose();
  }

  /** Viewers that fell behind while the session is quiet still need their resync once drained. */
  poll(): void {
    for (const [viewerId, viewer] of this.viewers) {
      if (viewer.flow.state !== 'behind') continue;
      if (viewer.flow.decide(this.broadcast.backlog(viewerId)) === 'resync') this.resync(viewerId, viewer);
    }
  }

  private fanOut(text: string): void {
    if (this.heldForAll) {
      this.heldForAll.push(text);
      return;
    }
    this.broadcast.output(this.sessionId, text);
    for (const [viewerId, viewer] of this.viewers) {
      const decision = viewer.flow.decide(this.broadcast.backlog(viewerId));
      if (decision === 'skip') this.broadcast.setLive(this.sessionId, viewerId, false);
      else if (decision === 'hold') viewer.held.push(text);
      else if (decision === 'resync') this.resync(viewerId, viewer);
    }
  }

  /** True while output floods; the chunk is then not sent (nor decoded) and viewers get periodic screens instead. */
  private isFlood(bytes: number): boolean {
    const now = performance.now();
    if (now - this.floodWindowStart > FLOOD_WINDOW_MS) {
      this.floodWindowStart = now;
      this.floodWindowBytes = 0;
    }
    this.floodWindowBytes += bytes;
    if (!this.flooding && this.floodWindowBytes <= (FLOOD_BYTES_PER_SECOND * FLOOD_WINDOW_MS) / 1000) return false;
    this.lastFloodChunkAt = now;
    if (!this.flooding) {
      this.flooding = true;
      this.armQuietTimer(FLOOD_QUIET_MS);
    }
    this.floodSnapshotTimer ??= setTimeout(() => {
      this.floodSnapshotTimer = undefined;
      if (this.flooding) this.resyncEveryone();
    }, Math.min(FLOOD_SNAPSHOT_MAX_MS, Math.max(FLOOD_SNAPSHOT_MS, FLOOD_SNAPSHOT_COST_FACTOR * this.lastResyncAllMs)));
    return true;
  }

  /** One quiet timer per flood, not one per chunk: on firing it waits out the rest of the quiet period if output came since. */
  private armQuietTimer(delayMs: number): void {
    clearTimeout(this.floodQuietTimer);
    this.floodQuietTimer = setTimeout(() => {
      const quietFor = performance.now() - this.lastFloodChunkAt;
      if (quietFor < FLOOD_QUIET_MS) return this.armQuietTimer(FLOOD_QUIET_MS - quietFor);
      this.flooding = false;
      this.resyncEveryone();
    }, delayMs);
  }

  /** The current screen to every viewer keeping up; live batches wait until it is sent. */
  private resyncEveryone(): void {
    if (this.closed || this.heldForAll) return;
    this.heldForAll = [];
    const started = performance.now();
    this.mirror.snapshot({ floodTailBytes: FLOOD_SCREEN_TAIL_BYTES }).then(
      (snapshot) => {
        this.lastResyncAllMs = performance.now() - started;
        const held = this.heldForAll ?? [];
        this.heldForAll = null;
        if (!this.closed) this.broadcast.resyncAll(this.sessionId, snapshot, held);
      },
      () => (this.heldForAll = null),
    );
  }

  /** A viewer that fell behind drained: send it the current screen, then what came meanwhile. */
  private resync(viewerId: string, viewer: TerminalViewer): void {
    viewer.held = [];
    this.mirror.snapshot({ floodTailBytes: FLOOD_SCREEN_TAIL_BYTES }).then(
      (snapshot) => {
        if (!this.viewers.has(viewerId)) return;
        this.broadcast.resync(this.sessionId, viewerId, snapshot, viewer.held);
        viewer.held = [];
        viewer.flow.resyncDelivered();
        this.broadcast.setLive(this.sessionId, viewerId, true);
      },
      () => viewer.flow.resyncFailed(),
    );
  }
}
