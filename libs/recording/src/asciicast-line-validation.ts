import {
  ASCIICAST_EVENT_CODES,
  isPositiveInteger,
  parseSize,
  type AsciicastEvent,
  type AsciicastEventCode,
  type AsciicastHeader,
} from './asciicast-format';

/** Thrown with a human-readable reason; the reader adds the file and line number. */
export class InvalidLineError extends Error {}

export function parseJsonLine(text: string): unknown {
  if (text.trim().length === 0) throw new InvalidLineError('empty line');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidLineError(`not valid JSON (${(error as Error).message})`);
  }
}

export function validateHeader(value: unknown): AsciicastHeader {
  if (!isPlainObject(value)) throw new InvalidLineError('header must be a JSON object');
  if (value.version !== 2) {
    throw new InvalidLineError(`unsupported asciicast version ${JSON.stringify(value.version)}; expected 2`);
  }
  if (!isPositiveInteger(value.width)) throw new InvalidLineError('header "width" must be a positive integer');
  if (!isPositiveInteger(value.height)) throw new InvalidLineError('header "height" must be a positive integer');
  if (value.timestamp !== undefined && !isFiniteNumber(value.timestamp)) {
    throw new InvalidLineError('header "timestamp" must be a number');
  }
  if (value.title !== undefined && typeof value.title !== 'string') {
    throw new InvalidLineError('header "title" must be a string');
  }
  if (value.env !== undefined && !isStringRecord(value.env)) {
    throw new InvalidLineError('header "env" must be an object of strings');
  }
  // Other v2 keys (idle_time_limit, theme, ...) are allowed and passed through untouched.
  return value as unknown as AsciicastHeader;
}

export function validateEvent(value: unknown, previousTime: number): AsciicastEvent {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new InvalidLineError('event must be a JSON array [time, code, data]');
  }
  const [time, code, data] = value as unknown[];
  if (!isFiniteNumber(time) || time < 0) throw new InvalidLineError('event time must be a non-negative number');
  if (time < previousTime) {
    throw new InvalidLineError(`event time ${time} is earlier than the previous event (${previousTime})`);
  }
  if (typeof code !== 'string' || !ASCIICAST_EVENT_CODES.includes(code as AsciicastEventCode)) {
    throw new InvalidLineError(`unknown event code ${JSON.stringify(code)}; expected one of o, i, r, m`);
  }
  if (typeof data !== 'string') throw new InvalidLineError('event data must be a string');
  if (code === 'r' && !parseSize(data)) {
    throw new InvalidLineError(`resize data ${JSON.stringify(data)} is not "COLSxROWS"`);
  }
  return { time, code: code as AsciicastEventCode, data };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isPlainObject(value) && Object.values(value).every((entry) => typeof entry === 'string');
}
