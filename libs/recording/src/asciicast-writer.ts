import { performance } from 'node:perf_hooks';
import {
  formatHeaderLine,
  formatSize,
  isPositiveInteger,
  roundToMicroseconds,
  type AsciicastEventCode,
} from './asciicast-format';
import { BoundedEventBuffer, PREFRAMED } from './bounded-event-buffer';
import { EventBatchSerializer, type BatchSerializer } from './event-batch-serializer';
import { FrameBatchSerializer } from './framed/frame-batch-serializer';
import { FRAMED_EXTENSION, formatFramedHeaderLine } from './framed/framed-format';
import { HashedAppendFile } from './hashed-append-file';
import { RecordingFailedError } from './recording-failed-error';
import { formatViewerInputMarker } from './viewer-input-marker';

export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_FLUSH_THRESHOLD_BYTES = 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface AsciicastWriterOptions {
  cols: number;
  rows: number;
  /** Recording start, Unix epoch seconds; defaults to now. */
  timestamp?: number;
  title?: string;
  env?: Record<string, string>;
  /**
   * Milliseconds from any origin, used only for differences. Defaults to the monotonic
   * performance.now() so an NTP step mid-session cannot reorder or stretch events.
   */
  clock?: () => number;
  /** How often queued events reach disk; this bounds what a crash can lose. */
  flushIntervalMs?: number;
  /** Flush early once this many bytes are queued, so bursts go out in ~1 MB writes. */
  flushThresholdBytes?: number;
  /** Ceiling on memory held for a slow disk; beyond it events are dropped behind a gap marker. */
  maxBufferedBytes?: number;
  /**
   * fdatasync after each timed flush so a power loss, not only a process crash, loses at most one
   * interval. Default true; turn off only where the file system already guarantees it.
   */
  syncToDisk?: boolean;
  /**
   * Told once when a disk write fails. The writer then stops recording (record calls become
   * no-ops) and close() rejects with RecordingFailedError. Never called from a record call.
   */
  onError?: (error: RecordingFailedError) => void;
}

export interface AsciicastWriterSummary {
  path: string;
  /** Hex SHA-256 of every byte of the file, header included. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
  /** Seconds from open to close. */
  durationSeconds: number;
  /** Input/output bytes lost because the disk fell behind (0 on a healthy disk). */
  droppedBytes: number;
}

export interface AsciicastWriterStats {
  /** Bytes held in memory now (queued + being written). Never above maxBufferedBytes (+ one gap marker). */
  bufferedBytes: number;
  droppedBytes: number;
  droppedEvents: number;
  /** Bytes already handed to the OS. */
  bytesWritten: number;
}

/**
 * Records one terminal session, incrementally, in the format its file name says: `.vcast`, Vigil's
 * framed recording (the exact bytes with their time, no escaping: framed/framed-format.ts), or
 * `.cast`, asciicast v2 as stored (UTF-8 decoded and JSON-escaped here; invalid UTF-8 becomes
 * U+FFFD, so a `.cast` recording of binary output is lossy: kept for tests and tooling).
 *
 * The record methods (output, input, resize, marker) are meant to be called from the SSH relay's
 * data handlers: they only copy the chunk into memory, never touch the disk, never throw and
 * return nothing to await. A timer writes queued events every flushIntervalMs (and sooner when the
 * queue passes flushThresholdBytes), so a crash loses at most about one interval.
 */
export class AsciicastWriter {
  private readonly buffer: BoundedEventBuffer;
  private readonly timer: NodeJS.Timeout;

  private lastElapsedMs = 0;
  private accepting = true;
  private failure?: RecordingFailedError;
  private activeFlush?: Promise<void>;
  private activeTick?: Promise<void>;
  private earlyFlushScheduled = false;
  private unsyncedWrites = false;
  private closing?: Promise<AsciicastWriterSummary>;
  /** cost units queued and written since open, for written() */
  private queuedTotal = 0;
  private writtenTotal = 0;
  private writtenWaiters: Array<{ upTo: number; resolve: () => void }> = [];

  private constructor(
    private readonly file: HashedAppendFile,
    // Serialising (framing, or decoding and JSON escaping) happens at flush time, not in the record
    // call; the asciicast serializer keeps one UTF-8 decoder per direction so characters split
    // across chunks stay intact.
    private readonly serializer: BatchSerializer,
    private readonly clock: () => number,
    private readonly startMs: number,
    private readonly flushThresholdBytes: number,
    private readonly syncToDisk: boolean,
    private readonly onError: ((error: RecordingFailedError) => void) | undefined,
    maxBufferedBytes: number,
    flushIntervalMs: number,
    private readonly framed: boolean,
  ) {
    this.buffer = new BoundedEventBuffer(maxBufferedBytes);
    this.timer = setInterval(() => this.tick(), flushIntervalMs);
    // A forgotten writer must not keep the process alive; close() is what guarantees the data.
    this.timer.unref();
  }

