import { createReadStream } from 'node:fs';

export interface FileLine {
  /** 1-based line number. */
  number: number;
  /** The line without its "\n". Only valid until the next iteration step. */
  bytes: Buffer;
  /** False for a last line with no trailing "\n", e.g. a write cut short by a crash. */
  terminated: boolean;
}

export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly maxLineBytes: number,
  ) {
    super(`line is longer than ${maxLineBytes} bytes`);
    this.name = 'LineTooLongError';
  }
}

/**
 * Streams a file's lines split on "\n" only. We split bytes ourselves instead of using readline
 * because readline also breaks on a bare "\r", which would shift line numbers in error messages
 * (valid asciicast escapes "\r" inside strings, so a raw one means a damaged file).
 */
export async function* readLines(filePath: string, maxLineBytes: number): AsyncGenerator<FileLine> {
  let carried: Buffer[] = [];
  let carriedBytes = 0;
  let number = 0;
  // Breaking out of this for-await destroys the stream, so an abandoned reader leaks no descriptor.
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline !== -1) {
      const piece = chunk.subarray(start, newline);
      number += 1;
      if (carriedBytes + piece.length > maxLineBytes) throw new LineTooLongError(number, maxLineBytes);
      const bytes = carriedBytes > 0 ? Buffer.concat([...carried, piece]) : piece;
      carried = [];
      carriedBytes = 0;
      yield { number, bytes, terminated: true };
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      carriedBytes += rest.length;
      if (carriedBytes > maxLineBytes) throw new LineTooLongError(number + 1, maxLineBytes);
      carried.push(rest);
    }
  }
  if (carriedBytes > 0) {
    yield { number: number + 1, bytes: Buffer.concat(carried), terminated: false };
  }
}
