import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ConnectedSocket, MessageBody, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { AuthService, SOCKET_UNAUTHORIZED, UserPrincipal } from '@vigil/auth';
import { SessionEndedEvent, SessionEvents, TokenBucket } from '@vigil/common';
import { AuditOutbox } from '@vigil/database';
import { AUDIT_UNAVAILABLE, LiveAuditTrail } from '../live-audit-trail';
import { LiveCore } from '../live-core';
import type { ActionAck, ThumbnailAck } from '../live-events';
import { LiveHub } from '../live-hub.service';
import { parseDetach } from '../live-payloads';
import { LiveNamespace, LiveSocket, transportBacklog } from '../live-socket';
import { LiveSocketEdge } from '../live-socket-edge';
import { SESSION_NOT_FOUND, shadowVerdict } from '../shadow-permission';
import { FLOOD_SCREEN_TAIL_BYTES, TerminalStream } from '../streams/terminal-stream';
import { ThumbnailFanOut, ThumbnailPayload } from './thumbnail-fan-out';

/** One screen per watched session per second at most: a wall of 50 is 50 small screens a second, whatever the output rate. */
export const THUMBNAIL_INTERVAL_MS = 1000;

/**
 * Subscribing thumbnails: a wall opens with up to 64 at once, then one per new session (or a
 * resume after a pause). A script that cycles them is held to a few a second: each subscribe
 * writes an audit record. Unsubscribing is free (it only gives up, and writes a record only for a
 * subscription that was made, and so paid for).
 */
export const THUMBNAIL_LIMIT = { capacity: 64, refillPerSecond: 8 };

export const NOT_SUBSCRIBED: ActionAck = { ok: false, error: 'not subscribed to this session' };
const NO_DESKTOP_THUMBNAIL = 'no thumbnail for desktop (RDP/VNC) sessions: open the live view';

/**
 * The wall of live sessions on socket.io `/live` (the same namespace, authentication and rooms as
 * LiveGateway, which installs them): `thumbnail-subscribe` and `thumbnail-unsubscribe`, and a
 * once-a-second tick that sends each subscriber the changed screens (ThumbnailFanOut).
 *
 * A thumbnail is a watch: the rule is attach's in view mode (shadowVerdict: the owner, or a user
 * who sees every session and holds `shadow`), and it is audited like one (`viewer.join` and
 * `viewer.leave` with `via: "wall"`), so the access log says who watched. It is listed among the
 * session's viewers (mode `view`, `via: 'wall'`) and announced on the user's terminal like a view
 * when the target announces watching (LiveCore.wallJoined: a user is never watched unseen), but
 * it takes no control and not a full attach's stream. Sessions carried by another
 * process of a cluster are refused as not found here (the wall offers Open for them).
 */
