import { Worker } from 'node:worker_threads';
import { compiledWorkerFile } from '@vigil/common';
import { SHARED_FRAME_FIELDS, type BatchMessage, type FromRecordingThread, type ToRecordingThread } from './recording-thread-protocol';
import type { PostedBatch } from './thread-batch';

type Listener = (message: FromRecordingThread) => void;

/** How long a recording's bytes may wait on this thread before they are posted with everyone's. */
export const BATCH_TICK_MS = 10;

/** A recording whose bytes wait on this thread (an OffThreadAsciicastWriter). */
export interface BatchSource {
  /** What it has gathered since the last call, or nothing. */
  takeBatch(): PostedBatch | undefined;
}

/**
 * The one worker thread that writes every recording of this process, started with the first
 * recording and left to exit (unref'd) when none is open. Messages are routed by recording id.
 *
 * Recordings' bytes are posted on a shared tick: every BATCH_TICK_MS, one message carries the
 * batch of every recording that gathered one (with 300 users typing, one postMessage per tick
 * instead of one per recording and keystroke). Any other message first sends what waits, so a
 * recording's close always follows its last bytes.
 */
export class RecordingThread {
  private worker?: Worker;
  private readonly listeners = new Map<number, Listener>();
  private nextId = 1;
  private readonly scheduled = new Set<BatchSource>();
  private tick?: NodeJS.Timeout;

  /** Registers a recording; `listener` gets its replies, or a `failed` message if the thread dies. */
  register(listener: Listener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    this.ensureWorker().ref();
    return id;
  }

  unregister(id: number): void {
    this.listeners.delete(id);
    if (this.listeners.size === 0) this.worker?.unref();
  }

  post(message: ToRecordingThread, transfer: ArrayBuffer[] = []): void {
    this.sendScheduled();
    this.ensureWorker().postMessage(message, transfer);
  }

  /** `source` has bytes waiting: they go with the next tick's message. */
  schedule(source: BatchSource): void {
    this.scheduled.add(source);
    this.tick ??= setTimeout(() => this.sendScheduled(), BATCH_TICK_MS);
  }

  /** Posts every waiting batch now, in one message. */
  sendScheduled(): void {
    if (this.tick) clearTimeout(this.tick);
    this.tick = undefined;
    if (this.scheduled.size === 0) return;
    const batches: PostedBatch[] = [];
    for (const source of this.scheduled) {
      const batch = source.takeBatch();
      if (batch) batches.push(batch);
    }
    this.scheduled.clear();
    if (batches.length === 0) return;
    const { transfer, ...message } = packBatches(batches);
    this.ensureWorker().postMessage(message satisfies ToRecordingThread, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(recordingWorkerFile());
    worker.on('message', (message: FromRecordingThread) => this.listeners.get(message.id)?.(message));
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // Every open recording lost its writer: tell each, so close() rejects instead of hanging.
      for (const [id, listener] of [...this.listeners]) listener({ type: 'failed', id, message: reason });
      for (const [id, listener] of [...this.listeners]) listener({ type: 'close-failed', id, message: reason });
    };
    worker.on('error', (error) => lost(`the recording thread crashed: ${error.message}`));
    worker.on('exit', (code) => lost(`the recording thread exited (code ${code})`));
    this.worker = worker;
    return worker;
  }
}

/** Below this a framed batch's bytes are copied into the tick's shared buffer rather than transferred alone. */
const SMALL_BATCH_BYTES = 16 * 1024;

/**
 * A tick of 300 typing users is 300 batches of a few bytes each, and what a postMessage costs is
 * per object cloned and per buffer transferred, not per byte. Small framed batches therefore
 * travel as their bytes copied into one buffer plus four numbers each in one Float64Array
 * (SharedFrames); large batches (a flood) and `.cast` event batches keep their own message and
 * buffer, not copied again.
 */
export function packBatches(batches: readonly PostedBatch[]): Extract<ToRecordingThread, { type: 'batches' }> & { transfer: ArrayBuffer[] } {
  const small = batches.filter((batch) => batch.message.type === 'frames' && batch.message.bytes < SMALL_BATCH_BYTES);
  if (small.length < 2) return { type: 'batches', items: batches.map((b) => b.message), transfer: batches.flatMap((b) => b.transfer) };
  const shared = Buffer.allocUnsafeSlow(small.reduce((sum, batch) => sum + batch.message.bytes, 0));
  const meta = new Float64Array(small.length * SHARED_FRAME_FIELDS);
  const items: BatchMessage[] = [];
  const transfer: ArrayBuffer[] = [shared.buffer as ArrayBuffer, meta.buffer];
  let at = 0;
  let n = 0;
  for (const batch of batches) {
    const { message } = batch;
    if (message.type !== 'frames' || message.bytes >= SMALL_BATCH_BYTES) {
      items.push(message);
      transfer.push(...batch.transfer);
      continue;
    }
    shared.set(new Uint8Array(message.buffer, message.offset, message.bytes), at);
    meta.set([message.id, at, message.bytes, message.elapsedMs], n * SHARED_FRAME_FIELDS);
    at += message.bytes;
    n += 1;
  }
  return { type: 'batches', items, shared: { buffer: shared.buffer as ArrayBuffer, meta }, transfer };
}

/**
 * The compiled worker entry. From compiled code it sits beside this file; when this file runs from
 * TypeScript (jest), the worker still runs the build in dist/ (`npm test` builds first), because a
 * worker thread starts a plain Node.js context without the test's TypeScript transform.
 */
export function recordingWorkerFile(): string {
  return compiledWorkerFile(__filename, 'libs/recording/src/threaded/recording-worker');
}

/** Shared by every recording of the process. */
export const recordingThread = new RecordingThread();
