import type { AsciicastEventCode } from './asciicast-format';
import type { PendingEvent } from './bounded-event-buffer';
import { GrowableBuffer } from './growable-buffer';
import { JsonStringEncoder } from './json-string-encoder';

/** Room for `[123456.123456,"o","` and `"]\n` around each event's data. */
const LINE_OVERHEAD_ESTIMATE = 32;

/** Turns a flush batch of queued events into the bytes appended to the recording file. */
export interface BatchSerializer {
  /** `dataBytes` (the batch's queued cost) only sizes the first allocation. Pieces are appended in order. */
  serialize(events: readonly PendingEvent[], dataBytes: number): Buffer | Buffer[];
  /** Whatever the serializer still holds at the end of the recording (`time`: the close time). */
  finish(time: number): Buffer;
}

/**
 * Turns queued events into asciicast event lines. Owns one streaming encoder per direction, so
 * it must see every batch of a recording, in order: a character split across two chunks (or two
 * batches) is completed by the later one, and output and input never complete each other's.
 */
export class EventBatchSerializer implements BatchSerializer {
  private readonly encoders: Record<'o' | 'i', JsonStringEncoder> = {
    o: new JsonStringEncoder(),
    i: new JsonStringEncoder(),
  };

  /** `dataBytes` (the batch's queued cost) only sizes the first allocation. */
  serialize(events: readonly PendingEvent[], dataBytes: number): Buffer {
    const out = new GrowableBuffer(dataBytes + events.length * LINE_OVERHEAD_ESTIMATE);
    for (const event of events) this.appendLine(out, event);
    return out.contents();
  }

  /** Lines for characters left unfinished at the end of the stream (as U+FFFD). */
  finish(time: number): Buffer {
    const out = new GrowableBuffer(LINE_OVERHEAD_ESTIMATE * 2);
    for (const code of ['o', 'i'] as const) {
      this.appendEncoded(out, time, code, (body) => this.encoders[code].end(body));
    }
    return out.contents();
  }

  private appendLine(out: GrowableBuffer, event: PendingEvent): void {
    const { time, code, data } = event;
    if (typeof data === 'string') {
      out.appendAscii(`[${time},"${code}",`);
      out.appendBytes(Buffer.from(JSON.stringify(data), 'utf8'));
      out.appendAscii(']\n');
      return;
    }
    if (code !== 'o' && code !== 'i') throw new Error(`event "${code}" cannot carry raw bytes`); // a bug in the writer
    const encoder = this.encoders[code];
    this.appendEncoded(out, time, code, (body) => encoder.write(data, body));
  }

  /** Writes one line, or nothing when the encoder held every byte back (a partial character). */
  private appendEncoded(
    out: GrowableBuffer,
    time: number,
    code: AsciicastEventCode,
    encode: (body: GrowableBuffer) => void,
  ): void {
    const lineStart = out.length;
    out.appendAscii(`[${time},"${code}","`);
    const bodyStart = out.length;
    encode(out);
    if (out.length === bodyStart) {
      out.length = lineStart;
      return;
    }
    out.appendAscii('"]\n');
  }
}
