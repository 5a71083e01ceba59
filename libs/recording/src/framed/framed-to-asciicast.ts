import { StringDecoder } from 'node:string_decoder';
import { formatHeaderLine, roundToMicroseconds, type AsciicastEvent, type AsciicastHeader } from '../asciicast-format';
import { iterateFrames, type ReadFramesOptions } from './frame-reader';

export type ConvertedEntry = { kind: 'header'; line: number; header: AsciicastHeader } | { kind: 'event'; line: number; event: AsciicastEvent };

/**
 * A framed recording as asciicast v2 entries, for players and for replay to a screen: output and
 * input are UTF-8 decoded per direction (a character split across frames is joined; invalid bytes
 * become U+FFFD, as a player of asciicast expects text), other frames map one to one. A frame whose
 * bytes all wait for the rest of a character gives no event; what is left unfinished at the end
 * comes out as U+FFFD at the last frame's time, as the asciicast writer does.
 */
export async function* framedAsAsciicast(filePath: string, options: ReadFramesOptions = {}): AsyncGenerator<ConvertedEntry> {
  const decoders = { o: new StringDecoder('utf8'), i: new StringDecoder('utf8') };
  let time = 0;
  let line = 1;
  for await (const entry of iterateFrames(filePath, options)) {
    if (entry.kind === 'header') {
      yield { kind: 'header', line: 1, header: entry.header };
      continue;
    }
    const { code, micros, data, number } = entry.frame;
    line = number;
    time = roundToMicroseconds(micros / 1_000_000);
    const text = code === 'o' || code === 'i' ? decoders[code].write(data) : data.toString('utf8');
    if (text.length > 0) yield { kind: 'event', line, event: { time, code, data: text } };
  }
  for (const code of ['o', 'i'] as const) {
    const rest = decoders[code].end();
    if (rest.length > 0) yield { kind: 'event', line, event: { time, code, data: rest } };
  }
}

/** Text pieces are joined up to about this many characters before being handed on (fewer, larger writes). */
const PIECE_CHARS = 64 * 1024;

/**
 * The asciicast v2 file of a framed recording, as text pieces of whole lines, streamed (memory: one
 * read chunk and one piece). What GET .../recording serves to players.
 */
export async function* asciicastTextOf(filePath: string, options: ReadFramesOptions = {}): AsyncGenerator<string> {
  let piece = '';
  for await (const entry of framedAsAsciicast(filePath, options)) {
    if (entry.kind === 'header') {
      piece += formatHeaderLine(entry.header);
      continue;
    }
    const { time, code, data } = entry.event;
    piece += `[${time},"${code}",${JSON.stringify(data)}]\n`;
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece.length > 0) yield piece;
}
