import type { TerminalChunk } from './utf8-stream-decoder';

/** Turns stored byte pieces into text; injectable so tests can count what gets decoded. */
export type Utf8Decode = (bytes: Buffer) => string;

export const decodeUtf8: Utf8Decode = (bytes) => bytes.toString('utf8');

/**
 * Cuts a stream of byte chunks into pieces that each start and end on a UTF-8 character
 * boundary, without decoding anything: O(1) per chunk (it looks at the last four bytes at most).
 * Each piece can then be decoded on its own, later or never, and the pieces' texts joined are
 * exactly the text of the whole stream decoded at once (U+FFFD for invalid bytes included), so
 * the mirror and the output batcher can keep raw bytes through a flood and decode only what they
 * actually use.
 *
 * Why this holds: a UTF-8 decoder is back in its ground state after any byte that completes (or
 * breaks) a sequence, and before any byte that is not a continuation byte (10xxxxxx), except in
 * the middle of a sequence whose lead byte is among the last three bytes. Only such a trailing,
 * possibly incomplete sequence is held back (a copy of at most 3 bytes) and joined with the
 * continuation bytes that start the next chunk.
 *
 * Strings are encoded as they are. If a string arrives while part of a character is held back,
 * that character can never be completed in order, so the held bytes are emitted first (decoding
 * them yields U+FFFD): output order always follows input order.
 */
export class Utf8Framer {
  private held: Buffer | undefined;

  /** Hands `sink` the pieces of `data` that are ready (zero to two, plus one for a string after held bytes). */
  frame(data: TerminalChunk, sink: (piece: Buffer) => void): void {
    if (typeof data === 'string') {
      const held = this.end();
      if (held) sink(held);
      if (data.length > 0) sink(Buffer.from(data, 'utf8'));
      return;
    }
    let bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.held) {
      const held = this.held;
      const missing = sequenceLength(held[0]) - held.length;
      let take = 0;
      while (take < missing && take < bytes.length && isContinuation(bytes[take])) take++;
      if (take < missing && take === bytes.length) {
        // Still incomplete (the chunk was one or two continuation bytes): keep waiting.
        this.held = Buffer.concat([held, bytes]);
        return;
      }
      this.held = undefined;
      sink(Buffer.concat([held, bytes.subarray(0, take)]));
      bytes = bytes.subarray(take);
    }
    if (bytes.length === 0) return;
    const end = incompleteTailStart(bytes);
    if (end < bytes.length) {
      // Copied: a view would keep the whole chunk's memory alive for three bytes.
      this.held = Buffer.from(bytes.subarray(end));
      bytes = bytes.subarray(0, end);
    }
    if (bytes.length > 0) sink(bytes);
  }

  /** The bytes of an incomplete character still held back (they decode to U+FFFD), if any; the framer stays usable. */
  end(): Buffer | undefined {
    const held = this.held;
    this.held = undefined;
    return held;
  }
}

/**
 * The largest cut at or before `at` that splits `piece` into two independently decodable halves,
 * given that `piece` itself starts on a boundary (every framed piece does). 0 when none exists in
 * the first `at` bytes.
 */
export function boundaryAtOrBefore(piece: Uint8Array, at: number): number {
  const stop = Math.max(0, at - 3);
  for (let i = at; i >= stop; i--) {
    // A decoder is always ready for a byte that is not a continuation byte (it ends any sequence).
    if (!isContinuation(piece[i])) return i;
  }
  // Continuation bytes from `at - 3` to `at`, or from the piece's start: no lead byte close
  // enough for its character to span the cut.
  return at;
}

/**
 * How many bytes to skip at the start of a piece cut out of the middle of the stream, so it does
 * not begin with the stray continuation bytes of a character whose start was dropped.
 */
export function leadingContinuationBytes(piece: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < piece.length && isContinuation(piece[i])) i++;
  return i;
}

/** Where a trailing sequence that may still be incomplete starts (`bytes.length` when there is none). */
function incompleteTailStart(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let i = length - 1; i >= 0 && i >= length - 4; i--) {
    const byte = bytes[i];
    if (isContinuation(byte)) continue;
    return i + sequenceLength(byte) > length ? i : length;
  }
  return length;
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** Bytes a sequence starting with `lead` has, by its bit pattern (invalid leads count as long as they claim; holding them is harmless). */
function sequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf8) return 4;
  return 1;
}
