import { isFramedRecording } from '@vigil/common';
import type { AsciicastEvent, AsciicastHeader } from './asciicast-format';
import { AsciicastFormatError } from './asciicast-format-error';
import { InvalidLineError, parseJsonLine, validateEvent, validateHeader } from './asciicast-line-validation';
import { framedAsAsciicast } from './framed/framed-to-asciicast';
import { LineTooLongError, readLines, type FileLine } from './read-lines';

/** Far above any single event the writer produces; stops a damaged file from exhausting memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface ReadAsciicastOptions {
  /**
   * Silently stop at an invalid last line that has no trailing newline — what a crash in the
   * middle of a write leaves behind — so a crashed session can still be played back.
   * Default false: any invalid line is an error.
   */
  tolerateTruncatedTail?: boolean;
  maxLineBytes?: number;
}

export type AsciicastEntry =
  | { kind: 'header'; line: number; header: AsciicastHeader }
  | { kind: 'event'; line: number; event: AsciicastEvent };

export interface AsciicastRecording {
  header: AsciicastHeader;
  events: AsciicastEvent[];
}

/**
 * Streams a recording: the header entry first, then one entry per event, validating as it goes.
 * Throws AsciicastFormatError naming the offending line. Memory stays at one line at a time.
 * A framed recording (`.vcast`) is read as the asciicast it converts to (framed-to-asciicast.ts).
 */
export function iterateAsciicast(filePath: string, options: ReadAsciicastOptions = {}): AsyncGenerator<AsciicastEntry> {
  if (isFramedRecording(filePath)) return framedAsAsciicast(filePath, options);
  return iterateStoredAsciicast(filePath, options);
}

async function* iterateStoredAsciicast(filePath: string, options: ReadAsciicastOptions): AsyncGenerator<AsciicastEntry> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let sawHeader = false;
  let previousTime = 0;
  try {
    for await (const line of readLines(filePath, maxLineBytes)) {
      let entry: AsciicastEntry;
      try {
        const value = parseJsonLine(decodeUtf8(line));
        if (sawHeader) {
          const event = validateEvent(value, previousTime);
          previousTime = event.time;
          entry = { kind: 'event', line: line.number, event };
        } else {
          entry = { kind: 'header', line: line.number, header: validateHeader(value) };
        }
      } catch (error) {
        if (!(error instanceof InvalidLineError)) throw error;
        if (!line.terminated && options.tolerateTruncatedTail && sawHeader) return;
        const hint = line.terminated ? '' : ' (last line has no trailing newline: truncated write?)';
        throw new AsciicastFormatError(filePath, line.number, error.message + hint);
      }
      sawHeader = true;
      yield entry;
    }
  } catch (error) {
    if (error instanceof LineTooLongError) {
      throw new AsciicastFormatError(filePath, error.lineNumber, error.message);
    }
    throw error;
  }
  if (!sawHeader) throw new AsciicastFormatError(filePath, 1, 'file is empty; expected an asciicast v2 header');
}

/** Reads and validates a whole recording into memory; use iterateAsciicast for long sessions. */
export async function readAsciicast(
  filePath: string,
  options: ReadAsciicastOptions = {},
): Promise<AsciicastRecording> {
  let header: AsciicastHeader | undefined;
  const events: AsciicastEvent[] = [];
  for await (const entry of iterateAsciicast(filePath, options)) {
    if (entry.kind === 'header') header = entry.header;
    else events.push(entry.event);
  }
  // iterateAsciicast throws before finishing without a header, so this is only for the compiler.
  if (!header) throw new AsciicastFormatError(filePath, 1, 'missing header');
  return { header, events };
}

// Fatal decoding: the writer only produces valid UTF-8, so anything else means damage.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(line: FileLine): string {
  try {
    return strictUtf8.decode(line.bytes);
  } catch {
    throw new InvalidLineError('not valid UTF-8');
  }
}
