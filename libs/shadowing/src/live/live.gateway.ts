import { Logger, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { AuditAction, AuditContext, SessionEvents, SessionViewersEvent } from '@vigil/common';
import { AuthEvents, AuthService, PrincipalRevokedEvent, SOCKET_UNAUTHORIZED, SocketAuth, UserPrincipal, socketAuditContext } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox } from '@vigil/database';
import { SessionDirectory, SessionsService } from '@vigil/sessions';
import type { ViewerMode } from '../control-lock';
import { systemFlushScheduler } from '../flush-scheduler';
import type { ScreenSnapshot } from '../screen-mirror';
import { LiveClusterAnswer, LiveClusterRequest, ViewerActions } from './live-cluster-events';
import { HolderRules, LiveClusterRelay } from './live-cluster-relay';
import { ActionAck, AttachAck, ControlAction } from './live-events';
import { LiveEndListener, LiveHub, SessionWatchers } from './live-hub.service';
import { parseAttach, parseControl, parseDetach, parseInput, parseTerminate } from './live-payloads';
import { LiveBroadcast, LiveSession } from './live-session';
import { LiveNamespace, LiveSocket, liveRoom as room, transportBacklog } from './live-socket';
import { NOT_ATTACHED, SESSION_NOT_FOUND, mayTerminate, shadowVerdict } from './shadow-permission';
import { LiveActionKind, ViewerRateLimits } from './viewer-rate-limits';
import { WatchLevel, WatchNotices } from './watch-notices';

/** A burst of typing is one audit record: a new record only after this much quiet. */
const INPUT_BURST_GAP_MS = 5_000;
const VIEWERS_DEBOUNCE_MS = 100;
/** An access or a change whose audit record could not be written does not happen. */
const AUDIT_UNAVAILABLE = { ok: false, error: 'refused: the audit record could not be written' } as const;

