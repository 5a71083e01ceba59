import { performance } from 'node:perf_hooks';
import { formatSize, isPositiveInteger } from '../asciicast-format';
import type { AsciicastWriterOptions, AsciicastWriterSummary } from '../asciicast-writer';
import { DEFAULT_MAX_BUFFERED_BYTES } from '../asciicast-writer';
import { formatGapMarker } from '../bounded-event-buffer';
import { FRAMED_EXTENSION } from '../framed/framed-format';
import { RecordingFailedError } from '../recording-failed-error';
import { EventThreadBatch } from './event-thread-batch';
import { FrameThreadBatch } from './frame-thread-batch';
import { type BatchSource, RecordingThread, recordingThread } from './recording-thread';
import type { FromRecordingThread, ThreadSummary } from './recording-thread-protocol';
import { BatchCapacity, type PostedBatch, type ThreadBatch } from './thread-batch';

/** A batch is posted on the recording thread's next tick, or at once when it reaches this size. */
const BATCH_LIMIT_BYTES = 1024 * 1024;
/** an interactive session's batch is a keystroke or a line: small; a flood's grows from its previous one */
const FIRST_BATCH_CAPACITY = 1024;
/** Room above the limit for the chunk that crosses it, so a flood's batches never grow. */
const LARGEST_FIRST_CAPACITY = BATCH_LIMIT_BYTES + 64 * 1024;

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
 * off the relay's path: a record call here stamps the time and copies the chunk into the turn's
 * batch, nothing else. For a `.vcast` path that copy is the framing itself (frame-thread-batch.ts),
 * so the recording thread only hashes and writes; for a `.cast` path the thread escapes the events.
 *
 * Memory stays bounded: if the thread falls `maxInFlightBytes` behind, output and input are dropped
 * (never the user's data path) and one gap marker records how much, as the writer itself does.
 */
export class OffThreadAsciicastWriter implements BatchSource {
  /** made with the turn's first event: an idle session holds no buffer */
  private batch?: ThreadBatch;
  private readonly capacity = new BatchCapacity(FIRST_BATCH_CAPACITY, LARGEST_FIRST_CAPACITY);
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
    private readonly framed = path.endsWith(FRAMED_EXTENSION),
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
    this.currentBatch().addText(this.elapsedMs(), 'r', formatSize(cols, rows));
    this.scheduleFlush();
  }

  marker(label: string): void {
    if (!this.accepting) return;
    this.currentBatch().addText(this.elapsedMs(), 'm', label);
    this.scheduleFlush();
  }

  stats(): OffThreadWriterStats {
    return { inFlightBytes: this.inFlightBytes + (this.batch?.bytes ?? 0), droppedBytes: this.droppedBytes };
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
    const batch = this.currentBatch();
    if (this.inFlightBytes + batch.bytes + batch.costOf(bytes.length) > this.maxInFlightBytes) {
      if (this.gap.events === 0) this.gap.sinceSeconds = elapsedMs / 1000;
      this.gap.bytes += bytes.length;
      this.gap.events += 1;
      this.droppedBytes += bytes.length;
      return;
    }
    this.closeGap(elapsedMs);
    if (code === 'v') batch.addViewerInput(elapsedMs, viewer, bytes);
    else batch.add(elapsedMs, code, bytes);
    if (batch.bytes >= BATCH_LIMIT_BYTES) this.flush();
    else this.scheduleFlush();
  }

  /**
   * Not at the end of the turn, and not on a timer of its own: the recording thread collects every
   * recording's batch on one shared tick (recording-thread.ts) and posts them in one message. A
   * relay turn carries one SSH packet or a few, and a postMessage per turn and recording cost the
   * relay's thread more than copying the bytes did (9% of it at 100 MB/s, 15% with 300 typing
   * users). Nothing waits on a posted batch but the disk; a crash loses the same either way.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.thread.schedule(this);
  }

  private closeGap(elapsedMs: number): void {
    if (this.gap.events === 0) return;
    const { bytes, events, sinceSeconds } = this.gap;
    this.gap = { bytes: 0, events: 0, sinceSeconds: 0 };
    this.currentBatch().addText(elapsedMs, 'm', formatGapMarker(bytes, events, Math.round(sinceSeconds * 1e6) / 1e6));
  }

  private currentBatch(): ThreadBatch {
    if (this.batch) return this.batch;
    const capacity = this.capacity.next();
    this.batch = this.framed ? new FrameThreadBatch(capacity) : new EventThreadBatch(capacity);
    return this.batch;
  }

  /** Hands the batch over at once (it is full, or the recording closes), with every other one waiting. */
  private flush(): void {
    this.thread.schedule(this);
    this.thread.sendScheduled();
  }

  /** @internal the recording thread's tick: the batch so far, transferred to the thread, not copied. */
  takeBatch(): PostedBatch | undefined {
    this.flushScheduled = false;
    const batch = this.batch;
    if (!batch || batch.isEmpty) return undefined;
    this.capacity.used(batch.bytes);
    this.batch = undefined;
    this.inFlightBytes += batch.bytes;
    return batch.post(this.id);
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
