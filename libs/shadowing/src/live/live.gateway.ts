import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { AuthEvents, AuthService, PrincipalRevokedEvent, SOCKET_UNAUTHORIZED, SocketAuth, UserPrincipal, socketAuditContext } from '@vigil/auth';
import { SessionEndedEvent, SessionEvents } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { SessionDirectory, SessionsService } from '@vigil/sessions';
import { LiveClusterAnswer, LiveClusterRequest, ViewerActions } from './live-cluster-events';
import { LiveClusterRelay } from './live-cluster-relay';
import { LiveCore } from './live-core';
import type { ActionAck, AttachAck } from './live-events';
import { LiveHub } from './live-hub.service';
import { parseAttach, parseControl, parseDetach, parseInput, parseMessage, parseTerminate } from './live-payloads';
import { LiveNamespace, LiveSocket, liveRoom as room } from './live-socket';
import { LiveSocketEdge } from './live-socket-edge';
import { NOT_ATTACHED, SESSION_NOT_FOUND, mayTerminate } from './shadow-permission';
import { TerminalSocketBroadcast } from './streams/terminal-socket-broadcast';
import { LiveActionKind, ViewerRateLimits } from './viewer-rate-limits';

/**
 * socket.io `/live`, the socket edge: viewers attach to live sessions, watch, type, take control
 * and terminate. Each event is rate-limited, its token checked again and its payload parsed here;
 * the rules are applied by LiveCore (shadow-permission.ts), on the server — the browser only
 * mirrors them.
 *
 * A session is held by the process whose jump carries it. With REDIS_URL, a viewer may be on
 * another gateway: its actions are forwarded to the holder (LiveClusterRelay), whose LiveCore
 * applies the same rules, and room emits reach it through socket.io's Redis adapter.
 *
 * Every action first passes the socket's rate limit and its token again (SocketAuth.recheck):
 * a socket outlives neither its token's expiry nor a revocation (logout, a disabled account).
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly server: LiveNamespace;
  private readonly clustered: boolean;
  /** with REDIS_URL: forwards to and answers the other processes of the cluster */
  private relay: LiveClusterRelay | null = null;
  private readonly socketAuth: SocketAuth;
  private readonly rateLimits = new ViewerRateLimits();

  constructor(
    auth: AuthService,
    private readonly hub: LiveHub,
    private readonly core: LiveCore,
    private readonly sessions: SessionsService,
    private readonly directory: SessionDirectory,
    config: VigilConfig,
  ) {
    this.clustered = config.redisUrl !== null;
    this.socketAuth = new SocketAuth(auth, this.logger);
  }

  afterInit(namespace: LiveNamespace): void {
    this.socketAuth.protect(namespace);
    if (this.clustered) this.relay = new LiveClusterRelay(namespace, this.hub, this.core, this.core.attachments);
    this.core.connect(new LiveSocketEdge(namespace), this.relay);
    this.hub.connect(new TerminalSocketBroadcast(namespace, () => this.relay), this.core);
    this.relay?.start();
  }

  onModuleDestroy(): void {
    this.relay?.stop();
  }

  /**
   * A session ended in the registry through this process: with REDIS_URL the process carrying it
   * (the standalone jump, another gateway's jump) is told at once, rather than finding out at its
   * next registry poll (JumpSessionKeeper, kept as the fallback for a lost message).
   */
  @OnEvent(SessionEvents.ended)
  onSessionEnded({ entry }: SessionEndedEvent): void {
    this.relay?.announceEnded(entry.id);
  }

  /** Logout, a disabled or deleted account...: its sockets close (on every gateway), which detaches them. */
  @OnEvent(AuthEvents.principalRevoked)
  onPrincipalRevoked(event: PrincipalRevokedEvent): void {
    this.socketAuth.revoke(this.server, event);
  }

  @SubscribeMessage('attach')
  async attach(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<AttachAck> {
    const admitted = await this.admit(socket, 'membership');
    if (!admitted.ok) return admitted;
    const parsed = parseAttach(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, mode } = parsed.value;
    const { user } = admitted;
    const session = this.hub.get(sessionId);
    if (session) return this.core.attachViewer(session, socket.id, user, mode, () => void socket.join(room(sessionId)));
    const remote = await this.forward('live:attach', { viewerId: socket.id, user, sessionId, mode });
    if (!remote) return { ok: false, error: SESSION_NOT_FOUND };
    if (remote.ok) this.core.attachedTo(socket.id).add(sessionId);
    return remote;
  }

  @SubscribeMessage('input')
  async input(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const admitted = await this.admit(socket, 'input');
    if (!admitted.ok) return admitted;
    const parsed = parseInput(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, data } = parsed.value;
    const { user } = admitted;
    const session = this.hub.get(sessionId);
    if (session) return this.core.inputFrom(session, socket.id, user, data);
    if (!this.core.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:input', { viewerId: socket.id, user, sessionId, data })) ?? NOT_ATTACHED;
  }

  @SubscribeMessage('control')
  async control(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const admitted = await this.admit(socket, 'control');
    if (!admitted.ok) return admitted;
    const parsed = parseControl(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, action, force, to } = parsed.value;
    const { user } = admitted;
    const session = this.hub.get(sessionId);
    if (session) return this.core.controlFrom(session, socket.id, user, action, { force, to });
    if (!this.core.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:control', { viewerId: socket.id, user, sessionId, action, force, to })) ?? NOT_ATTACHED;
  }

  @SubscribeMessage('message')
  async message(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const admitted = await this.admit(socket, 'message');
    if (!admitted.ok) return admitted;
    const parsed = parseMessage(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, text } = parsed.value;
    const { user } = admitted;
    const session = this.hub.get(sessionId);
    if (session) return this.core.messageFrom(session, socket.id, user, text);
    if (!this.core.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:message', { viewerId: socket.id, user, sessionId, text })) ?? NOT_ATTACHED;
  }

  @SubscribeMessage('terminate')
  async terminate(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const admitted = await this.admit(socket, 'control');
    if (!admitted.ok) return admitted;
    const parsed = parseTerminate(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, reason } = parsed.value;
    const { user } = admitted;
    // The registry knows every open session, whichever process carries it.
    const owner = this.hub.get(sessionId)?.info.owner ?? (await this.directory.findVisible(sessionId, null))?.owner;
    if (owner === undefined) return { ok: false, error: SESSION_NOT_FOUND };
    const verdict = mayTerminate(user, owner);
    if (!verdict.ok) return verdict;
    // Ending in the registry closes the origin (LiveHub listens here; the process carrying it
    // elsewhere is told over the cluster link, or notices within a second) and tells every viewer.
    await this.sessions.end(sessionId, {
      reason: 'terminated',
      endedBy: user.username,
      message: reason,
      audit: { actor: `user:${user.username}`, context: socketAuditContext(socket) },
    });
    return { ok: true };
  }

  @SubscribeMessage('detach')
  async detach(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    // Detaching needs no valid token (it only gives up access), but it is rate-limited like attach.
    const limited = this.rateLimits.refusal(socket.id, 'membership');
    if (limited) return limited;
    const parsed = parseDetach(payload);
    if (!parsed.ok) return parsed;
    return (await this.leave(socket, parsed.value.sessionId)) ? { ok: true } : NOT_ATTACHED;
  }

  handleDisconnect(socket: LiveSocket): void {
    for (const sessionId of this.core.attachedTo(socket.id)) void this.leave(socket, sessionId);
    this.core.forgetViewer(socket.id);
    this.rateLimits.forget(socket.id);
  }

  private async leave(socket: LiveSocket, sessionId: string): Promise<boolean> {
    const session = this.hub.get(sessionId);
    if (session) return this.core.leaveSession(session, socket.id, socket.data.user, () => void socket.leave(room(sessionId)));
    void socket.leave(room(sessionId));
    this.relay?.forgetReport(socket.id, sessionId);
    if (!this.core.attachments.get(socket.id)?.delete(sessionId)) return false;
    const answer = await this.forward('live:detach', { viewerId: socket.id, user: socket.data.user, sessionId });
    return answer?.ok === true;
  }

  /** The holder's answer for a session this process does not hold; null when no process does. */
  private async forward<E extends ViewerActions>(event: E, request: LiveClusterRequest<E>): Promise<LiveClusterAnswer<E>> {
    return this.relay ? this.relay.forward(event, request) : null;
  }

  /** Rate limit first (cheap, and a flood never reaches the database), then the token again. */
  private async admit(socket: LiveSocket, kind: LiveActionKind): Promise<{ ok: true; user: UserPrincipal } | { ok: false; error: string }> {
    const limited = this.rateLimits.refusal(socket.id, kind);
    if (limited) return limited;
    const user = await this.socketAuth.recheck(socket);
    return user ? { ok: true, user } : SOCKET_UNAUTHORIZED;
  }
}
