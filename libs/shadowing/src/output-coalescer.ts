import { FlushScheduler, systemFlushScheduler } from './flush-scheduler';
import { TerminalChunk, Utf8StreamDecoder } from './utf8-stream-decoder';

export interface OutputCoalescerOptions {
  /** Delivers one batch, e.g. emits it to the session's socket.io room. Should not throw (see `flush`). */
  onFlush: (text: string) => void;
  /** Under load, at most one flush per this many ms (unless the size limit is hit). Default 16. */
  intervalMs?: number;
  /**
   * When set, the busy interval follows what fan-out costs: `costFactor` × the last flush's
   * duration, between `minIntervalMs` and `intervalMs`. A flush to two viewers takes microseconds,
   * so their output is hardly delayed; a flush to a thousand takes milliseconds, and the interval
   * stretches so fan-out keeps at most 1/costFactor of the event loop.
   */
  costFactor?: number;
  /** Floor of the cost-adaptive busy interval. Default 2. */
  minIntervalMs?: number;
  /** A batch this large (UTF-16 code units) is flushed at once, so memory and message size stay bounded. Default 64 KiB. */
  maxPendingChars?: number;
  scheduler?: FlushScheduler;
}

const DEFAULT_INTERVAL_MS = 16;
const DEFAULT_MIN_INTERVAL_MS = 2;
const DEFAULT_MAX_PENDING_CHARS = 64 * 1024;

/**
 * Batches one session's terminal output before fan-out. Every socket.io message costs roughly
 * 10 µs per viewer, so thousands of tiny SSH reads per second must not become thousands of
 * messages; yet a lone keystroke echo must not sit waiting for a timer either.
 *
 * - Idle (no flush in the last `intervalMs`): the batch is flushed on the next event-loop turn.
 * - Busy: output accumulates and is flushed `intervalMs` after the previous flush.
 * - Either way, reaching `maxPendingChars` flushes synchronously inside `write`.
 *
 * Bytes are decoded once here with a streaming UTF-8 decoder, so viewers receive strings and a
 * character split across SSH reads is never mangled. `dispose` flushes what is pending.
 */
export class OutputCoalescer {
  private readonly onFlush: (text: string) => void;
  private readonly intervalMs: number;
  private readonly costFactor: number | undefined;
  private readonly minIntervalMs: number;
  private lastFlushCostMs = 0;
  private readonly maxPendingChars: number;
  private readonly scheduler: FlushScheduler;
  private readonly decoder = new Utf8StreamDecoder();
  private pending = '';
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private cancelScheduled: (() => void) | undefined;
  private flushes = 0;
  private disposed = false;

  constructor(options: OutputCoalescerOptions) {
    this.onFlush = options.onFlush;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.costFactor = options.costFactor;
    this.minIntervalMs = Math.min(options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS, this.intervalMs);
    this.maxPendingChars = options.maxPendingChars ?? DEFAULT_MAX_PENDING_CHARS;
    this.scheduler = options.scheduler ?? systemFlushScheduler;
    if (!(this.intervalMs >= 0)) throw new RangeError('intervalMs must be ≥ 0');
    if (this.costFactor !== undefined && !(this.costFactor > 0)) throw new RangeError('costFactor must be > 0');
    if (!(this.minIntervalMs >= 0)) throw new RangeError('minIntervalMs must be ≥ 0');
    if (!(this.maxPendingChars >= 1)) throw new RangeError('maxPendingChars must be ≥ 1');
  }

  /** Output waiting for the next flush, in UTF-16 code units. */
  get pendingChars(): number {
    return this.pending.length;
  }

  /** Batches delivered so far. */
  get flushCount(): number {
    return this.flushes;
  }

  write(data: TerminalChunk): void {
    if (this.disposed) return;
    const text = this.decoder.decode(data);
    if (text.length === 0) return;
    this.pending += text;
    if (this.pending.length >= this.maxPendingChars) this.flush();
    else this.scheduleFlush();
  }

  /**
   * Delivers the pending batch now (no-op when empty). The batch is taken before `onFlush` runs,
   * so if `onFlush` throws, the error reaches the caller (or, for a timed flush, the event loop)
   * and the coalescer stays consistent; that batch is not retried.
   */
  flush(): void {
    this.cancelScheduledFlush();
    if (this.pending.length === 0) return;
    const text = this.pending;
    this.pending = '';
    this.lastFlushAt = this.scheduler.now();
    this.flushes += 1;
    try {
      this.onFlush(text);
    } finally {
      this.lastFlushCostMs = this.scheduler.now() - this.lastFlushAt;
    }
  }

  /** The minimum time between two flushes while output keeps coming. */
  get busyIntervalMs(): number {
    if (this.costFactor === undefined) return this.intervalMs;
    return Math.min(this.intervalMs, Math.max(this.minIntervalMs, this.lastFlushCostMs * this.costFactor));
  }

  /**
   * Flushes everything still pending, including a character left incomplete by the final read
   * (as U+FFFD), then ignores further writes. Flushing rather than dropping means viewers see the
   * session's last output, e.g. the "logout" line.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pending += this.decoder.end();
    this.flush();
  }

  private scheduleFlush(): void {
    if (this.cancelScheduled) return;
    const sinceLastFlush = this.scheduler.now() - this.lastFlushAt;
    const interval = this.busyIntervalMs;
    // A clock that steps backwards yields a negative interval; clamp so the wait never exceeds the interval.
    const delay = sinceLastFlush >= interval ? 0 : Math.min(interval, interval - sinceLastFlush);
    this.cancelScheduled = this.scheduler.schedule(() => {
      this.cancelScheduled = undefined;
      this.flush();
    }, delay);
  }

  private cancelScheduledFlush(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
  }
}
