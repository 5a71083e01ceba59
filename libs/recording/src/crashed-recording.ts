import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isFramedRecording } from '@vigil/common';
import type { AsciicastHeader } from './asciicast-format';
import { AsciicastFormatError } from './asciicast-format-error';
import { InvalidLineError, parseJsonLine, validateEvent, validateHeader } from './asciicast-line-validation';
import { DEFAULT_MAX_LINE_BYTES } from './asciicast-reader';
import { iterateFrames } from './framed/frame-reader';

const NEWLINE = 0x0a;

/** What a recording left behind by a crashed process holds, read without changing a byte of it. */
export interface CrashedRecording {
  /** Hex SHA-256 of every byte on disk, a torn tail included: what the seal stores. */
  sha256: string;
  bytes: number;
  header: AsciicastHeader;
  /** Time of the last complete event, seconds since the start (0 when there is none). */
  lastEventSeconds: number;
  /** Bytes after the last complete line or frame: what the crash cut short (Vigil's readers can skip it). */
  tornBytes: number;
}

/**
 * Examines a recording that was never closed, to seal it after a crash: one streamed pass hashes
 * the file and finds where its last complete line is; then the header and that line are parsed.
 * The file is left as it is (it is the evidence; the hash covers what is there), so a torn last
 * line stays, and readers pass `tolerateTruncatedTail` to play it.
 * Throws AsciicastFormatError when the header or the last complete line is not asciicast v2.
 */
export async function examineCrashedRecording(filePath: string): Promise<CrashedRecording> {
  if (isFramedRecording(filePath)) return examineCrashedFrames(filePath);
  const hash = createHash('sha256');
  let size = 0;
  let lastNewline = -1;
  let previousNewline = -1;
  let firstNewline = -1;
  let lines = 0;
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    const last = chunk.lastIndexOf(NEWLINE);
    if (last !== -1) {
      if (firstNewline === -1) firstNewline = size + chunk.indexOf(NEWLINE);
      const before = last > 0 ? chunk.lastIndexOf(NEWLINE, last - 1) : -1;
      previousNewline = before !== -1 ? size + before : lastNewline;
      lastNewline = size + last;
      lines += countNewlines(chunk);
    }
    size += chunk.length;
  }
  if (firstNewline === -1) throw new AsciicastFormatError(filePath, 1, 'no complete header line');

  const handle = await open(filePath, 'r');
  try {
    const headerLine = await readRange(handle, filePath, 1, 0, firstNewline);
    const header = parse(filePath, 1, () => validateHeader(parseJsonLine(headerLine)));
    let lastEventSeconds = 0;
    if (lines > 1) {
      const lastLine = await readRange(handle, filePath, lines, previousNewline + 1, lastNewline);
      lastEventSeconds = parse(filePath, lines, () => validateEvent(parseJsonLine(lastLine), 0)).time;
    }
    return { sha256: hash.digest('hex'), bytes: size, header, lastEventSeconds, tornBytes: size - (lastNewline + 1) };
  } finally {
    await handle.close();
  }
}

function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

async function readRange(handle: Awaited<ReturnType<typeof open>>, filePath: string, line: number, start: number, end: number): Promise<string> {
  const length = end - start;
  if (length > DEFAULT_MAX_LINE_BYTES) throw new AsciicastFormatError(filePath, line, `line is longer than ${DEFAULT_MAX_LINE_BYTES} bytes`);
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, start);
  return buffer.subarray(0, bytesRead).toString('utf8');
}

function parse<T>(filePath: string, line: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InvalidLineError) throw new AsciicastFormatError(filePath, line, error.message);
    throw error;
  }
}

/**
 * The same for a framed recording (`.vcast`): the frames are walked to the last complete one (a
 * frame the crash cut short is the torn tail), and the whole file is hashed as it is.
 * Throws AsciicastFormatError when the header or a complete frame is damaged.
 */
async function examineCrashedFrames(filePath: string): Promise<CrashedRecording> {
  let header: AsciicastHeader | undefined;
  let complete = 0;
  let lastEventSeconds = 0;
  for await (const entry of iterateFrames(filePath, { tolerateTruncatedTail: true })) {
    if (entry.kind === 'header') {
      header = entry.header;
      complete = entry.end;
    } else {
      complete = entry.frame.end;
      lastEventSeconds = entry.frame.micros / 1_000_000;
    }
  }
  if (!header) throw new AsciicastFormatError(filePath, 1, 'no complete header line'); // iterateFrames throws first
  // Hashed in a pass of its own, of the file as it is then: the seal covers every byte on disk.
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes: size, header, lastEventSeconds, tornBytes: size - complete };
}
