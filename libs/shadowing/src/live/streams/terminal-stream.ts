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
 * Output faster than this is a flood (`cat` of a big file): no viewer can read it, and relaying
 * it all would take CPU from the user's own session. Viewers get the screen every
 * FLOOD_SNAPSHOT_MS instead, and once more when the flood ends.
 */
const FLOOD_CHARS_PER_SECOND = 2 * 1024 * 1024;
const FLOOD_WINDOW_MS = 100;
const FLOOD_SNAPSHOT_MS = 500;
const FLOOD_QUIET_MS = 150;

/**
 * Fan-out may take at most a third of the event loop while output streams: the next batch goes
 * out no sooner than three times the last fan-out's duration after it started (2 ms to 16 ms).
 */
const FAN_OUT_COST_FACTOR = 3;

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
  private floodWindowChars = 0;
  private floodSnapshotTimer?: NodeJS.Timeout;
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
    this.coalescer.write(chunk);
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
    if (this.isFlood(text.length)) return;
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

  /** True while output floods; the batch is then dropped and viewers get periodic screens instead. */
  private isFlood(chars: number): boolean {
    const now = performance.now();
    if (now - this.floodWindowStart > FLOOD_WINDOW_MS) {
      this.floodWindowStart = now;
      this.floodWindowChars = 0;
    }
    this.floodWindowChars += chars;
    if (!this.flooding && this.floodWindowChars <= (FLOOD_CHARS_PER_SECOND * FLOOD_WINDOW_MS) / 1000) return false;
    this.flooding = true;
    this.floodSnapshotTimer ??= setTimeout(() => {
      this.floodSnapshotTimer = undefined;
      if (this.flooding) this.resyncEveryone();
    }, FLOOD_SNAPSHOT_MS);
    clearTimeout(this.floodQuietTimer);
    this.floodQuietTimer = setTimeout(() => {
      this.flooding = false;
      this.resyncEveryone();
    }, FLOOD_QUIET_MS);
    return true;
  }

  /** The current screen to every viewer keeping up; live batches wait until it is sent. */
  private resyncEveryone(): void {
    if (this.closed || this.heldForAll) return;
    this.heldForAll = [];
    this.mirror.snapshot().then(
      (snapshot) => {
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
    this.mirror.snapshot().then(
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
