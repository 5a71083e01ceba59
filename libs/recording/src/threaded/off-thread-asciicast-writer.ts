import { performance } from 'node:perf_hooks';
import { formatSize, isPositiveInteger } from '../asciicast-format';
import type { AsciicastWriterOptions, AsciicastWriterSummary } from '../asciicast-writer';
import { DEFAULT_MAX_BUFFERED_BYTES } from '../asciicast-writer';
import { formatGapMarker } from '../bounded-event-buffer';
import { RecordingFailedError } from '../recording-failed-error';
import { RecordingThread, recordingThread } from './recording-thread';
import type { FromRecordingThread, ThreadEvent, ThreadSummary } from './recording-thread-protocol';

/** A batch is posted at the end of the event-loop turn, or at once when it reaches this size. */
const BATCH_LIMIT_BYTES = 1024 * 1024;
const FIRST_BATCH_CAPACITY = 64 * 1024;

export interface OffThreadWriterOptions extends Omit<AsciicastWriterOptions, 'clock'> {
  /** Milliseconds from any origin; defaults to performance.now(). Read on this thread, per event. */
  clock?: () => number;
  /** Bytes posted to the thread and not yet written by it; beyond it output is dropped behind a gap marker. */
  maxInFlightBytes?: number;
  thread?: RecordingThread;
}

export interface OffThreadWriterStats {
  inFlightBytes: number;
  /** dropped on this side because the recording thread fell behind (the thread may drop more) */
  droppedBytes: number;
}

/**
 * The AsciicastWriter's contract (same file, same record calls, same summary) with the work moved
 * to the recording thread: a record call here stamps the time and copies the chunk into the turn's
 * batch, nothing else. Framing (or, for a `.cast` path, escaping), hashing and disk writes run on the thread.
 *
 * Memory stays bounded: if the thread falls `maxInFlightBytes` behind, output and input are dropped
 * (never the user's data path) and one gap marker records how much, as the writer itself does.
 */
export class OffThreadAsciicastWriter {
  private batch = Buffer.alloc(0);
  private batchBytes = 0;
  private events: ThreadEvent[] = [];
  private flushScheduled = false;
  private inFlightBytes = 0;
  private accepting = true;
  private failure?: RecordingFailedError;
  private gap = { bytes: 0, events: 0, sinceSeconds: 0 };
  private droppedBytes = 0;
  private lastElapsedMs = 0;
  private closing?: Promise<AsciicastWriterSummary>;
  private settleClose?: (message: FromRecordingThread) => void;

  private constructor(
    readonly path: string,
    private readonly id: number,
    private readonly thread: RecordingThread,
    private readonly clock: () => number,
    private readonly startMs: number,
    private readonly maxInFlightBytes: number,
    private readonly onError: ((error: RecordingFailedError) => void) | undefined,
  ) {}

  /** Creates the file on the recording thread (refusing to overwrite one) with its header line. */
  static open(filePath: string, options: OffThreadWriterOptions): Promise<OffThreadAsciicastWriter> {
    const { cols, rows } = options;
    if (!isPositiveInteger(cols) || !isPositiveInteger(rows)) {
      return Promise.reject(new RangeError(`asciicast size must be positive integers, got ${cols}x${rows}`));
    }
    const thread = options.thread ?? recordingThread;
    const clock = options.clock ?? (() => performance.now());
    return new Promise((resolve, reject) => {
      let writer: OffThreadAsciicastWriter | undefined;
      const id = thread.register((message) => {
        if (writer) return writer.onMessage(message);
        if (message.type === 'opened') {
          writer = new OffThreadAsciicastWriter(
            filePath,
            id,
            thread,
            clock,
            clock(),
            options.maxInFlightBytes ?? options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
            options.onError,
          );
          resolve(writer);
        } else if (message.type === 'open-failed' || message.type === 'failed') {
          thread.unregister(id);
          reject(new Error(message.message));
        }
      });
      thread.post({
        type: 'open',
        id,
        path: filePath,
        options: {
          cols,
          rows,
          timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
          title: options.title,
          env: options.env,
          flushIntervalMs: options.flushIntervalMs,
          flushThresholdBytes: options.flushThresholdBytes,
          // A backstop only: the thread reports bytes taken once written, so this side's bound
          // (maxInFlightBytes) holds everything not yet on disk; markers need a little room on top.
          maxBufferedBytes: (options.maxInFlightBytes ?? options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES) + 1024 * 1024,
          syncToDisk: options.syncToDisk,
        },
      });
    });
  }

  output(data: Buffer | Uint8Array | string): void {
    this.record('o', data);
  }

  input(data: Buffer | Uint8Array | string): void {
    this.record('i', data);
  }

