import { PREFRAMED, type PendingEvent } from '../bounded-event-buffer';
import type { BatchSerializer } from '../event-batch-serializer';
import { FRAME_HEADER_BYTES, writeFrameHeader } from './framed-format';

/**
 * Turns queued events into frames (framed-format.ts): a fixed header and the bytes as they came,
 * no decoding or escaping, and not even a copy: the batch is the frame headers (one small buffer)
 * interleaved with the queued chunks themselves, for one writev. Stateless across batches: a
 * character split across two chunks simply stays split, and is joined by whoever decodes it.
 */
export class FrameBatchSerializer implements BatchSerializer {
  serialize(events: readonly PendingEvent[]): Buffer[] {
    const headers = Buffer.allocUnsafe(events.length * FRAME_HEADER_BYTES);
    const pieces: Buffer[] = [];
    events.forEach(({ time, code, data }, index) => {
      const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      if (code === PREFRAMED) {
        if (payload.length > 0) pieces.push(payload);
        return;
      }
      const at = index * FRAME_HEADER_BYTES;
      writeFrameHeader(headers, at, code, time * 1_000_000, payload.length);
      pieces.push(headers.subarray(at, at + FRAME_HEADER_BYTES));
      if (payload.length > 0) pieces.push(payload);
    });
    return pieces;
  }

  /** Nothing is held back between batches. */
  finish(): Buffer {
    return Buffer.alloc(0);
  }
}
