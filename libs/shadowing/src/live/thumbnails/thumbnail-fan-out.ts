import type { ScreenSnapshot } from '../../screen-mirror';

/** One thumbnail as the wall gets it: the visible screen (no scrollback), exact, as escape sequences. */
export interface ThumbnailPayload {
  sessionId: string;
  cols: number;
  rows: number;
  screen: string;
}

/** A watched session's screen, as the fan-out takes it (the session's ScreenMirror, visible rows only). */
export interface ThumbnailSource {
  snapshot(): Promise<ScreenSnapshot>;
}

/** Where the fan-out delivers: the socket edge. */
export interface ThumbnailEdge {
  /** one payload to several viewers (encoded once by socket.io) */
  send(viewerIds: string[], payload: ThumbnailPayload): void;
  /** bytes still queued towards this viewer: a wall that does not read is skipped, not buffered for */
  backlog(viewerId: string): number;
}

export interface ThumbnailFanOutOptions {
  /** most sessions one viewer (socket) may watch as thumbnails. Default 64 (a wall of 50 fits). */
  maxPerViewer?: number;
  /** a viewer with more than this queued gets nothing this tick (and the latest screen once it drains). Default 512 KiB. */
  maxBacklogBytes?: number;
}

export type SubscribeResult = { ok: true; added: boolean } | { ok: false; error: string };

interface Watched {
  source: ThumbnailSource;
  /** viewer id → the version of the last screen it was sent (0: none yet) */
  subscribers: Map<string, number>;
  /** the screen may have changed since the last snapshot */
  dirty: boolean;
  /** a snapshot is being taken: never two at once for a session */
  taking: boolean;
  version: number;
  latest: ThumbnailPayload | null;
}

const DEFAULTS: Required<ThumbnailFanOutOptions> = { maxPerViewer: 64, maxBacklogBytes: 512 * 1024 };

/**
 * The wall's low-rate screens. Each `tick` (the caller runs it once a second) takes at most one
 * snapshot per watched session whose screen changed since the last one, whatever the number of
 * walls watching it, and sends it once to every subscriber that does not have it yet. A quiet
 * session costs nothing; a session nobody watches as a thumbnail is not even looked at.
 *
 * Pure bookkeeping: no sockets, no timers, no rights (the gateway checks those before subscribe).
 */
export class ThumbnailFanOut {
  private readonly watched = new Map<string, Watched>();
  /** viewer id → the sessions it watches as thumbnails */
  private readonly byViewer = new Map<string, Set<string>>();
  private readonly options: Required<ThumbnailFanOutOptions>;
  private snapshots = 0;

  constructor(
    private readonly edge: ThumbnailEdge,
    options: ThumbnailFanOutOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** How many snapshots were taken so far (for tests and the bench). */
  get snapshotCount(): number {
    return this.snapshots;
  }

  /** The refusal a new subscription of this viewer would get now (it watches the most it may), else null. */
  fullRefusal(viewerId: string): { ok: false; error: string } | null {
    if ((this.byViewer.get(viewerId)?.size ?? 0) < this.options.maxPerViewer) return null;
    return { ok: false, error: `too many thumbnails on this connection (${this.options.maxPerViewer} at most)` };
  }

  subscribe(viewerId: string, sessionId: string, source: ThumbnailSource): SubscribeResult {
    const mine = this.byViewer.get(viewerId) ?? new Set<string>();
    if (mine.has(sessionId)) return { ok: true, added: false };
    const full = this.fullRefusal(viewerId);
    if (full) return full;
    let watched = this.watched.get(sessionId);
    if (!watched) {
      // Nobody watched it: nothing is known of its screen, so the first tick takes one.
      watched = { source, subscribers: new Map(), dirty: true, taking: false, version: 0, latest: null };
      this.watched.set(sessionId, watched);
    }
    watched.subscribers.set(viewerId, 0);
    mine.add(sessionId);
    this.byViewer.set(viewerId, mine);
    return { ok: true, added: true };
  }

  /** False when the viewer was not watching it. */
  unsubscribe(viewerId: string, sessionId: string): boolean {
    const mine = this.byViewer.get(viewerId);
    if (!mine?.delete(sessionId)) return false;
    if (mine.size === 0) this.byViewer.delete(viewerId);
    const watched = this.watched.get(sessionId);
    watched?.subscribers.delete(viewerId);
    if (watched && watched.subscribers.size === 0) this.watched.delete(sessionId);
    return true;
  }

  /** The viewer's socket closed: everything it watched, which it no longer does. */
  forgetViewer(viewerId: string): string[] {
    const sessions = [...(this.byViewer.get(viewerId) ?? [])];
    for (const sessionId of sessions) this.unsubscribe(viewerId, sessionId);
    return sessions;
  }

  /** The session ended: who watched it (they are let go). */
  sessionEnded(sessionId: string): string[] {
    const watched = this.watched.get(sessionId);
    if (!watched) return [];
    const viewers = [...watched.subscribers.keys()];
    for (const viewerId of viewers) this.unsubscribe(viewerId, sessionId);
    return viewers;
  }

  /** Output or a resize reached the session: called per chunk, so it only sets a flag (and only for watched sessions). */
  changed(sessionId: string): void {
    const watched = this.watched.get(sessionId);
    if (watched) watched.dirty = true;
  }

  isWatched(sessionId: string): boolean {
    return this.watched.has(sessionId);
  }

  /** Session ids watched by anyone now. */
  watchedSessions(): string[] {
    return [...this.watched.keys()];
  }

  subscriptionsOf(viewerId: string): ReadonlySet<string> {
    return this.byViewer.get(viewerId) ?? new Set();
  }

  /**
   * One round: a snapshot of each changed watched session, then each subscriber that lacks the
   * latest screen is sent it (a backlogged one is skipped and served on a later tick). Resolves
   * when this round's snapshots are delivered; a failed snapshot (the session just ended) is dropped.
   */
  async tick(): Promise<void> {
    const rounds: Promise<void>[] = [];
    for (const [sessionId, watched] of this.watched) {
      if (watched.dirty && !watched.taking) rounds.push(this.take(sessionId, watched));
      else if (!watched.taking) this.deliver(watched);
    }
    await Promise.all(rounds);
  }

  private async take(sessionId: string, watched: Watched): Promise<void> {
    watched.dirty = false;
    watched.taking = true;
    this.snapshots += 1;
    try {
      const { cols, rows, screen } = await watched.source.snapshot();
      watched.version += 1;
      watched.latest = { sessionId, cols, rows, screen };
    } catch {
      return;
    } finally {
      watched.taking = false;
    }
    // Unsubscribed meanwhile: nobody to send it to (deliver copes with an empty list).
    if (this.watched.get(sessionId) === watched) this.deliver(watched);
  }

  private deliver(watched: Watched): void {
    const { latest, version } = watched;
    if (!latest) return;
    const due: string[] = [];
    for (const [viewerId, sent] of watched.subscribers) {
      if (sent === version) continue;
      if (this.edge.backlog(viewerId) > this.options.maxBacklogBytes) continue;
      due.push(viewerId);
      watched.subscribers.set(viewerId, version);
    }
    if (due.length > 0) this.edge.send(due, latest);
  }
}
