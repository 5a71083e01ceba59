import { Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  AccessLogView,
  SessionEndedEvent,
  SessionEvents,
  SessionOpenedEvent,
  SessionUpdatedEvent,
  SessionView,
  SessionViewersEvent,
} from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { AuthEvents, AuthService, PrincipalRevokedEvent, SocketAuth, SocketRevokedPayload, UserPrincipal, seesAllSessions } from '@vigil/auth';

/** Server → client events of the /sessions namespace. */
export interface SessionsServerEvents {
  'session.opened': (session: SessionView) => void;
  'session.updated': (session: SessionView) => void;
  'session.ended': (entry: AccessLogView) => void;
  'session.viewers': (payload: Omit<SessionViewersEvent, 'owner'>) => void;
  /** the socket's token expired or was revoked (logout, account disabled...): the server closes it next */
  revoked: (payload: SocketRevokedPayload) => void;
}
type SessionsNamespace = Namespace<Record<string, never>, SessionsServerEvents>;
type SessionsSocket = Socket<Record<string, never>, SessionsServerEvents, Record<string, never>, { user: UserPrincipal }>;

const ALL_SESSIONS_ROOM = 'sessions:all';
const ownerRoom = (owner: string) => `sessions:owner:${owner}`;

/**
 * Pushes registry changes to the sessions page. A socket joins its owner's room (admins and
 * auditors the room of all sessions) at connect, so each event reaches exactly who may see it.
 * With REDIS_URL, emits reach the sockets of every gateway (socket.io's Redis adapter), also when
 * they come from the standalone jump (a cluster member that serves no socket itself).
 * A socket is closed at its token's expiry and when its principal is revoked (SocketAuth).
 */
@WebSocketGateway({ namespace: '/sessions' })
export class SessionsGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(SessionsGateway.name);
  @WebSocketServer() private readonly server: SessionsNamespace;

  private readonly socketAuth: SocketAuth;
  /** without REDIS_URL every sessions page is a socket of this process */
  private readonly localOnly: boolean;

  constructor(auth: AuthService, config: VigilConfig) {
    this.socketAuth = new SocketAuth(auth, this.logger);
    this.localOnly = config.redisUrl === null;
  }

  afterInit(namespace: SessionsNamespace): void {
    this.socketAuth.protect(namespace);
  }

  @OnEvent(AuthEvents.principalRevoked)
  onPrincipalRevoked(event: PrincipalRevokedEvent): void {
    this.socketAuth.revoke(this.server, event);
  }

  handleConnection(socket: SessionsSocket): void {
    const user = socket.data.user;
    void socket.join(seesAllSessions(user) ? ALL_SESSIONS_ROOM : ownerRoom(user.username));
  }

  @OnEvent(SessionEvents.opened)
  onOpened({ session }: SessionOpenedEvent): void {
    this.audience(session.owner)?.emit('session.opened', session);
  }

  @OnEvent(SessionEvents.updated)
  onUpdated({ session }: SessionUpdatedEvent): void {
    this.audience(session.owner)?.emit('session.updated', session);
  }

  @OnEvent(SessionEvents.ended)
  onEnded({ entry }: SessionEndedEvent): void {
    this.audience(entry.owner)?.emit('session.ended', entry);
  }

  @OnEvent(SessionEvents.viewers)
  onViewers({ sessionId, owner, viewers }: SessionViewersEvent): void {
    this.audience(owner)?.emit('session.viewers', { sessionId, viewers });
  }

  /**
   * Who may see an event about `owner`'s sessions, or null when that is nobody: socket.io encodes
   * a broadcast before it looks for recipients, which cost ~1 % of a registry cycle with no page
   * open. With the Redis adapter the rooms here hold this process's sockets only, and another
   * gateway's pages must still get the event, so it always goes out.
   */
  private audience(owner: string) {
    const rooms = [ALL_SESSIONS_ROOM, ownerRoom(owner)];
    if (this.localOnly && !rooms.some((room) => this.server.adapter.rooms.get(room)?.size)) return null;
    return this.server.to(rooms);
  }
}
