import { FlushScheduler, systemFlushScheduler } from './flush-scheduler';
import { Utf8Decode, Utf8Framer, decodeUtf8 } from './utf8-framer';
import type { TerminalChunk } from './utf8-stream-decoder';

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
  /** A batch this large (bytes) is flushed at once, so memory and message size stay bounded. Default 64 KiB. */
  maxPendingBytes?: number;
  scheduler?: FlushScheduler;
  /** Decodes a batch for delivery; injectable so tests can see what gets decoded. Default UTF-8 (U+FFFD for invalid bytes). */
  decode?: Utf8Decode;
}

const DEFAULT_INTERVAL_MS = 16;
const DEFAULT_MIN_INTERVAL_MS = 2;
const DEFAULT_MAX_PENDING_BYTES = 64 * 1024;

/**
 * Batches one session's terminal output before fan-out. Every socket.io message costs roughly
 * 10 µs per viewer, so thousands of tiny SSH reads per second must not become thousands of
 * messages; yet a lone keystroke echo must not sit waiting for a timer either.
 *
 * - Idle (no flush in the last `intervalMs`): the batch is flushed on the next event-loop turn.
 * - Busy: output accumulates and is flushed `intervalMs` after the previous flush.
 * - Either way, reaching `maxPendingChars` flushes synchronously inside `write`.
 *
 * Output is kept as raw bytes (framed by a Utf8Framer, so a character split across SSH reads is
 * never mangled) and decoded once, when its batch is flushed: output that is `skip`ped (a flood
 * no viewer is sent) is never decoded at all. `dispose` flushes what is pending.
 */
export class OutputCoalescer {
  private readonly onFlush: (text: string) => void;
  private readonly intervalMs: number;
  private readonly costFactor: number | undefined;
  private readonly minIntervalMs: number;
  private lastFlushCostMs = 0;
  private readonly maxPendingBytes: number;
  private readonly scheduler: FlushScheduler;
  private readonly decode: Utf8Decode;
  private readonly framer = new Utf8Framer();
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private readonly enqueue = (piece: Buffer): void => {
    this.pending.push(piece);
    this.pendingSize += piece.length;
  };
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private cancelScheduled: (() => void) | undefined;
  private flushes = 0;
  private disposed = false;

  constructor(options: OutputCoalescerOptions) {
    this.onFlush = options.onFlush;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.costFactor = options.costFactor;
    this.minIntervalMs = Math.min(options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS, this.intervalMs);
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.scheduler = options.scheduler ?? systemFlushScheduler;
    this.decode = options.decode ?? decodeUtf8;
    if (!(this.intervalMs >= 0)) throw new RangeError('intervalMs must be ≥ 0');
    if (this.costFactor !== undefined && !(this.costFactor > 0)) throw new RangeError('costFactor must be > 0');
    if (!(this.minIntervalMs >= 0)) throw new RangeError('minIntervalMs must be ≥ 0');
    if (!(this.maxPendingBytes >= 1)) throw new RangeError('maxPendingBytes must be ≥ 1');
  }

  /** Output waiting for the next flush, in bytes (not yet decoded). */
  get pendingBytes(): number {
    return this.pendingSize;
  }

  /** Batches delivered so far. */
  get flushCount(): number {
    return this.flushes;
  }

  write(data: TerminalChunk): void {
    if (this.disposed) return;
    this.framer.frame(data, this.enqueue);
    if (this.pendingSize === 0) return;
    if (this.pendingSize >= this.maxPendingBytes) this.flush();
    else this.scheduleFlush();
  }

  /**
   * Output that no viewer will be sent (a flood: viewers get screens instead). It is neither kept
   * nor decoded; only the framer notes where its last character ends, so the output after it
   * still decodes exactly as the whole stream would.
   */
  skip(data: TerminalChunk): void {
    if (this.disposed) return;
    this.framer.frame(data, ignorePiece);
  }

  /**
   * Delivers the pending batch now (no-op when empty). The batch is taken before `onFlush` runs,
   * so if `onFlush` throws, the error reaches the caller (or, for a timed flush, the event loop)
   * and the coalescer stays consistent; that batch is not retried.
   */
  flush(): void {
    this.cancelScheduledFlush();
    if (this.pendingSize === 0) return;
    const pieces = this.pending;
    const size = this.pendingSize;
    this.pending = [];
    this.pendingSize = 0;
    const text = this.decode(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, size));
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
    const held = this.framer.end();
    if (held) this.enqueue(held);
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

function ignorePiece(): void {
  // skipped output is dropped undecoded
}
