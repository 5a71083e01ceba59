import type { AuditContext } from '@vigil/common';
import type { LiveServerEvents } from './live-events';

export type LiveServerEvent = keyof LiveServerEvents;
export type LiveServerPayload<E extends LiveServerEvent> = Parameters<LiveServerEvents[E]>[0];

/**
 * What the protocol-neutral core needs of the socket edge (the /live gateway): reaching a
 * session's viewers on every gateway, and a viewer's connection details for its audit records.
 */
export interface LiveEdge {
  /** to every viewer of the session (the session's room, cluster-wide) */
  toSession<E extends LiveServerEvent>(sessionId: string, event: E, payload: LiveServerPayload<E>): void;
  /** to one viewer (its socket on any gateway: every socket is in the room named by its id) */
  toViewer<E extends LiveServerEvent>(viewerId: string, event: E, payload: LiveServerPayload<E>): void;
  /** takes one viewer (its socket on any gateway) out of the session's room */
  removeFromSession(sessionId: string, viewerId: string): void;
  /** takes every viewer out of the session's room (it ended) */
  clearSession(sessionId: string): void;
  /** source address and user agent of a viewer whose socket is on this gateway; undefined otherwise */
  auditContext(viewerId: string): AuditContext | undefined;
}