  /** Creates the file (refusing to overwrite one) and writes the header line before resolving. */
  static async open(filePath: string, options: AsciicastWriterOptions): Promise<AsciicastWriter> {
    const { cols, rows } = options;
    if (!isPositiveInteger(cols) || !isPositiveInteger(rows)) {
      throw new RangeError(`asciicast size must be positive integers, got ${cols}x${rows}`);
    }
    const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    const flushThresholdBytes = options.flushThresholdBytes ?? DEFAULT_FLUSH_THRESHOLD_BYTES;
    const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    for (const [name, value] of Object.entries({ flushIntervalMs, flushThresholdBytes, maxBufferedBytes })) {
      if (!isPositiveInteger(value)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
    const clock = options.clock ?? (() => performance.now());
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);

    const framed = filePath.endsWith(FRAMED_EXTENSION);
    const file = await HashedAppendFile.create(filePath);
    try {
      const fields = { width: cols, height: rows, timestamp, title: options.title, env: options.env };
      const header = framed ? formatFramedHeaderLine(fields) : formatHeaderLine({ version: 2, ...fields });
      await file.append(Buffer.from(header, 'utf8'));
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
    return new AsciicastWriter(
      file,
      framed ? new FrameBatchSerializer() : new EventBatchSerializer(),
      clock,
      clock(),
      flushThresholdBytes,
      options.syncToDisk ?? true,
      options.onError,
      maxBufferedBytes,
      flushIntervalMs,
      framed,
    );
  }

  get path(): string {
    return this.file.path;
  }

  /** Bytes the remote side sent to the user's terminal. */
  output(data: Buffer | Uint8Array | string): void {
    if (!this.accepting) return;
    this.record('o', data);
  }

  /** Bytes the user typed (recorded as `i` events: the keystroke audit trail). */
  input(data: Buffer | Uint8Array | string): void {
    if (!this.accepting) return;
    this.record('i', data);
  }

  /**
   * Bytes a shadowing viewer typed into the session: a `vigil:input` marker naming the viewer, so
   * they never pass for the user's own keystrokes (see viewer-input-marker.ts). Bounded like input.
   */
  viewerInput(viewer: string, data: Buffer | Uint8Array | string): void {
    if (!this.accepting) return;
    const label = formatViewerInputMarker(viewer, data);
    if (label !== undefined) this.enqueue('m', label, label.length);
  }

  /** Terminal size change; invalid sizes (zero, fractional) are ignored rather than thrown into the relay. */
  resize(cols: number, rows: number): void {
    if (!this.accepting || !isPositiveInteger(cols) || !isPositiveInteger(rows)) return;
    const size = formatSize(cols, rows);
    this.enqueue('r', size, size.length);
  }

  /**
   * Appends bytes already framed as `.vcast` stores them (the off-thread writer frames on the
   * gateway's thread), in order with everything else, without copying them: the caller hands them
   * over. Only for a `.vcast` recording; the frames' own times are what players read.
   */
  appendFrames(frames: Buffer): void {
    if (!this.accepting || frames.length === 0) return;
    if (!this.framed) throw new Error(`${this.file.path} is not a framed recording`); // a bug in the caller
    const before = this.buffer.queuedBytes;
    this.buffer.push(this.elapsedSeconds(), PREFRAMED, frames, frames.length, true);
    this.queuedTotal += this.buffer.queuedBytes - before;
    if (this.buffer.queuedBytes >= this.flushThresholdBytes) this.scheduleEarlyFlush();
  }

  /** A labelled point in time (asciicast `m` event), e.g. "shadow joined". */
  marker(label: string): void {
    if (!this.accepting) return;
    this.enqueue('m', label, label.length);
  }

  stats(): AsciicastWriterStats {
    return {
      bufferedBytes: this.buffer.bufferedBytes,
      droppedBytes: this.buffer.droppedBytes,
      droppedEvents: this.buffer.droppedEvents,
      bytesWritten: this.file.bytesWritten,
    };
  }

  /**
   * Resolves once everything recorded so far has been handed to the OS (or given up on after a
   * failure), without flushing early: the recording thread tells the gateway "taken" only then, so
   * the gateway's in-flight bound covers every byte not yet written, and the thread's own queue
   * never overflows first.
   */
  written(): Promise<void> {
    if (this.writtenTotal >= this.queuedTotal) return Promise.resolve();
    return new Promise((resolve) => this.writtenWaiters.push({ upTo: this.queuedTotal, resolve }));
  }

  /**
   * Writes everything still queued, syncs and closes the file, and returns its hash for the
   * access log. Safe to call more than once: every call gets the same result.
   * Rejects with RecordingFailedError when a write failed during the session.
   */
  close(): Promise<AsciicastWriterSummary> {
    this.closing ??= this.finish();
    return this.closing;
  }

  /** The hot path: a clock read, a bounds check and one copy of the chunk. */
  private record(code: 'o' | 'i', data: Buffer | Uint8Array | string): void {
    // Strings join the same byte stream so they go through the same per-direction decoder.
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0) return;
    this.enqueue(code, bytes, bytes.length);
  }

  private enqueue(code: AsciicastEventCode, data: Uint8Array | string, cost: number): void {
    const before = this.buffer.queuedBytes; // a gap marker written first counts too
    this.buffer.push(this.elapsedSeconds(), code, data, cost);
    this.queuedTotal += this.buffer.queuedBytes - before;
    if (this.buffer.queuedBytes >= this.flushThresholdBytes) this.scheduleEarlyFlush();
  }

  /** Non-decreasing even if an injected clock steps backwards, as players require. */
  private elapsedSeconds(): number {
    const elapsed = this.clock() - this.startMs;
    if (elapsed > this.lastElapsedMs) this.lastElapsedMs = elapsed;
    return roundToMicroseconds(this.lastElapsedMs / 1000);
  }

  private scheduleEarlyFlush(): void {
    if (this.earlyFlushScheduled) return;
    this.earlyFlushScheduled = true;
    // Deferred so the caller's data handler returns before any serialisation or I/O starts.
    setImmediate(() => {
      this.earlyFlushScheduled = false;
      void this.flush();
    });
  }

  private tick(): void {
    if (this.activeTick) return; // a slow fsync must not pile up ticks
    this.activeTick = this.flushAndSync().finally(() => {
      this.activeTick = undefined;
    });
  }

  private async flushAndSync(): Promise<void> {
    await this.flush();
    if (!this.syncToDisk || !this.unsyncedWrites || this.failure) return;
    this.unsyncedWrites = false;
    try {
      await this.file.sync();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Single-flight: concurrent callers share one drain loop. Never rejects. */
  private flush(): Promise<void> {
    this.activeFlush ??= this.drain().finally(() => {
      this.activeFlush = undefined;
    });
    return this.activeFlush;
  }

  private async drain(): Promise<void> {
    while (!this.failure && this.buffer.hasQueued) {
      const batch = this.buffer.take();
      try {
        await this.file.append(this.serializer.serialize(batch.events, batch.cost));
        this.unsyncedWrites = true;
      } catch (error) {
        this.fail(error);
      } finally {
        this.buffer.settle(batch);
        this.settleWritten(batch.cost);
      }
    }
  }

  private settleWritten(cost: number): void {
    this.writtenTotal += cost;
    if (this.writtenWaiters.length === 0) return;
    const waiting = this.writtenWaiters;
    this.writtenWaiters = [];
    for (const waiter of waiting) {
      if (waiter.upTo <= this.writtenTotal) waiter.resolve();
      else this.writtenWaiters.push(waiter);
    }
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = new RecordingFailedError(this.file.path, error);
    this.accepting = false;
    this.buffer.discardQueued();
    this.settleWritten(Number.POSITIVE_INFINITY); // nothing more will be written: release every waiter
    try {
      this.onError?.(this.failure);
    } catch {
      // The callback is for reporting; its own failure must not break the timer.
    }
  }

  private async finish(): Promise<AsciicastWriterSummary> {
    this.accepting = false;
    clearInterval(this.timer);
    const closeTime = this.elapsedSeconds();
    this.buffer.closeGap(closeTime);

    await this.activeTick;
    await this.flush();
    // Incomplete multibyte sequences at the very end become U+FFFD rather than vanishing.
    const tail = this.serializer.finish(closeTime);
    if (tail.length > 0 && !this.failure) {
      await this.file.append(tail).catch((error: unknown) => this.fail(error));
      this.unsyncedWrites = true;
    }
    if (this.syncToDisk && this.unsyncedWrites && !this.failure) {
      await this.file.sync().catch((error: unknown) => this.fail(error));
    }
    const { sha256, bytes } = await this.file.close();
    if (this.failure) throw this.failure;
    return {
      path: this.file.path,
      sha256,
      bytes,
      durationSeconds: closeTime,
      droppedBytes: this.buffer.droppedBytes,
    };
  }
}
