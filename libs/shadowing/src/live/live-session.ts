import { ControlLock, ViewerMode } from '../control-lock';
import { OutputCoalescer } from '../output-coalescer';
import { ScreenMirror, ScreenSnapshot } from '../screen-mirror';
import { ViewerBackpressure } from '../viewer-backpressure';
import type { ViewerInfo } from './live-events';
import type { LiveSessionInfo, LiveSource } from './live-source';

/** How a live session reaches its viewers; the socket gateway implements it. */
export interface LiveBroadcast {
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

interface Viewer {
  info: ViewerInfo;
  flow: ViewerBackpressure;
  held: string[];
}

/**
 * One live session: its screen mirror, its output batching, its viewers and who may type.
 * The origin's bytes go to the mirror and the coalescer; nothing here waits on a viewer.
 */
export class LiveSession {
  readonly mirror: ScreenMirror;
  readonly lock = new ControlLock();
  private readonly coalescer: OutputCoalescer;
  private readonly viewers = new Map<string, Viewer>();
  private closed = false;
  private flooding = false;
  private floodWindowStart = 0;
  private floodWindowChars = 0;
  private floodSnapshotTimer?: NodeJS.Timeout;
  private floodQuietTimer?: NodeJS.Timeout;
  /** batches that arrived while a flood's closing snapshot was being taken */
  private heldForAll: string[] | null = null;

  constructor(
    readonly info: LiveSessionInfo,
    readonly source: LiveSource,
    private readonly broadcast: LiveBroadcast,
  ) {
    this.mirror = new ScreenMirror(info.cols, info.rows);
    this.coalescer = new OutputCoalescer({ onFlush: (text) => this.fanOut(text), costFactor: FAN_OUT_COST_FACTOR });
  }

  get isClosed(): boolean {
    return this.closed;
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
    this.broadcast.resize(this.info.sessionId, cols, rows);
  }

  /**
   * Adds a viewer and returns the screen it must start from. Pending output is flushed to the
   * current viewers first, then the snapshot is cut: everything after the cut reaches the new
   * viewer live, everything before is in the snapshot.
   */
  attach(viewer: ViewerInfo): { snapshot: Promise<ScreenSnapshot> } | { error: string } {
    const locked = this.lock.attach(viewer.viewerId, viewer.mode);
    if (!locked.ok) return { error: `viewer id ${viewer.viewerId} is reserved` };
    this.coalescer.flush();
    const snapshot = this.mirror.snapshot();
    this.viewers.set(viewer.viewerId, { info: viewer, flow: new ViewerBackpressure(), held: [] });
    return { snapshot };
  }

  detach(viewerId: string): ViewerInfo | null {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return null;
    this.viewers.delete(viewerId);
    const wasPausing = this.lock.state().pausedBy === viewerId;
    this.lock.detach(viewerId);
    if (wasPausing) this.source.setUserInputPaused(false);
    return viewer.info;
  }

  viewer(viewerId: string): ViewerInfo | undefined {
    return this.viewers.get(viewerId)?.info;
  }

  viewerList(): ViewerInfo[] {
    return [...this.viewers.values()].map((v) => v.info);
  }

  /** Ends the session for its viewers; returns who was watching. */
  close(): ViewerInfo[] {
    if (this.closed) return [];
    clearTimeout(this.floodSnapshotTimer);
    clearTimeout(this.floodQuietTimer);
    this.coalescer.dispose();
    this.closed = true;
    this.mirror.dispose();
    return this.viewerList();
  }

  /** Viewers that fell behind while the session is quiet still need their resync once drained. */
  pollBehindViewers(): void {
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
    this.broadcast.output(this.info.sessionId, text);
    for (const [viewerId, viewer] of this.viewers) {
      const decision = viewer.flow.decide(this.broadcast.backlog(viewerId));
      if (decision === 'skip') this.broadcast.setLive(this.info.sessionId, viewerId, false);
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
        if (!this.closed) this.broadcast.resyncAll(this.info.sessionId, snapshot, held);
      },
      () => (this.heldForAll = null),
    );
  }

  /** A viewer that fell behind drained: send it the current screen, then what came meanwhile. */
  private resync(viewerId: string, viewer: Viewer): void {
    viewer.held = [];
    this.mirror.snapshot().then(
      (snapshot) => {
        if (!this.viewers.has(viewerId)) return;
        this.broadcast.resync(this.info.sessionId, viewerId, snapshot, viewer.held);
        viewer.held = [];
        viewer.flow.resyncDelivered();
        this.broadcast.setLive(this.info.sessionId, viewerId, true);
      },
      () => viewer.flow.resyncFailed(),
    );
  }
}

export type { ViewerMode };
