import { hasPrivilege, seesAllSessions, UserPrincipal } from '@vigil/auth';
import { mayTerminate as terminateVerdict } from '@vigil/sessions';
import type { ViewerMode } from '../control-lock';
import type { ControlAction, ViewerInfo } from './live-events';

export type ShadowVerdict = { ok: true } | { ok: false; error: string };

/** The one error for sessions the caller may not see: it must not reveal that they exist. */
export const SESSION_NOT_FOUND = 'session not found';

export const NOT_ATTACHED: ShadowVerdict = { ok: false, error: 'not attached to this session' };

/**
 * Who may watch or type. Visibility first (owners see their own sessions, admins and auditors all);
 * then watching a session one does not own needs `shadow`, and typing always needs `interact`.
 */
export function shadowVerdict(user: UserPrincipal, sessionOwner: string, mode: ViewerMode): ShadowVerdict {
  const owns = sessionOwner === user.username;
  if (!owns && !seesAllSessions(user)) return { ok: false, error: SESSION_NOT_FOUND };
  if (!owns && !hasPrivilege(user, 'shadow')) return { ok: false, error: 'forbidden: watching this session requires the shadow privilege' };
  if (mode === 'interact' && !hasPrivilege(user, 'interact')) return { ok: false, error: 'forbidden: interacting requires the interact privilege' };
  return { ok: true };
}

/**
 * Whose sessions' watchers `user` may list (HTTP `GET /api/live/watchers`): the owner filter, or
 * null for every session. The same visibility as shadowVerdict's first rule.
 */
export function watchScope(user: UserPrincipal): string | null {
  return seesAllSessions(user) ? null : user.username;
}

/**
 * Who may type into a session now: an attached viewer in `interact` mode that the control lock
 * lets type (`canType`). Checked again after the input's audit record is written.
 */
export function inputVerdict(viewer: ViewerInfo | undefined, canType: boolean): ShadowVerdict {
  if (!viewer) return NOT_ATTACHED;
  if (viewer.mode !== 'interact') return { ok: false, error: 'input refused: attached in view mode' };
  if (!canType) return { ok: false, error: 'input refused: take control first' };
  return { ok: true };
}

/**
 * Who may steer the control lock: any attached viewer takes and hands back; forcing a take-over,
 * pausing and resuming the user's keyboard are for admins. (The lock itself says whether a take
 * is possible now.)
 */
export function controlVerdict(user: UserPrincipal, action: ControlAction, force?: boolean): ShadowVerdict {
  const isAdmin = user.roles.includes('admin');
  if (action === 'take' && force && !isAdmin) return { ok: false, error: 'forbidden: only admins may force a take-over' };
  if (action === 'pause-user' && !isAdmin) return { ok: false, error: "forbidden: only admins may pause the user's keyboard" };
  if (action === 'resume-user' && !isAdmin) return { ok: false, error: "forbidden: only admins may resume the user's keyboard" };
  return { ok: true };
}

/**
 * Terminating is the registry's rule (`mayTerminate` of @vigil/sessions, which HTTP uses too),
 * in the shape of a /live ack.
 */
export function mayTerminate(user: UserPrincipal, sessionOwner: string): ShadowVerdict {
  const verdict = terminateVerdict(user, sessionOwner);
  if (verdict.ok) return verdict;
  return { ok: false, error: verdict.refusal === 'not-found' ? SESSION_NOT_FOUND : `forbidden: ${verdict.error}` };
}

/** Asking for control: a viewer attached to type (interact mode) that still has the privilege. */
export function requestVerdict(user: UserPrincipal, viewer: ViewerInfo | undefined): ShadowVerdict {
  if (!viewer) return NOT_ATTACHED;
  if (viewer.mode !== 'interact') return { ok: false, error: 'forbidden: requesting control needs interact mode' };
  if (!hasPrivilege(user, 'interact')) return { ok: false, error: 'forbidden: requesting control requires the interact privilege' };
  return { ok: true };
}

/** Granting or denying a request: the viewer that holds control now, or an admin. */
export function answerVerdict(user: UserPrincipal, isHolder: boolean): ShadowVerdict {
  if (isHolder || user.roles.includes('admin')) return { ok: true };
  return { ok: false, error: 'forbidden: only the viewer holding control or an admin may answer a request' };
}

/** A message to the session's user: an admin viewer, or a viewer attached to type with the interact privilege. */
export function messageVerdict(user: UserPrincipal, viewer: ViewerInfo | undefined): ShadowVerdict {
  if (!viewer) return NOT_ATTACHED;
  if (user.roles.includes('admin')) return { ok: true };
  if (viewer.mode !== 'interact' || !hasPrivilege(user, 'interact')) return { ok: false, error: 'forbidden: messaging the user needs interact mode and the interact privilege' };
  return { ok: true };
}
