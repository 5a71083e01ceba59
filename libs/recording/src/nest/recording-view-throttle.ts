/** A read of a live session's recording, of a sealed one in the player, or a sealed one downloaded. */
export type RecordingRead = 'live' | 'sealed' | 'download';

/** One audit record and one notice per viewer, session and kind of read, per this window. */
export const RECORDING_VIEW_WINDOW_MS = 60_000;
/** Bounds memory under a flood of distinct (viewer, session) pairs. */
const MAX_TRACKED = 10_000;

/**
 * Reading a recording is audited and, for a live session, told to its user. But the rewind panel
 * fetches the recording again on every "load newer output", and a script can fetch it a thousand
 * times: the first read of a (viewer, session, kind of read) in each window is recorded and announced,
 * the rest of that window's reads are the same viewing. Pure: time is injected.
 */
export class RecordingViewThrottle {
  private readonly lastAnnounced = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs = RECORDING_VIEW_WINDOW_MS,
    private readonly maxTracked = MAX_TRACKED,
  ) {}

  /** True when this read starts a new viewing: audit it (and tell the user when live). */
  firstInWindow(viewer: string, sessionId: string, read: RecordingRead): boolean {
    const key = keyOf(viewer, sessionId, read);
    const now = this.now();
    const last = this.lastAnnounced.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.lastAnnounced.delete(key); // re-inserted last: the map stays ordered oldest first
    this.lastAnnounced.set(key, now);
    this.evict(now);
    return true;
  }

  /** The viewing could not be recorded after all: the next read must try again. */
  forget(viewer: string, sessionId: string, read: RecordingRead): void {
    this.lastAnnounced.delete(keyOf(viewer, sessionId, read));
  }

  get tracked(): number {
    return this.lastAnnounced.size;
  }

  private evict(now: number): void {
    if (this.lastAnnounced.size <= this.maxTracked) return;
    for (const [key, at] of this.lastAnnounced) {
      // Past the window an entry decides nothing; beyond that, the oldest go first.
      if (this.lastAnnounced.size <= this.maxTracked && now - at < this.windowMs) break;
      this.lastAnnounced.delete(key);
    }
  }
}

function keyOf(viewer: string, sessionId: string, read: RecordingRead): string {
  return `${viewer}\u0000${sessionId}\u0000${read}`;
}
