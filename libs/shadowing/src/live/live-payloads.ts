import type { ViewerMode } from '../control-lock';
import { ANSWER_ACTIONS, CONTROL_ACTIONS, ControlAction, MAX_MESSAGE_CHARS } from './live-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_INPUT_CHARS = 16 * 1024;
/** a viewer id is a socket.io id (base64url, 20 characters today): anything else is never a viewer */
const VIEWER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** control characters (C0, DEL, C1) and bidirectional overrides: a message must read as written on any terminal */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function withSession<T>(payload: unknown, rest: (p: Record<string, unknown>) => Parsed<T>, allowed: string[]): Parsed<T & { sessionId: string }> {
  if (!isObject(payload)) return fail('payload must be an object');
  const unknown = Object.keys(payload).filter((k) => k !== 'sessionId' && !allowed.includes(k));
  if (unknown.length > 0) return fail(`unknown field(s): ${unknown.join(', ')}`);
  if (typeof payload.sessionId !== 'string' || !UUID.test(payload.sessionId)) return fail('sessionId must be a UUID');
  const parsed = rest(payload);
  return parsed.ok ? { ok: true, value: { ...parsed.value, sessionId: payload.sessionId } } : parsed;
}

/** socket.io payloads arrive untyped: every field is checked before use, every error names it. */
export const parseAttach = (payload: unknown) =>
  withSession<{ mode: ViewerMode }>(
    payload,
    (p) => (p.mode === 'view' || p.mode === 'interact' ? { ok: true, value: { mode: p.mode } } : fail('mode must be "view" or "interact"')),
    ['mode'],
  );

export const parseInput = (payload: unknown) =>
  withSession<{ data: string }>(
    payload,
    (p) =>
      typeof p.data === 'string' && p.data.length > 0 && p.data.length <= MAX_INPUT_CHARS
        ? { ok: true, value: { data: p.data } }
        : fail(`data must be a non-empty string of at most ${MAX_INPUT_CHARS} characters`),
    ['data'],
  );

export const parseControl = (payload: unknown) =>
  withSession<{ action: ControlAction; force: boolean; to?: string }>(
    payload,
    (p) => {
      if (!CONTROL_ACTIONS.includes(p.action as ControlAction)) return fail(`action must be one of: ${CONTROL_ACTIONS.join(', ')}`);
      if (p.force !== undefined && typeof p.force !== 'boolean') return fail('force must be a boolean');
      const action = p.action as ControlAction;
      const answers = (ANSWER_ACTIONS as readonly string[]).includes(action);
      if (answers && (typeof p.to !== 'string' || !VIEWER_ID.test(p.to))) return fail(`to must be the requesting viewer's id for ${action}`);
      if (!answers && p.to !== undefined) return fail(`to is only for ${ANSWER_ACTIONS.join(' and ')}`);
      return { ok: true, value: { action, force: p.force === true, ...(answers ? { to: p.to as string } : {}) } };
    },
    ['action', 'force', 'to'],
  );

/** The text is sanitised (control characters become spaces) and trimmed before its length is checked. */
export const parseMessage = (payload: unknown) =>
  withSession<{ text: string }>(
    payload,
    (p) => {
      if (typeof p.text !== 'string' || p.text.length > MAX_MESSAGE_CHARS * 4) return fail(`text must be a string of at most ${MAX_MESSAGE_CHARS} characters`);
      const text = p.text.replace(UNSAFE_TEXT, ' ').replace(/\s+/g, ' ').trim();
      if (text.length === 0) return fail('text must not be empty');
      if ([...text].length > MAX_MESSAGE_CHARS) return fail(`text must be a string of at most ${MAX_MESSAGE_CHARS} characters`);
      return { ok: true, value: { text } };
    },
    ['text'],
  );

export const parseTerminate = (payload: unknown) =>
  withSession<{ reason: string }>(
    payload,
    (p) =>
      typeof p.reason !== 'string' || p.reason.trim().length === 0 || p.reason.length > 500
        ? fail('reason must be a non-empty string of at most 500 characters')
        : p.reason.includes('\u0000')
          ? fail('reason must not contain NUL characters')
          : { ok: true, value: { reason: p.reason.trim() } },
    ['reason'],
  );

export const parseDetach = (payload: unknown) => withSession<object>(payload, () => ({ ok: true, value: {} }), []);
