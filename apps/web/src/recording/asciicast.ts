/** A parsed asciicast v2 recording: header, then output and resize events in time order. */
export interface Cast {
  cols: number;
  rows: number;
  /** recording start, epoch seconds, when the header says */
  timestamp?: number;
  events: CastEvent[];
  /** time of the last event, seconds */
  duration: number;
}

export type CastEvent = { time: number; kind: 'output'; data: string } | { time: number; kind: 'resize'; cols: number; rows: number };

const SIZE = /^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$/;
const MAX_SIZE = 1000;

/**
 * Parses asciicast v2 text (one JSON header line, then `[time, code, data]` lines). Input events
 * are dropped (they are what the user typed, not what was shown), and so is a torn last line of a
 * recording still being written.
 */
export function parseCast(text: string): Cast {
  const lines = text.split('\n');
  const header = JSON.parse(lines[0] ?? '') as { version?: number; width?: number; height?: number; timestamp?: number };
  if (header.version !== 2 || !validSize(header.width) || !validSize(header.height)) {
    throw new Error('not an asciicast v2 recording');
  }
  const events: CastEvent[] = [];
  let last = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Array.isArray(entry) || typeof entry[0] !== 'number' || typeof entry[2] !== 'string') continue;
    const time = Math.max(last, entry[0]);
    if (entry[1] === 'o') events.push({ time, kind: 'output', data: entry[2] });
    else if (entry[1] === 'r') {
      const size = SIZE.exec(entry[2]);
      if (!size || !validSize(Number(size[1])) || !validSize(Number(size[2]))) continue;
      events.push({ time, kind: 'resize', cols: Number(size[1]), rows: Number(size[2]) });
    } else continue;
    last = time;
  }
  return { cols: header.width!, rows: header.height!, timestamp: header.timestamp, events, duration: last };
}

function validSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= MAX_SIZE;
}

/** Index of the first event later than `time` (binary search; events are in time order). */
export function eventsUntil(cast: Cast, time: number): number {
  let lo = 0;
  let hi = cast.events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cast.events[mid].time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
