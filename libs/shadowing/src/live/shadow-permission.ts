import { hasPrivilege, seesAllSessions, UserPrincipal } from '@vigil/auth';
import type { ViewerMode } from '../control-lock';

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

export function mayTerminate(user: UserPrincipal, sessionOwner: string): ShadowVerdict {
  if (sessionOwner !== user.username && !seesAllSessions(user)) return { ok: false, error: SESSION_NOT_FOUND };
  if (sessionOwner !== user.username && !hasPrivilege(user, 'terminate')) {
    return { ok: false, error: 'forbidden: terminating this session requires the terminate privilege' };
  }
  return { ok: true };
}
