/**
 * The `/terminal` namespace's client → server payloads, parsed at the edge: anything else a
 * browser (or an attacker's socket) sends is refused with a reason, never thrown.
 */

/** One `input` event at most: a paste is sent in pieces of this size by the console. */
export const MAX_INPUT_BYTES = 8 * 1024;
/** Target names are short (see libs/targets); anything longer is refused unread. */
const MAX_TARGET_NAME = 128;
/** A terminal too small to use is refused; too large ones are clamped by clampTerminalSize. */
const MIN_COLS = 2;
const MIN_ROWS = 1;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface OpenPayload {
  target: string;
  cols: number;
  rows: number;
}

export interface ResizePayload {
  cols: number;
  rows: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSize = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 100_000;

export function parseOpen(payload: unknown): Parsed<OpenPayload> {
  if (!isRecord(payload)) return { ok: false, error: 'open: expected {target, cols, rows}' };
  const { target, cols, rows } = payload;
  if (typeof target !== 'string' || target.length === 0 || target.length > MAX_TARGET_NAME) return { ok: false, error: 'open: target must be a target name' };
  if (!isSize(cols, MIN_COLS) || !isSize(rows, MIN_ROWS)) return { ok: false, error: 'open: cols and rows must be positive integers' };
  return { ok: true, value: { target, cols, rows } };
}

export function parseResize(payload: unknown): Parsed<ResizePayload> {
  if (!isRecord(payload)) return { ok: false, error: 'resize: expected {cols, rows}' };
  const { cols, rows } = payload;
  if (!isSize(cols, MIN_COLS) || !isSize(rows, MIN_ROWS)) return { ok: false, error: 'resize: cols and rows must be positive integers' };
  return { ok: true, value: { cols, rows } };
}

/**
 * `input` is the keystrokes themselves: a string (xterm.js onData) or bytes (onBinary), at most
 * MAX_INPUT_BYTES. A string is measured as UTF-8 without being encoded first when it cannot fit.
 */
export function parseInput(payload: unknown): Parsed<Buffer> {
  if (typeof payload === 'string') {
    // each UTF-16 unit is at most 3 bytes of UTF-8: longer strings can be refused unencoded
    if (payload.length > MAX_INPUT_BYTES) return tooLarge();
    const bytes = Buffer.from(payload, 'utf8');
    return bytes.length > MAX_INPUT_BYTES ? tooLarge() : bytes.length === 0 ? empty() : { ok: true, value: bytes };
  }
  if (Buffer.isBuffer(payload) || payload instanceof Uint8Array) {
    if (payload.byteLength > MAX_INPUT_BYTES) return tooLarge();
    return payload.byteLength === 0 ? empty() : { ok: true, value: Buffer.from(payload) };
  }
  if (payload instanceof ArrayBuffer) {
    if (payload.byteLength > MAX_INPUT_BYTES) return tooLarge();
    return payload.byteLength === 0 ? empty() : { ok: true, value: Buffer.from(payload) };
  }
  return { ok: false, error: 'input: expected a string or bytes' };
}

const tooLarge = (): Parsed<never> => ({ ok: false, error: `input: at most ${MAX_INPUT_BYTES} bytes per event` });
const empty = (): Parsed<never> => ({ ok: false, error: 'input: empty' });
