import type { AuditContext } from '@vigil/common';
import { socketAuditContext } from '@vigil/auth';
import type { LiveEdge, LiveServerEvent, LiveServerPayload } from './live-edge';
import { LiveNamespace, liveRoom } from './live-socket';

/** LiveEdge over socket.io: a session's room reaches its viewers on every gateway (Redis adapter). */
export class LiveSocketEdge implements LiveEdge {
  constructor(private readonly server: LiveNamespace) {}

  toSession<E extends LiveServerEvent>(sessionId: string, event: E, payload: LiveServerPayload<E>): void {
    // socket.io's typed emit takes the event's own arguments; one payload per /live event
    const emit = this.server.to(liveRoom(sessionId)).emit as (event: E, payload: LiveServerPayload<E>) => boolean;
    emit.call(this.server.to(liveRoom(sessionId)), event, payload);
  }

  toViewer<E extends LiveServerEvent>(viewerId: string, event: E, payload: LiveServerPayload<E>): void {
    const target = this.server.to(viewerId);
    (target.emit as (event: E, payload: LiveServerPayload<E>) => boolean).call(target, event, payload);
  }

  removeFromSession(sessionId: string, viewerId: string): void {
    // Every socket is in the room named by its id, on whichever gateway it is.
    this.server.in(viewerId).socketsLeave(liveRoom(sessionId));
  }

  clearSession(sessionId: string): void {
    this.server.in(liveRoom(sessionId)).socketsLeave(liveRoom(sessionId));
  }

  auditContext(viewerId: string): AuditContext | undefined {
    const socket = this.server.sockets.get(viewerId);
    return socket ? socketAuditContext(socket) : undefined;
  }
}
