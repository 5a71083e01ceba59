import type { ViewerMode } from '../control-lock';
import { CONTROL_ACTIONS, ControlAction } from './live-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_INPUT_CHARS = 16 * 1024;

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
  withSession<{ action: ControlAction; force: boolean }>(
    payload,
    (p) => {
      if (!CONTROL_ACTIONS.includes(p.action as ControlAction)) return fail(`action must be one of: ${CONTROL_ACTIONS.join(', ')}`);
      if (p.force !== undefined && typeof p.force !== 'boolean') return fail('force must be a boolean');
      return { ok: true, value: { action: p.action as ControlAction, force: p.force === true } };
    },
    ['action', 'force'],
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
