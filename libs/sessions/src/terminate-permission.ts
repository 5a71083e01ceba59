import { UserPrincipal, hasPrivilege, seesAllSessions } from '@vigil/auth';

export type TerminateVerdict = { ok: true } | { ok: false; refusal: 'not-found' | 'forbidden'; error: string };

/**
 * Who may terminate a session: the one rule for every edge (HTTP, the sessions page, /live, the
 * SSM-compatible API), each mapping the refusal its own way (404/403, an ack error, `__type`).
 *
 * The session's owner may; anyone else needs the `terminate` privilege **on a session they can
 * see**: admins and auditors see every session, everyone else only the sessions they own. So
 * `terminate` never widens what an owner sees: another owner's session stays "not found", which
 * also never reveals that it exists.
 */
export function mayTerminate(user: UserPrincipal, sessionOwner: string): TerminateVerdict {
  if (sessionOwner === user.username) return { ok: true };
  if (!seesAllSessions(user)) return { ok: false, refusal: 'not-found', error: 'session not found' };
  if (!hasPrivilege(user, 'terminate')) return { ok: false, refusal: 'forbidden', error: 'terminating this session requires the terminate privilege' };
  return { ok: true };
}
