/**
 * What the edge should do with the next live batch for one viewer:
 * - `send`: deliver it.
 * - `skip`: the viewer is behind; drop it (the user's session never waits for a viewer).
 * - `resync`: the viewer has drained; instead of this batch, send it a fresh ScreenMirror
 *   snapshot (taken right now, so it already contains this batch), then call `resyncDelivered`.
 * - `hold`: a resync snapshot is on its way; keep this batch and send it right after the snapshot,
 *   because the snapshot was taken before it and does not contain it.
 */
export type BackpressureDecision = 'send' | 'skip' | 'resync' | 'hold';

/** `live`: receiving output. `behind`: output skipped until drained. `resyncing`: snapshot in progress. */
export type ViewerFlowState = 'live' | 'behind' | 'resyncing';

export interface ViewerBackpressureOptions {
  /** Transport bytes still buffered at which the viewer counts as behind. Default 1 MiB. */
  highWaterMark?: number;
  /** Buffered bytes at or below which a viewer that fell behind is resynchronised. Default 64 KiB. */
  lowWaterMark?: number;
}

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
const DEFAULT_LOW_WATER_MARK = 64 * 1024;

/**
 * Flow-control policy for one viewer; pure state, no I/O. The edge reads how many bytes the
 * viewer's transport still has buffered and asks `decide` before each live batch.
 *
 * A slow viewer is cut off from live output (not waited for) once its backlog reaches the high
 * mark; when the backlog drains to the low mark it receives a whole-screen snapshot instead of
 * the output it missed, which would be stale and unbounded. The gap between the two marks stops
 * a viewer hovering around one threshold from flapping between states.
 *
 * Contract for a correct screen after resync: the edge writes each chunk to the ScreenMirror
 * before it reaches the OutputCoalescer, and calls `mirror.snapshot()` synchronously when told
 * `resync`. The snapshot then contains exactly the output up to and including the current batch;
 * later batches are `hold`, to be sent after it. Held batches are bounded by how long a snapshot
 * takes (the mirror's backlog is itself bounded). A viewer that is behind and receives no output
 * stays behind until the next batch, so the edge may also call `decide` on its transport's drain.
 */
export class ViewerBackpressure {
  private readonly highWaterMark: number;
  private readonly lowWaterMark: number;
  private flow: ViewerFlowState = 'live';
  private skipped = 0;
  private resyncs = 0;

  constructor(options: ViewerBackpressureOptions = {}) {
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.lowWaterMark = options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK;
    if (!(this.lowWaterMark >= 0 && this.lowWaterMark < this.highWaterMark)) {
      throw new RangeError('need 0 ≤ lowWaterMark < highWaterMark');
    }
  }

  get state(): ViewerFlowState {
    return this.flow;
  }

  /** Live batches this viewer has missed. */
  get skippedCount(): number {
    return this.skipped;
  }

  /** Times this viewer has been told to resync. */
  get resyncCount(): number {
    return this.resyncs;
  }

  /** `bufferedBytes`: what the viewer's transport has not yet written to the network. */
  decide(bufferedBytes: number): BackpressureDecision {
    switch (this.flow) {
      case 'live':
        if (bufferedBytes < this.highWaterMark) return 'send';
        this.flow = 'behind';
        return this.skip();
      case 'behind':
        if (bufferedBytes > this.lowWaterMark) return this.skip();
        this.flow = 'resyncing';
        this.resyncs += 1;
        return 'resync';
      case 'resyncing':
        return 'hold';
    }
  }

  /** The snapshot went out (held batches follow it): back to live. No-op unless resyncing. */
  resyncDelivered(): void {
    if (this.flow === 'resyncing') this.flow = 'live';
  }

  /**
   * The snapshot could not be taken or sent: drop held batches and treat the viewer as behind,
   * so the next `decide` tries again once it has drained. No-op unless resyncing.
   */
  resyncFailed(): void {
    if (this.flow === 'resyncing') this.flow = 'behind';
  }

  private skip(): 'skip' {
    this.skipped += 1;
    return 'skip';
  }
}
