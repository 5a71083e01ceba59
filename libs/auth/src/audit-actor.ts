import { AuditContext, AuditEntry, httpAuditContext, type HttpRequest } from '@vigil/common';
import { normalizeAddress } from './login-throttle-policy';
import type { UserPrincipal } from './principal';

/** Who asked for a change and from where: the audit record's actor and context. */
export interface Actor {
  username: string;
  context?: AuditContext;
}

/** Where an HTTP call came from, the address as logs and the login throttle show it (`::ffff:` stripped). */
export function requestAuditContext(request: HttpRequest): AuditContext {
  return { ...httpAuditContext(request), sourceIp: normalizeAddress(request.ip ?? request.socket?.remoteAddress) };
}

/** The signed-in caller of an HTTP request, for the audit record of what they change. */
export function actorOf(user: Pick<UserPrincipal, 'username'>, request: HttpRequest): Actor {
  return { username: user.username, context: requestAuditContext(request) };
}

/** The parts of a socket.io socket an audit record keeps (structural: no socket.io import here). */
export interface SocketLike {
  handshake: { address: string; headers: Record<string, string | string[] | undefined> };
}

/**
 * Where a socket event came from: the handshake's address and user agent (what the socket was
 * opened with). A socket event has no request id of its own: the record's event id stands for it.
 */
export function socketAuditContext(socket: SocketLike): AuditContext {
  const agent = socket.handshake.headers['user-agent'];
  const userAgent = Array.isArray(agent) ? agent[0] : agent;
  return {
    sourceIp: normalizeAddress(socket.handshake.address),
    ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}),
  };
}

/** The actor and context fields of an audit entry for what `actor` did. */
export function auditedBy(actor: Actor): Pick<AuditEntry, 'actor' | 'context'> {
  return { actor: `user:${actor.username}`, ...(actor.context ? { context: actor.context } : {}) };
}
