import { hasPrivilege, seesAllSessions, UserPrincipal } from '@vigil/auth';
import { mayTerminate as terminateVerdict } from '@vigil/sessions';
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

/**
 * Terminating is the registry's rule (`mayTerminate` of @vigil/sessions, which HTTP uses too),
 * in the shape of a /live ack.
 */
export function mayTerminate(user: UserPrincipal, sessionOwner: string): ShadowVerdict {
  const verdict = terminateVerdict(user, sessionOwner);
  if (verdict.ok) return verdict;
  return { ok: false, error: verdict.refusal === 'not-found' ? SESSION_NOT_FOUND : `forbidden: ${verdict.error}` };
}