/**
 * socket.io `/live`: viewers attach to live sessions, watch, type, take control and terminate.
 * Every rule is checked here, on the server; the browser only mirrors it.
 *
 * A session is held by the process whose jump carries it. With REDIS_URL, a viewer may be on
 * another gateway: its actions are forwarded to the holder (LiveClusterRelay), which applies the
 * same rules (HolderRules, below), and room emits reach it through socket.io's Redis adapter.
 *
 * Every action first passes the socket's rate limit and its token again (SocketAuth.recheck):
 * a socket outlives neither its token's expiry nor a revocation (logout, a disabled account).
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy, LiveBroadcast, LiveEndListener, HolderRules {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly server: LiveNamespace;
  private readonly lastInput = new Map<string, number>();
  /** viewer id → whether its current input burst's record was written (pending while it is) */
  private readonly inputRecords = new Map<string, Promise<boolean>>();
  private readonly viewersPending = new Set<string>();
  /** viewer (socket) id → session ids it is attached to (rooms are not enough: a lagging viewer leaves its room) */
  private readonly attachments = new Map<string, Set<string>>();
  private readonly clustered: boolean;
  /** with REDIS_URL: forwards to and answers the other processes of the cluster */
  private relay: LiveClusterRelay | null = null;
  private readonly socketAuth: SocketAuth;
  private readonly rateLimits = new ViewerRateLimits();
  /** session id → what its user was told about who watches (sessions held here) */
  private readonly notices = new Map<string, WatchNotices>();

  constructor(
    private readonly auth: AuthService,
    private readonly hub: LiveHub,
    private readonly sessions: SessionsService,
    private readonly directory: SessionDirectory,
    private readonly outbox: AuditOutbox,
    private readonly events: EventEmitter2,
    config: VigilConfig,
  ) {
    this.clustered = config.redisUrl !== null;
    this.socketAuth = new SocketAuth(auth, this.logger);
  }

  afterInit(namespace: LiveNamespace): void {
    this.socketAuth.protect(namespace);
    this.hub.connect(this);
    if (this.clustered) {
      this.relay = new LiveClusterRelay(namespace, this.hub, this, this.attachments);
      this.relay.start();
    }
  }

  onModuleDestroy(): void {
    this.relay?.stop();
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
    if (session) return this.attachViewer(session, socket.id, user, mode, () => void socket.join(room(sessionId)));
    const remote = await this.forward('live:attach', { viewerId: socket.id, user, sessionId, mode });
    if (!remote) return { ok: false, error: SESSION_NOT_FOUND };
    if (remote.ok) this.attachedTo(socket.id).add(sessionId);
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
    if (session) return this.inputFrom(session, socket.id, user, data);
    if (!this.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:input', { viewerId: socket.id, user, sessionId, data })) ?? NOT_ATTACHED;
  }

  @SubscribeMessage('control')
  async control(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const admitted = await this.admit(socket, 'control');
    if (!admitted.ok) return admitted;
    const parsed = parseControl(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, action, force } = parsed.value;
    const { user } = admitted;
    const session = this.hub.get(sessionId);
    if (session) return this.controlFrom(session, socket.id, user, action, force);
    if (!this.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:control', { viewerId: socket.id, user, sessionId, action, force })) ?? NOT_ATTACHED;
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
    // Ending in the registry closes the origin (LiveHub listens; another process's jump notices
    // within a second) and tells every viewer.
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
    for (const sessionId of this.attachedTo(socket.id)) void this.leave(socket, sessionId);
    this.attachments.delete(socket.id);
    this.lastInput.delete(socket.id);
    this.inputRecords.delete(socket.id);
    this.rateLimits.forget(socket.id);
  }

  // HolderRules: whichever gateway the viewer's socket is on (`viewerId` is its socket id there)

  async attachViewer(session: LiveSession, viewerId: string, user: UserPrincipal, mode: ViewerMode, join: () => void): Promise<AttachAck> {
    const { sessionId } = session.info;
    const verdict = shadowVerdict(user, session.info.owner, mode);
    if (!verdict.ok) return verdict;
    // Watching is a read access: its record is written before the first byte is shown, or it is refused.
    if (!(await this.record(user, 'viewer.join', sessionId, { mode }, viewerId))) return AUDIT_UNAVAILABLE;
    if (session.viewer(viewerId)) session.detach(viewerId);

    const viewer = { viewerId, username: user.username, mode, since: new Date().toISOString() };
    const attached = session.attach(viewer);
    if ('error' in attached) return { ok: false, error: attached.error };
    // Joined in the same tick as the snapshot cut: output after the cut reaches this viewer live.
    join();
    this.attachedTo(viewerId).add(sessionId);
    let snapshot: ScreenSnapshot;
    try {
      snapshot = await attached.snapshot;
    } catch {
      return { ok: false, error: 'session ended' };
    }
    this.announceWatching(session, user.username);
    this.broadcastViewers(session);
    return {
      ok: true,
      kind: 'ssh',
      sessionId,
      cols: snapshot.cols,
      rows: snapshot.rows,
      screen: snapshot.screen,
      viewers: session.viewerList(),
      control: session.lock.state(),
      viewerId,
    };
  }

  /**
   * A burst's first keystroke waits for the burst's record: typing that cannot be audited never
   * reaches the target. The burst's next keystrokes wait behind that record, so they stay in order.
   */
  async inputFrom(session: LiveSession, viewerId: string, user: UserPrincipal, data: string): Promise<ActionAck> {
    const refused = inputRefusal(session, viewerId);
    if (refused) return refused;
    const now = Date.now();
    if (now - (this.lastInput.get(viewerId) ?? 0) > INPUT_BURST_GAP_MS) {
      this.inputRecords.set(viewerId, this.record(user, 'viewer.input', session.info.sessionId, {}, viewerId));
    }
    this.lastInput.set(viewerId, now);
    if (!(await (this.inputRecords.get(viewerId) ?? true))) {
      this.lastInput.delete(viewerId); // the next keystroke starts a burst and tries again
      return AUDIT_UNAVAILABLE;
    }
    const stillAllowed = inputRefusal(session, viewerId); // control may have moved while the record was written
    if (stillAllowed) return stillAllowed;
    session.source.injectInput(Buffer.from(data, 'utf8'), user.username);
    return { ok: true };
  }

  /**
   * Applies the action, then writes its record. A take or a pause whose record cannot be written
   * is undone (a forced take-over leaves control free, not back with its earlier holder); a
   * hand-back or a resume only gives power up and stays, answered with the error.
   */
  async controlFrom(session: LiveSession, viewerId: string, user: UserPrincipal, action: ControlAction, force?: boolean): Promise<ActionAck> {
    if (!session.viewer(viewerId)) return NOT_ATTACHED;
    const { sessionId } = session.info;
    const isAdmin = user.roles.includes('admin');
    let audit: AuditAction;
    let undo: (() => void) | undefined;
    switch (action) {
      case 'take': {
        if (force && !isAdmin) return { ok: false, error: 'forbidden: only admins may force a take-over' };
        const result = session.lock.take(viewerId, { force });
        if (!result.ok) return { ok: false, error: result.reason === 'held-by' ? 'control is held by another viewer' : `cannot take control: ${result.reason}` };
        audit = 'control.take';
        undo = () => session.lock.handBack(viewerId);
        break;
      }
      case 'handback': {
        const result = session.lock.handBack(viewerId);
        if (!result.ok) return { ok: false, error: 'you do not hold control' };
        audit = 'control.handback';
        break;
      }
      case 'pause-user': {
        if (!isAdmin) return { ok: false, error: "forbidden: only admins may pause the user's keyboard" };
        const result = session.lock.pauseUser(viewerId);
        if (!result.ok) return { ok: false, error: `cannot pause: ${result.reason}` };
        session.source.setUserInputPaused(true);
        audit = 'user.pause';
        undo = () => {
          session.lock.resumeUser();
          session.source.setUserInputPaused(false);
        };
        break;
      }
      case 'resume-user': {
        if (!isAdmin) return { ok: false, error: "forbidden: only admins may resume the user's keyboard" };
        session.lock.resumeUser();
        session.source.setUserInputPaused(false);
        audit = 'user.resume';
        break;
      }
    }
    const recorded = await this.record(user, audit, sessionId, { action, ...(force !== undefined ? { force } : {}) }, viewerId);
    if (!recorded) undo?.();
    this.server.to(room(sessionId)).emit('control', { sessionId, control: session.lock.state() });
    return recorded ? { ok: true } : AUDIT_UNAVAILABLE;
  }

  leaveSession(session: LiveSession, viewerId: string, user: UserPrincipal, leaveRoom: () => void): boolean {
    const { sessionId } = session.info;
    leaveRoom();
    this.attachments.get(viewerId)?.delete(sessionId);
    const viewer = session.detach(viewerId);
    this.relay?.forgetViewer(viewerId);
    if (!viewer) return false;
    this.announceWatching(session, viewer.username);
    this.broadcastViewers(session);
    this.server.to(room(sessionId)).emit('control', { sessionId, control: session.lock.state() });
    // Leaving gives access up: it happens whether or not its record can be written (record() logs a failure).
    void this.record(user, 'viewer.leave', sessionId, { mode: viewer.mode }, viewerId);
    return true;
  }

  private async leave(socket: LiveSocket, sessionId: string): Promise<boolean> {
    const session = this.hub.get(sessionId);
    if (session) return this.leaveSession(session, socket.id, socket.data.user, () => void socket.leave(room(sessionId)));
    void socket.leave(room(sessionId));
    this.relay?.forgetReport(socket.id, sessionId);
    if (!this.attachments.get(socket.id)?.delete(sessionId)) return false;
    const answer = await this.forward('live:detach', { viewerId: socket.id, user: socket.data.user, sessionId });
    return answer?.ok === true;
  }

  /** Who is watching the sessions of `owner` (all when null), in every process of the cluster. */
  async watchers(owner: string | null): Promise<SessionWatchers[]> {
    const here = this.hub.watchers(owner);
    return this.relay ? [...here, ...(await this.relay.watchersElsewhere(owner))] : here;
  }

  /** The holder's answer for a session this process does not hold; null when no process does. */
  private async forward<E extends ViewerActions>(event: E, request: LiveClusterRequest<E>): Promise<LiveClusterAnswer<E>> {
    return this.relay ? this.relay.forward(event, request) : null;
  }

  // LiveBroadcast: called by the hub's sessions

  output(sessionId: string, text: string): void {
    this.server.to(room(sessionId)).emit('output', { sessionId, data: text });
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.server.to(room(sessionId)).emit('resize', { sessionId, cols, rows });
  }

  backlog(viewerId: string): number {
    const socket = this.server.sockets.get(viewerId);
    if (!socket) return this.relay?.remoteBacklog(viewerId) ?? 0;
    return transportBacklog(socket);
  }

  /** A viewer on another gateway is joined to (or taken out of) the room through the adapter. */
  setLive(sessionId: string, viewerId: string, live: boolean): void {
    const socket = this.server.sockets.get(viewerId);
    if (socket) {
      void (live ? socket.join(room(sessionId)) : socket.leave(room(sessionId)));
      return;
    }
    if (!this.relay) return;
    const remote = this.server.in(viewerId);
    if (live) remote.socketsJoin(room(sessionId));
    else remote.socketsLeave(room(sessionId));
  }

  resync(sessionId: string, viewerId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const socket = this.server.sockets.get(viewerId);
    if (!socket && !this.relay) return;
    // Every socket is in the room named by its id: `to(viewerId)` reaches it on any gateway.
    const viewer = socket ?? this.server.to(viewerId);
    viewer.emit('resync', { sessionId, ...snapshot });
    for (const data of held) viewer.emit('output', { sessionId, data });
  }

  resyncAll(sessionId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const viewers = this.server.to(room(sessionId));
    viewers.emit('resync', { sessionId, ...snapshot });
    for (const data of held) viewers.emit('output', { sessionId, data });
  }

  sessionClosed(session: LiveSession, reason: string): void {
    this.notices.get(session.info.sessionId)?.close();
    this.notices.delete(session.info.sessionId);
    const target = this.server.to(room(session.info.sessionId));
    target.emit('ended', { sessionId: session.info.sessionId, reason });
    this.server.in(room(session.info.sessionId)).socketsLeave(room(session.info.sessionId));
    for (const viewer of session.viewerList()) {
      this.attachments.get(viewer.viewerId)?.delete(session.info.sessionId);
      this.relay?.forgetViewer(viewer.viewerId);
    }
  }

  /** Rate limit first (cheap, and a flood never reaches the database), then the token again. */
  private async admit(socket: LiveSocket, kind: LiveActionKind): Promise<{ ok: true; user: UserPrincipal } | { ok: false; error: string }> {
    const limited = this.rateLimits.refusal(socket.id, kind);
    if (limited) return limited;
    const user = await this.socketAuth.recheck(socket);
    return user ? { ok: true, user } : SOCKET_UNAUTHORIZED;
  }

  /**
   * Tells the session's user who watches now (target policy `announceWatching`; never about
   * themselves), through WatchNotices: at once when someone gains access, without a flood of
   * lines when a viewer re-attaches or reconnects.
   */
  private announceWatching(session: LiveSession, username: string): void {
    if (!session.info.announceWatching || session.info.user === username || session.isClosed) return;
    const { sessionId } = session.info;
    let notices = this.notices.get(sessionId);
    if (!notices) this.notices.set(sessionId, (notices = new WatchNotices((line) => session.source.notifyUser(line), systemFlushScheduler)));
    const modes = session.viewerList().filter((v) => v.username === username).map((v) => v.mode);
    const level: WatchLevel = modes.includes('interact') ? 'interact' : modes.length > 0 ? 'view' : null;
    notices.update(username, level);
  }

  private attachedTo(socketId: string): Set<string> {
    let sessions = this.attachments.get(socketId);
    if (!sessions) this.attachments.set(socketId, (sessions = new Set()));
    return sessions;
  }

  /**
   * Viewer lists go out at most every VIEWERS_DEBOUNCE_MS per session: when hundreds attach at
   * once, one list each would cost the square of their number in messages.
   */
  private broadcastViewers(session: LiveSession): void {
    if (this.viewersPending.has(session.info.sessionId)) return;
    this.viewersPending.add(session.info.sessionId);
    setTimeout(() => {
      this.viewersPending.delete(session.info.sessionId);
      if (!session.isClosed) this.sendViewers(session);
    }, VIEWERS_DEBOUNCE_MS).unref();
  }

  private sendViewers(session: LiveSession): void {
    const viewers = session.viewerList();
    this.server.to(room(session.info.sessionId)).emit('viewers', { sessionId: session.info.sessionId, viewers });
    // The sessions page shows who is watching each session.
    this.events.emit(SessionEvents.viewers, {
      sessionId: session.info.sessionId,
      owner: session.info.owner,
      viewers: viewers.map(({ username, mode }) => ({ username, mode })),
    } satisfies SessionViewersEvent);
  }

  /**
   * Writes the record (committed when this resolves true); false when it could not be written.
   * The viewer's source address and user agent are its socket's when the socket is on this
   * gateway (a viewer on another gateway is recorded without them).
   */
  private async record(user: UserPrincipal, action: AuditAction, sessionId: string, requestParameters: Record<string, unknown>, viewerId: string): Promise<boolean> {
    const socket = this.server.sockets.get(viewerId);
    const context: AuditContext | undefined = socket ? socketAuditContext(socket) : undefined;
    try {
      await this.outbox.append({ action, actor: `user:${user.username}`, sessionId, requestParameters, ...(context ? { context } : {}) });
      return true;
    } catch (error) {
      this.logger.error(`audit write failed (${action} by ${user.username} on ${sessionId}): ${(error as Error).message}`);
      return false;
    }
  }
}


/** Why `viewerId` may not type into the session now, or null if it may. */
function inputRefusal(session: LiveSession, viewerId: string): ActionAck | null {
  const viewer = session.viewer(viewerId);
  if (!viewer) return NOT_ATTACHED;
  if (viewer.mode !== 'interact') return { ok: false, error: 'input refused: attached in view mode' };
  if (!session.lock.canType(viewerId)) return { ok: false, error: 'input refused: take control first' };
  return null;
}
