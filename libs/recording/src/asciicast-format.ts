/**
 * The asciicast v2 wire format: one JSON header line, then one JSON array per event line.
 * https://docs.asciinema.org/manual/asciicast/v2/
 */

/** o = output to the user, i = input from the user, r = resize ("COLSxROWS"), m = marker. */
export type AsciicastEventCode = 'o' | 'i' | 'r' | 'm';

export const ASCIICAST_EVENT_CODES: readonly AsciicastEventCode[] = ['o', 'i', 'r', 'm'];

export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  /** Recording start, Unix epoch seconds. */
  timestamp?: number;
  title?: string;
  env?: Record<string, string>;
}

export interface AsciicastEvent {
  /** Seconds since the recording started. */
  time: number;
  code: AsciicastEventCode;
  data: string;
}

/**
 * The format allows any precision; six decimals (microseconds) keeps lines short, and a value
 * rounded this way never prints in exponent notation (the smallest non-zero one is 0.000001).
 */
export function roundToMicroseconds(seconds: number): number {
  return Math.round(seconds * 1_000_000) / 1_000_000;
}

export function formatHeaderLine(header: AsciicastHeader): string {
  // Explicit key order so every file starts with {"version":2,"width":..,"height":..
  const ordered: AsciicastHeader = {
    version: 2,
    width: header.width,
    height: header.height,
    ...(header.timestamp !== undefined ? { timestamp: header.timestamp } : {}),
    ...(header.title !== undefined ? { title: header.title } : {}),
    ...(header.env !== undefined ? { env: header.env } : {}),
  };
  return `${JSON.stringify(ordered)}\n`;
}

export function formatSize(cols: number, rows: number): string {
  return `${cols}x${rows}`;
}

const SIZE_PATTERN = /^([1-9][0-9]{0,5})x([1-9][0-9]{0,5})$/;

/** Parses a resize payload such as "80x24"; returns undefined when it is not one. */
export function parseSize(value: string): { cols: number; rows: number } | undefined {
  const match = SIZE_PATTERN.exec(value);
  if (!match) return undefined;
  return { cols: Number(match[1]), rows: Number(match[2]) };
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