  /** A shadowing viewer's keystrokes, attributed to `viewer` (AsciicastWriter.viewerInput). */
  viewerInput(viewer: string, data: Buffer | Uint8Array | string): void {
    this.record('v', data, viewer);
  }

  /** Never dropped: losing a resize would garble every later screen. Invalid sizes are ignored. */
  resize(cols: number, rows: number): void {
    if (!this.accepting || !isPositiveInteger(cols) || !isPositiveInteger(rows)) return;
    this.push([this.elapsedMs(), 'r', formatSize(cols, rows)]);
  }

  marker(label: string): void {
    if (!this.accepting) return;
    this.push([this.elapsedMs(), 'm', label]);
  }

  stats(): OffThreadWriterStats {
    return { inFlightBytes: this.inFlightBytes + this.batchBytes, droppedBytes: this.droppedBytes };
  }

  /** Posts what is batched, then has the thread seal the file; same result for every call. */
  close(): Promise<AsciicastWriterSummary> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private record(code: 'o' | 'i' | 'v', data: Buffer | Uint8Array | string, viewer = ''): void {
    if (!this.accepting) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0) return;
    const elapsedMs = this.elapsedMs();
    if (this.inFlightBytes + this.batchBytes + bytes.length > this.maxInFlightBytes) {
      if (this.gap.events === 0) this.gap.sinceSeconds = elapsedMs / 1000;
      this.gap.bytes += bytes.length;
      this.gap.events += 1;
      this.droppedBytes += bytes.length;
      return;
    }
    this.closeGap(elapsedMs);
    this.reserve(bytes.length);
    this.batch.set(bytes, this.batchBytes);
    this.push(code === 'v' ? [elapsedMs, code, this.batchBytes, bytes.length, viewer] : [elapsedMs, code, this.batchBytes, bytes.length]);
    this.batchBytes += bytes.length;
    if (this.batchBytes >= BATCH_LIMIT_BYTES) this.flush();
  }

  private push(event: ThreadEvent): void {
    this.events.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private closeGap(elapsedMs: number): void {
    if (this.gap.events === 0) return;
    const { bytes, events, sinceSeconds } = this.gap;
    this.gap = { bytes: 0, events: 0, sinceSeconds: 0 };
    this.events.push([elapsedMs, 'm', formatGapMarker(bytes, events, Math.round(sinceSeconds * 1e6) / 1e6)]);
  }

  /** The batch is transferred to the thread, not copied: it needs its own ArrayBuffer. */
  private reserve(extra: number): void {
    const needed = this.batchBytes + extra;
    if (needed <= this.batch.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, FIRST_BATCH_CAPACITY, this.batch.length * 2));
    this.batch.copy(grown, 0, 0, this.batchBytes);
    this.batch = grown;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.events.length === 0) return;
    const buffer = this.batch.buffer as ArrayBuffer;
    const bytes = this.batchBytes;
    const events = this.events;
    this.batch = Buffer.alloc(0);
    this.batchBytes = 0;
    this.events = [];
    this.inFlightBytes += bytes;
    this.thread.post({ type: 'events', id: this.id, buffer, events, bytes }, bytes > 0 ? [buffer] : []);
  }

  /** Non-decreasing even if the clock steps backwards, as players require. */
  private elapsedMs(): number {
    const elapsed = this.clock() - this.startMs;
    if (elapsed > this.lastElapsedMs) this.lastElapsedMs = elapsed;
    return this.lastElapsedMs;
  }

  private onMessage(message: FromRecordingThread): void {
    switch (message.type) {
      case 'consumed':
        this.inFlightBytes -= message.bytes;
        return;
      case 'failed':
        return this.fail(message.message);
      case 'closed':
      case 'close-failed':
        return this.settleClose?.(message);
    }
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = new RecordingFailedError(this.path, new Error(reason));
    this.accepting = false;
    try {
      this.onError?.(this.failure);
    } catch {
      // reporting only
    }
  }

  private async finish(): Promise<AsciicastWriterSummary> {
    const elapsedMs = this.elapsedMs();
    this.closeGap(elapsedMs);
    this.accepting = false;
    const settled = new Promise<FromRecordingThread>((resolve) => (this.settleClose = resolve));
    this.flush();
    this.thread.post({ type: 'close', id: this.id, elapsedMs });
    const result = await settled;
    this.thread.unregister(this.id);
    if (result.type !== 'closed') throw this.failure ?? new RecordingFailedError(this.path, new Error(result.type === 'close-failed' ? result.message : 'closed'));
    return this.summary(result.summary);
  }

  private summary({ sha256, bytes, durationSeconds, droppedBytes }: ThreadSummary): AsciicastWriterSummary {
    return { path: this.path, sha256, bytes, durationSeconds, droppedBytes: droppedBytes + this.droppedBytes };
  }
}
