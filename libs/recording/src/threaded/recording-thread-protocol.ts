/**
 * Messages between the gateway's event loop and the recording thread. Times are milliseconds since
 * the recording was opened, read on the gateway's thread when the bytes passed by, so the worker's
 * own scheduling never shifts an event.
 */

/**
 * A byte event points into the batch buffer; marker and resize events carry their text; a viewer's
 * input ('v') points into the buffer and names the viewer.
 */
export type ThreadEvent =
  | [elapsedMs: number, code: 'o' | 'i', offset: number, length: number]
  | [elapsedMs: number, code: 'v', offset: number, length: number, viewer: string]
  | [elapsedMs: number, code: 'r' | 'm', text: string];

export interface ThreadOpenOptions {
  cols: number;
  rows: number;
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
  flushIntervalMs?: number;
  flushThresholdBytes?: number;
  maxBufferedBytes?: number;
  syncToDisk?: boolean;
}

/**
 * One recording's bytes of one tick: `bytes` bytes at `offset` of `buffer` (small batches of one
 * tick share one buffer; event offsets count from `offset`).
 */
export type BatchMessage =
  | { type: 'events'; id: number; buffer: ArrayBuffer; offset: number; events: ThreadEvent[]; bytes: number }
  /** a `.vcast` recording's next `bytes` of the file, framed on the gateway's thread; `elapsedMs`: its last frame's time */
  | { type: 'frames'; id: number; buffer: ArrayBuffer; offset: number; bytes: number; elapsedMs: number };

/**
 * Small framed batches of one tick: their bytes side by side in `buffer`, and per batch
 * SHARED_FRAME_FIELDS numbers in `meta`: recording id, offset, byte count, elapsedMs.
 */
export interface SharedFrames {
  buffer: ArrayBuffer;
  meta: Float64Array;
}
export const SHARED_FRAME_FIELDS = 4;

export type ToRecordingThread =
  | { type: 'open'; id: number; path: string; options: ThreadOpenOptions }
  /** every recording's batch of one tick (a recording has one at most): small framed ones in `shared` */
  | { type: 'batches'; items: BatchMessage[]; shared?: SharedFrames }
  | { type: 'close'; id: number; elapsedMs: number };

export interface ThreadSummary {
  sha256: string;
  bytes: number;
  durationSeconds: number;
  droppedBytes: number;
}

export type FromRecordingThread =
  | { type: 'opened'; id: number }
  | { type: 'open-failed'; id: number; message: string }
  /** the worker wrote `bytes` of a batch to the file (handed to the OS): the gateway may send that much more */
  | { type: 'consumed'; id: number; bytes: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed'; id: number; summary: ThreadSummary }
  | { type: 'close-failed'; id: number; message: string };
