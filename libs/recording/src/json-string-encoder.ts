import { isUtf8 } from 'node:buffer';
import type { GrowableBuffer } from './growable-buffer';

const EMPTY = Buffer.alloc(0);
const HEX = '0123456789abcdef';
/** The longest escape, `\u001b`, is six bytes for one input byte. */
const MAX_ESCAPE_EXPANSION = 6;

/**
 * Turns one direction of a terminal byte stream into the UTF-8 body of JSON strings (no quotes),
 * chunk by chunk, without building JS strings.
 *
 * Why not StringDecoder + JSON.stringify + Buffer.from: at relay speeds those three copies cost
 * several times more CPU than this single pass, and that CPU is taken from the same event loop
 * that moves the user's data.
 *
 * A multibyte character split across chunks is held back until its remaining bytes arrive.
 * Valid UTF-8 is copied as is (JSON allows raw non-ASCII); only control characters, `"` and `\`
 * are escaped, exactly as JSON.stringify does. Invalid sequences become U+FFFD, so the file is
 * always valid UTF-8 and valid JSON whatever the remote side sends.
 */
export class JsonStringEncoder {
  private carry: Buffer = EMPTY;

  /** Appends the encoded body of `chunk` (minus any incomplete trailing character) to `out`. */
  write(chunk: Uint8Array, out: GrowableBuffer): void {
    const input = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const complete = input.length - incompleteTailLength(input);
    // Copy: `input` may be the caller's chunk, which we must not keep a view of.
    this.carry = complete < input.length ? Buffer.from(input.subarray(complete)) : EMPTY;
    const body = input.subarray(0, complete);
    if (isUtf8(body)) {
      escapeValidUtf8(body, out);
    } else {
      // Rare (binary noise, a broken remote): let the platform decoder pick the replacements.
      escapeValidUtf8(replaceInvalidUtf8(body), out);
    }
  }

  /** Held-back bytes of an unfinished character, if any, as U+FFFD; resets the encoder. */
  end(out: GrowableBuffer): void {
    if (this.carry.length === 0) return;
    const leftover = this.carry;
    this.carry = EMPTY;
    escapeValidUtf8(replaceInvalidUtf8(leftover), out);
  }
}

/**
 * Length of an unfinished multibyte sequence at the end of `bytes` (0 when the end is complete
 * or is not the start of any valid sequence, in which case the decoder will replace it anyway).
 */
function incompleteTailLength(bytes: Uint8Array): number {
  const last = bytes.length - 1;
  for (let back = 0; back < 3 && back <= last; back += 1) {
    const byte = bytes[last - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 1;
    return back + 1 < needed ? back + 1 : 0;
  }
  return 0;
}

function replaceInvalidUtf8(bytes: Uint8Array): Buffer {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Buffer.from(view.toString('utf8'), 'utf8');
}

function escapeValidUtf8(source: Uint8Array, out: GrowableBuffer): void {
  out.reserve(source.length * MAX_ESCAPE_EXPANSION);
  const target = out.bytes;
  let at = out.length;
  for (let i = 0; i < source.length; i += 1) {
    const byte = source[i];
    if (byte >= 0x20 && byte !== 0x22 && byte !== 0x5c) {
      target[at++] = byte;
      continue;
    }
    target[at++] = 0x5c; // backslash
    switch (byte) {
      case 0x22:
        target[at++] = 0x22;
        break;
      case 0x5c:
        target[at++] = 0x5c;
        break;
      case 0x08:
        target[at++] = 0x62; // b
        break;
      case 0x09:
        target[at++] = 0x74; // t
        break;
      case 0x0a:
        target[at++] = 0x6e; // n
        break;
      case 0x0c:
        target[at++] = 0x66; // f
        break;
      case 0x0d:
        target[at++] = 0x72; // r
        break;
      default:
        target[at++] = 0x75; // u
        target[at++] = 0x30;
        target[at++] = 0x30;
        target[at++] = HEX.charCodeAt(byte >> 4);
        target[at++] = HEX.charCodeAt(byte & 0x0f);
    }
  }
  out.length = at;
}
