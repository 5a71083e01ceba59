import type { AsciicastEventCode } from './asciicast-format';

/** Bytes already framed as `.vcast` stores them (framed-format.ts), written as they are. */
export const PREFRAMED = 'frames';

export interface PendingEvent {
  /** Seconds since start, already rounded to microseconds. */
  time: number;
  code: AsciicastEventCode | typeof PREFRAMED;
  /** Raw stream bytes (o/i, still to be UTF-8 decoded in order; frames) or finished text (r/m). */
  data: Uint8Array | string;
}

export interface TakenBatch {
  events: PendingEvent[];
  /** Cost units to hand back to settle() once the batch is on disk (or given up on). */
  cost: number;
}

/** Every gap marker label starts with this, so tooling can find gaps without parsing prose. */
export const GAP_MARKER_PREFIX = 'vigil:gap';

/**
 * Marker label written where a gap ends, e.g. `vigil:gap dropped_bytes=1048576 dropped_events=32 since=12.5`
 * (`since` = seconds since start at which the first event was dropped).
 */
export function formatGapMarker(droppedBytes: number, droppedEvents: number, sinceSeconds: number): string {
  return `${GAP_MARKER_PREFIX} dropped_bytes=${droppedBytes} dropped_events=${droppedEvents} since=${sinceSeconds}`;
}

/**
 * Holds events between the caller's record call and the disk write, with a hard ceiling.
 *
 * The recorder sits beside an SSH relay and must never slow it down, so when the disk falls behind
 * we drop events instead of applying back-pressure. A dropped stretch is replaced by one gap marker
 * (`m` event) when recording resumes, so the loss is visible in the file and in the player. While a
 * gap is open only the most recent resize is remembered (O(1) memory) and replayed after the
 * marker, because losing a resize would garble every screen that follows, while lost output only
 * affects the screen until the next redraw.
 *
 * Cost is counted in bytes as received from the caller (queued plus in flight to disk). The
 * ceiling can be exceeded only by the one gap marker and remembered resize (under 200 bytes).
 */
export class BoundedEventBuffer {
  private queue: PendingEvent[] = [];
  private queuedCost = 0;
  private inFlightCost = 0;

  private gapEvents = 0;
  private gapBytes = 0;
  private gapSince = 0;
  private gapResize?: string;

  private totalDroppedEvents = 0;
  private totalDroppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes held in memory right now: queued plus handed to the disk writer but not yet settled. */
  get bufferedBytes(): number {
    return this.queuedCost + this.inFlightCost;
  }

  get queuedBytes(): number {
    return this.queuedCost;
  }

  get hasQueued(): boolean {
    return this.queue.length > 0;
  }

  get droppedEvents(): number {
    return this.totalDroppedEvents;
  }

  get droppedBytes(): number {
    return this.totalDroppedBytes;
  }

  /**
   * Queues the event, or drops it when it would push memory past the ceiling. Returns whether it
   * was kept. Bytes are copied only once admitted (the caller may reuse its buffer; a dropped
   * chunk should cost nothing), unless the caller hands them over (`owned`: nobody else keeps
   * them, as with a batch transferred from another thread).
   */
  push(time: number, code: PendingEvent['code'], data: Uint8Array | string, cost: number, owned = false): boolean {
    if (this.bufferedBytes + cost > this.maxBytes) {
      this.drop(time, code, data, cost);
      return false;
    }
    this.closeGap(time);
    this.enqueue({ time, code, data: typeof data === 'string' || owned ? data : Buffer.from(data) }, cost);
    return true;
  }

  /** Writes the gap marker now if a gap is open; called on close so a trailing gap is still recorded. */
  closeGap(time: number): void {
    if (this.gapEvents === 0) return;
    const marker = formatGapMarker(this.gapBytes, this.gapEvents, this.gapSince);
    this.enqueue({ time, code: 'm', data: marker }, marker.length);
    if (this.gapResize !== undefined) {
      this.enqueue({ time, code: 'r', data: this.gapResize }, this.gapResize.length);
    }
    this.gapEvents = 0;
    this.gapBytes = 0;
    this.gapResize = undefined;
  }

  /** Hands every queued event to the disk writer; its cost stays counted until settle(). */
  take(): TakenBatch {
    const batch: TakenBatch = { events: this.queue, cost: this.queuedCost };
    this.queue = [];
    this.queuedCost = 0;
    this.inFlightCost += batch.cost;
    return batch;
  }

  settle(batch: TakenBatch): void {
    this.inFlightCost -= batch.cost;
  }

  /** After a fatal write error nothing more will reach disk; free the memory. */
  discardQueued(): void {
    this.queue = [];
    this.queuedCost = 0;
  }

  private enqueue(event: PendingEvent, cost: number): void {
    this.queue.push(event);
    this.queuedCost += cost;
  }

  private drop(time: number, code: PendingEvent['code'], data: Uint8Array | string, cost: number): void {
    if (this.gapEvents === 0) this.gapSince = time;
    this.gapEvents += 1;
    this.gapBytes += cost;
    this.totalDroppedEvents += 1;
    this.totalDroppedBytes += cost;
    if (code === 'r' && typeof data === 'string') this.gapResize = data;
  }
}
