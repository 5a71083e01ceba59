import { StringDecoder } from 'node:string_decoder';

/** Terminal output as it arrives: raw bytes from the SSH channel, or text already decoded upstream. */
export type TerminalChunk = Buffer | Uint8Array | string;

/**
 * Turns a stream of byte chunks into text without corrupting characters whose UTF-8 bytes are
 * split across chunks: the incomplete tail of one chunk is held back until the next completes it.
 *
 * Strings pass through unchanged. If a string arrives while bytes of a half-received character are
 * held back, that character can never be completed in order, so it is emitted as U+FFFD first:
 * output order always follows input order.
 */
export class Utf8StreamDecoder {
  private readonly decoder = new StringDecoder('utf8');

  decode(data: TerminalChunk): string {
    if (typeof data === 'string') return this.end() + data;
    return this.decoder.write(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Emits whatever is held back (as U+FFFD, since it is incomplete); the decoder stays usable. */
  end(): string {
    return this.decoder.end();
  }
}
