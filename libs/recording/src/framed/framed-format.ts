/**
 * Vigil's framed terminal recording (`.vcast`): what a session's terminal exchanged, byte for byte,
 * written without any escaping so the recording thread keeps up with binary output at relay speed.
 *
 *     {"vcast":1,"width":80,"height":24,"timestamp":1700000000,"title":"alice+db1","env":{"TERM":"xterm"}}\n
 *     frame*
 *
 * The first line is a JSON header carrying asciicast v2's header fields (width, height, timestamp,
 * title, env) under the `vcast` version key, so `head -1` tells what the file is. Each frame is:
 *
 *     code     1 byte   'o' output, 'i' input, 'r' resize ("COLSxROWS"), 'm' marker (UTF-8 label)
 *     time     6 bytes  microseconds since the recording started, unsigned little-endian
 *     length   4 bytes  payload bytes, unsigned little-endian
 *     payload  length bytes, exactly as received ('o'/'i': raw terminal bytes, never decoded)
 *
 * Markers carry what asciicast `m` events carry (gap markers, viewer-input markers, notices), so the
 * conversion to asciicast on read (framed-to-asciicast.ts) is one event per frame.
 */
import type { AsciicastEventCode, AsciicastHeader } from '../asciicast-format';

export const FRAMED_VERSION = 1;
/**
 * The file name extension that makes a writer frame: @vigil/common's FRAMED_RECORDING_EXTENSION,
 * repeated because the recording thread runs plain Node.js, which cannot resolve `@vigil/*`
 * (recording-format.spec.ts checks that the two agree).
 */
export const FRAMED_EXTENSION = '.vcast';
export const FRAME_HEADER_BYTES = 11;
/** Far above any frame the writer produces (one relay chunk); stops a damaged length from exhausting memory. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** 2^48 µs is about 8.9 years: no session lasts longer. */
export const MAX_FRAME_MICROS = 2 ** 48 - 1;

const CODE_BYTES: Readonly<Record<AsciicastEventCode, number>> = { o: 0x6f, i: 0x69, r: 0x72, m: 0x6d };
const CODES_BY_BYTE = new Map<number, AsciicastEventCode>(Object.entries(CODE_BYTES).map(([code, byte]) => [byte, code as AsciicastEventCode]));

export interface FramedHeader {
  vcast: typeof FRAMED_VERSION;
  width: number;
  height: number;
  timestamp?: number;
  title?: string;
  env?: Record<string, string>;
}

/** The header line, keys in a fixed order so every file starts with `{"vcast":1,"width":`. */
export function formatFramedHeaderLine(header: Omit<AsciicastHeader, 'version'>): string {
  const ordered: FramedHeader = {
    vcast: FRAMED_VERSION,
    width: header.width,
    height: header.height,
    ...(header.timestamp !== undefined ? { timestamp: header.timestamp } : {}),
    ...(header.title !== undefined ? { title: header.title } : {}),
    ...(header.env !== undefined ? { env: header.env } : {}),
  };
  return `${JSON.stringify(ordered)}\n`;
}

/** Writes one frame header at `offset` of `target` (which has room for FRAME_HEADER_BYTES). */
export function writeFrameHeader(target: Buffer, offset: number, code: AsciicastEventCode, micros: number, length: number): void {
  target[offset] = CODE_BYTES[code];
  target.writeUIntLE(Math.min(Math.max(0, Math.round(micros)), MAX_FRAME_MICROS), offset + 1, 6);
  target.writeUInt32LE(length, offset + 7);
}

export interface FrameHeader {
  /** undefined for a byte that is no known code (damage) */
  code: AsciicastEventCode | undefined;
  micros: number;
  length: number;
}

export function readFrameHeader(source: Buffer, offset: number): FrameHeader {
  return { code: CODES_BY_BYTE.get(source[offset]), micros: source.readUIntLE(offset + 1, 6), length: source.readUInt32LE(offset + 7) };
}
