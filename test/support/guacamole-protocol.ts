import { StringDecoder } from 'node:string_decoder';

/**
 * The Guacamole protocol's framing, as a pure streaming parser and an encoder (no sockets, no
 * timers). An instruction is elements `LENGTH.VALUE` joined by `,` and ended by `;`, the first
 * element being the opcode: `4.size,1.0,4.1024,3.768;`. LENGTH counts Unicode code points (what
 * guacd and guacamole-common-js count), not bytes and not UTF-16 units. Input arrives in arbitrary
 * chunks: bytes are decoded with a StringDecoder (a character split across chunks is held back),
 * and an element split across chunks is resumed where it stopped, not rescanned.
 */

export interface GuacamoleInstruction {
  opcode: string;
  args: string[];
}

export class GuacamoleProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuacamoleProtocolError';
  }
}

export interface GuacamoleParserLimits {
  /**
   * Longest element value, in code points. guacd itself accepts at most 8192 bytes per inbound
   * instruction and 128 elements (parser-constants.h); what it sends (image blobs) is chunked too,
   * so the defaults only bound memory.
   */
  maxElementLength: number;
  /** Most elements in one instruction, opcode included. */
  maxElements: number;
}

export const DEFAULT_PARSER_LIMITS: GuacamoleParserLimits = { maxElementLength: 8 * 1024 * 1024, maxElements: 1024 };

/** Code points in `value` (a surrogate pair is one). */
export function codePointLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** `encodeInstruction('size', 0, 1024, 768)` → `4.size,1.0,4.1024,3.768;`. */
export function encodeInstruction(opcode: string, ...args: Array<string | number | boolean>): string {
  return [opcode, ...args].map((element) => {
    const value = String(element);
    return `${codePointLength(value)}.${value}`;
  }).join(',') + ';';
}

type Phase = 'length' | 'value' | 'terminator';

export class GuacamoleParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  /** Next UTF-16 index of `buffer` to examine. */
  private pos = 0;
  private phase: Phase = 'length';
  private length = 0;
  private lengthDigits = 0;
  /** Code points of the current value still to read. */
  private remaining = 0;
  private valueStart = 0;
  private elements: string[] = [];
  private failure?: GuacamoleProtocolError;

  constructor(private readonly limits: GuacamoleParserLimits = DEFAULT_PARSER_LIMITS) {}

  /**
   * Feeds the next chunk (bytes off the socket, or already decoded text) and returns every
   * instruction it completes, in order. Throws GuacamoleProtocolError on malformed input; the
   * stream can't be resynchronised after that, so every later call throws the same error.
   */
  push(chunk: Buffer | string): GuacamoleInstruction[] {
    if (this.failure) throw this.failure;
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: GuacamoleInstruction[] = [];
    try {
      this.parse(out);
    } catch (error) {
      if (error instanceof GuacamoleProtocolError) this.failure = error;
      throw error;
    }
    return out;
  }

  /** The stream ended: throws if it stopped inside an instruction or inside a UTF-8 character. */
  end(): void {
    if (this.failure) throw this.failure;
    const rest = this.decoder.end();
    if (rest.length > 0) throw (this.failure = new GuacamoleProtocolError('stream ended inside a UTF-8 character'));
    if (this.buffer.length > 0 || this.elements.length > 0 || this.phase !== 'length' || this.lengthDigits > 0) {
      throw (this.failure = new GuacamoleProtocolError('stream ended inside an instruction'));
    }
  }

  private parse(out: GuacamoleInstruction[]): void {
    const buf = this.buffer;
    /** Start of the instruction being read: everything before it is done with. */
    let keepFrom = 0;
    for (;;) {
      if (this.phase === 'length') {
        if (!this.readLength(buf)) break;
      }
      if (this.phase === 'value') {
        if (!this.readValue(buf)) break;
      }
      // terminator
      if (this.pos >= buf.length) break;
      const terminator = buf[this.pos++];
      this.elements.push(buf.slice(this.valueStart, this.pos - 1));
      this.phase = 'length';
      if (terminator === ';') {
        const [opcode, ...args] = this.elements;
        out.push({ opcode, args });
        this.elements = [];
        keepFrom = this.pos;
      } else if (terminator !== ',') {
        throw new GuacamoleProtocolError(`expected "," or ";" after an element, got ${JSON.stringify(terminator)}`);
      } else if (this.elements.length >= this.limits.maxElements) {
        throw new GuacamoleProtocolError(`more than ${this.limits.maxElements} elements in one instruction`);
      }
    }
    // Drop what finished instructions used; indexes into the unfinished one move with it.
    if (keepFrom > 0) {
      this.buffer = buf.slice(keepFrom);
      this.pos -= keepFrom;
      this.valueStart -= keepFrom;
    }
  }

  /** Reads LENGTH digits up to the dot; false if the chunk ended first. */
  private readLength(buf: string): boolean {
    while (this.pos < buf.length) {
      const ch = buf.charCodeAt(this.pos);
      if (ch >= 0x30 && ch <= 0x39) {
        this.length = this.length * 10 + (ch - 0x30);
        this.lengthDigits++;
        if (this.length > this.limits.maxElementLength) {
          throw new GuacamoleProtocolError(`element longer than ${this.limits.maxElementLength} characters`);
        }
        this.pos++;
        continue;
      }
      if (ch === 0x2e /* . */ && this.lengthDigits > 0) {
        this.pos++;
        this.remaining = this.length;
        this.valueStart = this.pos;
        this.length = 0;
        this.lengthDigits = 0;
        this.phase = 'value';
        return true;
      }
      throw new GuacamoleProtocolError(
        this.lengthDigits === 0 ? `expected an element length, got ${JSON.stringify(buf[this.pos])}` : `expected "." after the length, got ${JSON.stringify(buf[this.pos])}`,
      );
    }
    return false;
  }

  /** Skips LENGTH code points; false if the chunk ended first (resumed at the next push). */
  private readValue(buf: string): boolean {
    while (this.remaining > 0) {
      if (this.pos >= buf.length) return false;
      const unit = buf.charCodeAt(this.pos);
      if (unit >= 0xd800 && unit <= 0xdbff) {
        // A high surrogate at the end of text pushed as a string: its pair comes next.
        if (this.pos + 1 >= buf.length) return false;
        const next = buf.charCodeAt(this.pos + 1);
        this.pos += next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
      } else {
        this.pos++;
      }
      this.remaining--;
    }
    this.phase = 'terminator';
    return true;
  }
}
