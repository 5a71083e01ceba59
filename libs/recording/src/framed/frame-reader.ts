import { createReadStream } from 'node:fs';
import type { AsciicastEventCode, AsciicastHeader } from '../asciicast-format';
import { AsciicastFormatError } from '../asciicast-format-error';
import { InvalidLineError, validateEvent, validateHeader } from '../asciicast-line-validation';
import { FRAMED_VERSION, FRAME_HEADER_BYTES, MAX_FRAME_BYTES, readFrameHeader } from './framed-format';

/** The header line is JSON of a few fields; anything longer is not a framed recording. */
const MAX_HEADER_BYTES = 64 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface ReadFramesOptions {
  /**
   * Silently stop at a last frame cut short (what a crash in the middle of a write leaves, or a
   * live recording read between two writes). Default false: a cut frame is an error.
   */
  tolerateTruncatedTail?: boolean;
}

export interface RecordedFrame {
  /** 1-based, the header being 1 (as asciicast lines are numbered), for error messages */
  number: number;
  code: AsciicastEventCode;
  /** microseconds since the recording started */
  micros: number;
  /** The payload exactly as stored. Only valid until the next iteration step. */
  data: Buffer;
  /** file offset just past this frame: where the next one starts */
  end: number;
}

export type FramedEntry = { kind: 'header'; header: AsciicastHeader; end: number } | { kind: 'frame'; frame: RecordedFrame };

/**
 * Streams a framed recording (`.vcast`): its header (as an asciicast v2 header), then every frame,
 * validated as it goes (known code, non-decreasing time, resize "COLSxROWS", UTF-8 markers). Memory
 * stays at one read chunk plus one frame. Throws AsciicastFormatError naming the frame (the header
 * is 1, the first frame 2, as asciicast counts lines).
 */
export async function* iterateFrames(filePath: string, options: ReadFramesOptions = {}): AsyncGenerator<FramedEntry> {
  const fail = (number: number, reason: string): never => {
    throw new AsciicastFormatError(filePath, number, number === 1 ? reason : `frame ${number - 1}: ${reason}`);
  };
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // file offset of pending[0]
  let sawHeader = false;
  let number = 1;
  let previousSeconds = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    if (!sawHeader) {
      const newline = pending.indexOf(0x0a);
      if (newline === -1) {
        if (pending.length > MAX_HEADER_BYTES) fail(1, 'no header line in the first 64 KiB');
        continue;
      }
      const header = parseHeader(pending.subarray(0, newline), (reason) => fail(1, reason));
      sawHeader = true;
      at = newline + 1;
      yield { kind: 'header', header, end: offset + at };
    }
    while (pending.length - at >= FRAME_HEADER_BYTES) {
      const { code, micros, length } = readFrameHeader(pending, at);
      number += 1;
      if (code === undefined) fail(number, `unknown frame code 0x${pending[at].toString(16)}`);
      if (length > MAX_FRAME_BYTES) fail(number, `frame longer than ${MAX_FRAME_BYTES} bytes`);
      if (pending.length - at - FRAME_HEADER_BYTES < length) {
        number -= 1; // read again once the rest of it is in
        break;
      }
      const data = pending.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
      const seconds = micros / 1_000_000;
      if (seconds < previousSeconds) fail(number, `time ${seconds} is earlier than the previous frame's (${previousSeconds})`);
      previousSeconds = seconds;
      if (code === 'r' || code === 'm') checkText(code as 'r' | 'm', data, (reason) => fail(number, reason));
      at += FRAME_HEADER_BYTES + length;
      yield { kind: 'frame', frame: { number, code: code as AsciicastEventCode, micros, data, end: offset + at } };
    }
    // Keep only the unparsed rest; copy it so the chunk it came from can be freed.
    pending = at === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(at));
    offset += at;
  }
  if (!sawHeader) fail(1, pending.length === 0 ? 'file is empty; expected a framed recording header' : 'header line has no trailing newline');
  if (pending.length > 0 && !options.tolerateTruncatedTail) {
    fail(number + 1, `the last ${pending.length} bytes are a frame cut short (truncated write?)`);
  }
}

function parseHeader(line: Buffer, fail: (reason: string) => never): AsciicastHeader {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(line));
  } catch (error) {
    return fail(`header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('header must be a JSON object');
  const { vcast, ...fields } = value as Record<string, unknown>;
  if (vcast !== FRAMED_VERSION) return fail(`not a framed recording (version ${JSON.stringify(vcast)}; expected "vcast":${FRAMED_VERSION})`);
  try {
    return validateHeader({ version: 2, ...fields });
  } catch (error) {
    if (error instanceof InvalidLineError) return fail(error.message);
    throw error;
  }
}

function checkText(code: 'r' | 'm', data: Buffer, fail: (reason: string) => never): void {
  let text: string;
  try {
    text = strictUtf8.decode(data);
  } catch {
    return fail(`${code === 'r' ? 'resize' : 'marker'} is not valid UTF-8`);
  }
  try {
    validateEvent([0, code, text], 0);
  } catch (error) {
    if (error instanceof InvalidLineError) fail(error.message);
    throw error;
  }
}

/**
 * The exact bytes of one direction of a framed recording ('o': what the user's terminal received,
 * 'i': what the user typed), in order, as stored: the forensic view that asciicast cannot give for
 * binary output. Streamed; each chunk is a copy the caller may keep.
 */
export async function* recordedBytes(filePath: string, code: 'o' | 'i' = 'o', options: ReadFramesOptions = {}): AsyncGenerator<Buffer> {
  for await (const entry of iterateFrames(filePath, options)) {
    if (entry.kind === 'frame' && entry.frame.code === code) yield Buffer.from(entry.frame.data);
  }
}
