import type { ThreadEvent } from './recording-thread-protocol';
import type { PostedBatch, ThreadBatch } from './thread-batch';
import { transferableBytes } from './thread-batch';
import type { GrowableBuffer } from '../growable-buffer';

/**
 * A `.cast` batch: the chunks' bytes side by side and one event per chunk pointing into them; the
 * recording thread decodes and escapes them as asciicast (which needs its per-direction decoders,
 * so it cannot happen here).
 */
export class EventThreadBatch implements ThreadBatch {
  private readonly out: GrowableBuffer;
  private readonly events: ThreadEvent[] = [];

  constructor(capacity: number) {
    this.out = transferableBytes(capacity);
  }

  get bytes(): number {
    return this.out.length;
  }

  get isEmpty(): boolean {
    return this.events.length === 0;
  }

  costOf(length: number): number {
    return length;
  }

  add(elapsedMs: number, code: 'o' | 'i', data: Uint8Array): void {
    this.events.push([elapsedMs, code, this.out.length, data.length]);
    this.out.appendBytes(data);
  }

  addViewerInput(elapsedMs: number, viewer: string, data: Uint8Array): void {
    this.events.push([elapsedMs, 'v', this.out.length, data.length, viewer]);
    this.out.appendBytes(data);
  }

  addText(elapsedMs: number, code: 'r' | 'm', text: string): void {
    this.events.push([elapsedMs, code, text]);
  }

  post(id: number): PostedBatch {
    const { bytes, length } = this.out;
    return {
      message: { type: 'events', id, buffer: bytes.buffer as ArrayBuffer, offset: 0, events: this.events, bytes: length },
      transfer: [bytes.buffer as ArrayBuffer],
    };
  }
}
