import { GrowableBuffer } from '../growable-buffer';
import type { BatchMessage } from './recording-thread-protocol';

/** What one batch becomes on the way to the recording thread: the message and what it transfers. */
export interface PostedBatch {
  message: BatchMessage;
  transfer: ArrayBuffer[];
}

/**
 * One event-loop turn's recording, assembled on the gateway's thread and handed to the recording
 * thread in one message. Two shapes: framed (`.vcast`, the bytes as they are stored, so the thread
 * only hashes and writes them) and events (`.cast`, which the thread escapes as asciicast).
 */
export interface ThreadBatch {
  /** Bytes this batch holds: what counts against the writer's in-flight bound. */
  readonly bytes: number;
  readonly isEmpty: boolean;
  /** The bytes `add` would add for a chunk of `length` (the in-flight check runs before the copy). */
  costOf(length: number): number;
  /** `data` is copied: the caller's chunk is not kept. */
  add(elapsedMs: number, code: 'o' | 'i', data: Uint8Array): void;
  addViewerInput(elapsedMs: number, viewer: string, data: Uint8Array): void;
  addText(elapsedMs: number, code: 'r' | 'm', text: string): void;
  /** The message for recording `id`; the batch is not used afterwards. */
  post(id: number): PostedBatch;
}

/**
 * Sizes each batch's first allocation from the previous one, so a flood's batches are allocated
 * once at about their final size instead of doubling (and copying) their way up to it, while an
 * idle session's batches stay small.
 */
export class BatchCapacity {
  private last = 0;

  constructor(
    private readonly smallest: number,
    private readonly largest: number,
  ) {}

  next(): number {
    return Math.min(this.largest, Math.max(this.smallest, this.last));
  }

  used(bytes: number): void {
    this.last = bytes;
  }
}

/**
 * A buffer the batch can transfer to the thread: its own ArrayBuffer (a pooled slice would detach
 * the pool), grown by doubling when a chunk does not fit.
 */
export function transferableBytes(capacity: number): GrowableBuffer {
  return new GrowableBuffer(capacity, Buffer.allocUnsafeSlow);
}
