import { roundToMicroseconds } from '../asciicast-format';
import { FRAME_HEADER_BYTES, writeFrameHeader } from '../framed/framed-format';
import { formatViewerInputMarker } from '../viewer-input-marker';
import type { PostedBatch, ThreadBatch } from './thread-batch';
import { transferableBytes } from './thread-batch';
import type { GrowableBuffer } from '../growable-buffer';

/**
 * A `.vcast` batch: frames (framed-format.ts) written here, header then the chunk's bytes, in
 * the one copy the chunk needs anyway to leave this thread. The recording thread then does no
 * per-event work at all: it hashes the batch and writes it as one piece.
 */
export class FrameThreadBatch implements ThreadBatch {
  private readonly out: GrowableBuffer;
  private lastElapsedMs = 0;

  constructor(capacity: number) {
    this.out = transferableBytes(capacity);
  }

  get bytes(): number {
    return this.out.length;
  }

  get isEmpty(): boolean {
    return this.out.length === 0;
  }

  costOf(length: number): number {
    return FRAME_HEADER_BYTES + length;
  }

  add(elapsedMs: number, code: 'o' | 'i', data: Uint8Array): void {
    this.frame(elapsedMs, code, data);
  }

  /** As the in-thread writer records it: a `vigil:input` marker naming the viewer. */
  addViewerInput(elapsedMs: number, viewer: string, data: Uint8Array): void {
    const label = formatViewerInputMarker(viewer, data);
    if (label !== undefined) this.addText(elapsedMs, 'm', label);
  }

  addText(elapsedMs: number, code: 'r' | 'm', text: string): void {
    this.frame(elapsedMs, code, Buffer.from(text, 'utf8'));
  }

  post(id: number): PostedBatch {
    const { bytes, length } = this.out;
    return {
      message: { type: 'frames', id, buffer: bytes.buffer as ArrayBuffer, offset: 0, bytes: length, elapsedMs: this.lastElapsedMs },
      transfer: [bytes.buffer as ArrayBuffer],
    };
  }

  private frame(elapsedMs: number, code: 'o' | 'i' | 'r' | 'm', payload: Uint8Array): void {
    this.lastElapsedMs = elapsedMs;
    const out = this.out;
    out.reserve(FRAME_HEADER_BYTES + payload.length);
    // the same rounding as the in-thread writer, so both write the same file
    writeFrameHeader(out.bytes, out.length, code, roundToMicroseconds(elapsedMs / 1000) * 1_000_000, payload.length);
    out.length += FRAME_HEADER_BYTES;
    out.appendBytes(payload);
  }
}