@WebSocketGateway({ namespace: '/live' })
export class WallGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(WallGateway.name);
  @WebSocketServer() private readonly server: LiveNamespace;
  private readonly audit: LiveAuditTrail;
  private edge?: LiveSocketEdge;
  private readonly limits = new Map<string, TokenBucket>();
  readonly fanOut: ThumbnailFanOut;
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly auth: AuthService,
    private readonly hub: LiveHub,
    outbox: AuditOutbox,
    private readonly live: LiveCore,
  ) {
    this.audit = new LiveAuditTrail(outbox, () => this.edge);
    this.fanOut = new ThumbnailFanOut({
      send: (viewerIds, payload) => this.send(viewerIds, payload),
      backlog: (viewerId) => {
        const socket = this.server?.sockets.get(viewerId);
        return socket ? transportBacklog(socket) : 0;
      },
    });
    hub.onScreenChange((sessionId) => this.fanOut.changed(sessionId));
  }

  afterInit(namespace: LiveNamespace): void {
    this.edge = new LiveSocketEdge(namespace);
    this.timer = setInterval(() => void this.tick(), THUMBNAIL_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  @SubscribeMessage('thumbnail-subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ThumbnailAck> {
    const limited = this.limited(socket.id);
    if (limited) return limited;
    const user = await this.recheck(socket);
    if (!user) return SOCKET_UNAUTHORIZED;
    const parsed = parseDetach(payload); // the same shape: { sessionId } and nothing else
    if (!parsed.ok) return parsed;
    const { sessionId } = parsed.value;
    const session = this.hub.get(sessionId);
    if (!session) return { ok: false, error: SESSION_NOT_FOUND };
    const verdict = shadowVerdict(user, session.info.owner, 'view');
    if (!verdict.ok) return verdict;
    if (!(session.stream instanceof TerminalStream)) return { ok: false, error: NO_DESKTOP_THUMBNAIL };
    if (this.fanOut.subscriptionsOf(socket.id).has(sessionId)) return { ok: true, sessionId };
    // Capacity first, so a refused subscribe writes no record.
    const full = this.fanOut.fullRefusal(socket.id);
    if (full) return full;
    // Watching is a read access: its record is written before the first screen is sent, or it is refused.
    if (!(await this.audit.record(user, 'viewer.join', sessionId, { mode: 'view', via: 'wall' }, socket.id))) return AUDIT_UNAVAILABLE;
    if (session.isClosed || this.hub.get(sessionId) !== session || !socket.connected) return { ok: false, error: 'session ended' };
    const { mirror } = session.stream;
    const added = this.fanOut.subscribe(socket.id, sessionId, { snapshot: () => mirror.snapshot({ scrollback: 0, floodTailBytes: FLOOD_SCREEN_TAIL_BYTES }) });
    if (!added.ok) return added;
    this.live.wallJoined(session, socket.id, user.username);
    return { ok: true, sessionId };
  }

  @SubscribeMessage('thumbnail-unsubscribe')
  unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): ActionAck {
    // Giving up a thumbnail needs no valid token and no rate limit (see THUMBNAIL_LIMIT).
    const parsed = parseDetach(payload);
    if (!parsed.ok) return parsed;
    if (!this.fanOut.unsubscribe(socket.id, parsed.value.sessionId)) return NOT_SUBSCRIBED;
    this.left(socket, parsed.value.sessionId);
    return { ok: true };
  }

  handleDisconnect(socket: LiveSocket): void {
    for (const sessionId of this.fanOut.forgetViewer(socket.id)) this.left(socket, sessionId);
    this.limits.delete(socket.id);
    this.audit.forget(socket.id);
  }

  /** The registry ended a session: its walls are told at once (the tick would notice within a second). */
  @OnEvent(SessionEvents.ended)
  onSessionEnded({ entry }: SessionEndedEvent): void {
    this.ended(entry.id, entry.endReason ?? 'ended');
  }

  /** @internal one round (the timer's; tests may call it). Rounds never overlap. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const sessionId of this.fanOut.watchedSessions()) {
        const session = this.hub.get(sessionId);
        if (!session || session.isClosed) this.ended(sessionId, 'ended');
      }
      await this.fanOut.tick();
    } catch (error) {
      this.logger.error(`thumbnail round failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private ended(sessionId: string, reason: string): void {
    const viewers = this.fanOut.sessionEnded(sessionId);
    if (viewers.length > 0) this.server.local.to(viewers).emit('ended', { sessionId, reason });
  }

  private send(viewerIds: string[], payload: ThumbnailPayload): void {
    // Every socket is in the room named by its id; one emit to them all is encoded once.
    // Local only: the subscribers are this gateway's sockets (no Redis round trip per screen).
    this.server.local.to(viewerIds).emit('thumbnail', payload);
  }

  /** The thumbnail is given up: out of the viewer list (told like a viewer leaving), and its record. */
  private left(socket: LiveSocket, sessionId: string): void {
    const session = this.hub.get(sessionId);
    if (session) this.live.wallLeft(session, socket.id);
    this.recordLeave(socket, sessionId);
  }

  /** Leaving gives access up: it happens whether or not its record can be written (record() logs a failure). */
  private recordLeave(socket: LiveSocket, sessionId: string): void {
    const user = socket.data.user;
    if (user) void this.audit.record(user, 'viewer.leave', sessionId, { mode: 'view', via: 'wall' }, socket.id);
  }

  /**
   * The socket's user, verified again now (with any role change), from the token its handshake
   * was accepted with (LiveGateway's SocketAuth checked it, and closes the socket at its expiry
   * or revocation). Null when it no longer authenticates: the socket is then closed after the ack.
   */
  private async recheck(socket: LiveSocket): Promise<UserPrincipal | null> {
    const token: unknown = socket.handshake.auth?.token;
    const user = typeof token === 'string' && token.length <= 512 ? await this.auth.authenticateUser(token) : null;
    if (!user) {
      setImmediate(() => socket.disconnect(true));
      return null;
    }
    socket.data.user = user;
    return user;
  }

  private limited(socketId: string): { ok: false; error: string } | null {
    const now = performance.now();
    let bucket = this.limits.get(socketId);
    if (!bucket) this.limits.set(socketId, (bucket = new TokenBucket(THUMBNAIL_LIMIT, now)));
    const verdict = bucket.take(now);
    return verdict.ok ? null : { ok: false, error: `rate limited: too many thumbnail requests on this connection, retry in ${verdict.retryAfterMs} ms` };
  }
}
