import { Logger, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AuditAction, AuditService } from '@vigil/audit';
import { SessionEvents, SessionViewersEvent } from '@vigil/common';
import { AuthService, UserPrincipal, socketAuthMiddleware } from '@vigil/auth';
import { VigilConfig } from '@vigil/config';
import { SessionDirectory, SessionsService } from '@vigil/sessions';
import type { ViewerMode } from '../control-lock';
import type { ScreenSnapshot } from '../screen-mirror';
import { LiveClusterAnswer, LiveClusterEvents, LiveClusterRequest } from './live-cluster-events';
import { ActionAck, AttachAck, ControlAction, LiveClientEvents, LiveServerEvents } from './live-events';
import { LiveEndListener, LiveHub, SessionWatchers } from './live-hub.service';
import { parseAttach, parseControl, parseDetach, parseInput, parseTerminate } from './live-payloads';
import { LiveBroadcast, LiveSession } from './live-session';
import { SESSION_NOT_FOUND, mayTerminate, shadowVerdict } from './shadow-permission';

type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, LiveClusterEvents, { user: UserPrincipal }>;
type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents, LiveClusterEvents>;
type ViewerAction = Exclude<keyof LiveClusterEvents, 'live:watchers' | 'live:backlog'>;

const room = (sessionId: string) => `live:${sessionId}`;
const NOT_ATTACHED: ActionAck = { ok: false, error: 'not attached to this session' };
/** A burst of typing is one audit record: a new record only after this much quiet. */
const INPUT_BURST_GAP_MS = 5_000;
const VIEWERS_DEBOUNCE_MS = 100;
/** How often a gateway looks at the backlog of its viewers of sessions held elsewhere. */
const REMOTE_BACKLOG_POLL_MS = 200;
/** A backlog change smaller than this is not worth a message to the holder (except reaching zero). */
const REMOTE_BACKLOG_STEP = 16 * 1024;
/**
 * How often the holder checks that its viewers on other gateways still exist: a gateway that
 * crashed never sends their detach, and a vanished viewer may hold the control lock.
 */
const REMOTE_PRESENCE_CHECK_MS = 5_000;

/**
 * socket.io `/live`: viewers attach to live sessions, watch, type, take control and terminate.
 * Every rule is checked here, on the server; the browser only mirrors it.
 *
 * A session is held by the process whose jump carries it. With REDIS_URL, a viewer may be on
 * another gateway: its actions are forwarded to the holder (live-cluster-events.ts), which applies
 * the same rules, and room emits reach it through socket.io's Redis adapter.
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy, LiveBroadcast, LiveEndListener {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly server: LiveNamespace;
  private readonly lastInput = new Map<string, number>();
  private readonly viewersPending = new Set<string>();
  /** viewer (socket) id → session ids it is attached to (rooms are not enough: a lagging viewer leaves its room) */
  private readonly attachments = new Map<string, Set<string>>();
  private readonly clustered: boolean;
  /** holder side: backlogs reported for viewers whose sockets are on other gateways */
  private readonly remoteBacklogs = new Map<string, number>();
  /** viewer side: the last backlog reported per `socketId sessionId` of a session held elsewhere */
  private readonly reportedBacklogs = new Map<string, number>();
  private backlogPoller?: NodeJS.Timeout;
  private presencePoller?: NodeJS.Timeout;
  private checkingPresence = false;

  constructor(
    private readonly auth: AuthService,
    private readonly hub: LiveHub,
    private readonly sessions: SessionsService,
    private readonly directory: SessionDirectory,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
    config: VigilConfig,
  ) {
    this.clustered = config.redisUrl !== null;
  }

  afterInit(namespace: LiveNamespace): void {
    namespace.use(socketAuthMiddleware(this.auth, this.logger));
    this.hub.connect(this);
    if (this.clustered) {
      this.answerOtherGateways(namespace);
      this.backlogPoller = setInterval(() => this.reportRemoteBacklogs(), REMOTE_BACKLOG_POLL_MS).unref();
      this.presencePoller = setInterval(() => void this.dropVanishedRemoteViewers(), REMOTE_PRESENCE_CHECK_MS).unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.backlogPoller);
    clearInterval(this.presencePoller);
  }

  @SubscribeMessage('attach')
  async attach(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<AttachAck> {
    const parsed = parseAttach(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, mode } = parsed.value;
    const user = socket.data.user;
    const session = this.hub.get(sessionId);
    if (session) return this.attachViewer(session, socket.id, user, mode, () => void socket.join(room(sessionId)));
    const remote = await this.forward('live:attach', { viewerId: socket.id, user, sessionId, mode });
    if (!remote) return { ok: false, error: SESSION_NOT_FOUND };
    if (remote.ok) this.attachedTo(socket.id).add(sessionId);
    return remote;
  }

  @SubscribeMessage('input')
  async input(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const parsed = parseInput(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, data } = parsed.value;
    const user = socket.data.user;
    const session = this.hub.get(sessionId);
    if (session) return this.inputFrom(session, socket.id, user, data);
    if (!this.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:input', { viewerId: socket.id, user, sessionId, data })) ?? NOT_ATTACHED;
  }

  @SubscribeMessage('control')
  async control(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const parsed = parseControl(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, action, force } = parsed.value;
    const user = socket.data.user;
    const session = this.hub.get(sessionId);
    if (session) return this.controlFrom(session, socket.id, user, action, force);
    if (!this.attachedTo(socket.id).has(sessionId)) return NOT_ATTACHED;
    return (await this.forward('live:control', { viewerId: socket.id, user, sessionId, action, force })) ?? NOT_ATTACHED;
  }

  @SubscribeMessage('terminate')
  async terminate(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const parsed = parseTerminate(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, reason } = parsed.value;
    const user = socket.data.user;
    // The registry knows every open session, whichever process carries it.
    const owner = this.hub.get(sessionId)?.info.owner ?? (await this.directory.findVisible(sessionId, null))?.owner;
    if (owner === undefined) return { ok: false, error: SESSION_NOT_FOUND };
    const verdict = mayTerminate(user, owner);
    if (!verdict.ok) return verdict;
    // Ending in the registry closes the origin (LiveHub listens; another process's jump notices
    // within a second) and tells every viewer.
    await this.sessions.end(sessionId, { reason: 'terminated', endedBy: user.username, message: reason });
    return { ok: true };
  }

  @SubscribeMessage('detach')
  async detach(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const parsed = parseDetach(payload);
    if (!parsed.ok) return parsed;
    return (await this.leave(socket, parsed.value.sessionId)) ? { ok: true } : NOT_ATTACHED;
  }

  handleDisconnect(socket: LiveSocket): void {
    for (const sessionId of this.attachedTo(socket.id)) void this.leave(socket, sessionId);
    this.attachments.delete(socket.id);
    this.lastInput.delete(socket.id);
  }

  // The rules, whichever gateway the viewer's socket is on (`viewerId` is its socket id there)

  private async attachViewer(session: LiveSession, viewerId: string, user: UserPrincipal, mode: ViewerMode, join: () => void): Promise<AttachAck> {
    const { sessionId } = session.info;
    const verdict = shadowVerdict(user, session.info.owner, mode);
    if (!verdict.ok) return verdict;
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
    if (session.info.announceWatching && session.info.user !== user.username) {
      session.source.notifyUser(`${user.username} started watching this session (${mode})`);
    }
    this.broadcastViewers(session);
    void this.record(user, 'viewer.join', sessionId, { mode });
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

  private inputFrom(session: LiveSession, viewerId: string, user: UserPrincipal, data: string): ActionAck {
    const viewer = session.viewer(viewerId);
    if (!viewer) return NOT_ATTACHED;
    if (viewer.mode !== 'interact') return { ok: false, error: 'input refused: attached in view mode' };
    if (!session.lock.canType(viewerId)) return { ok: false, error: 'input refused: take control first' };
    session.source.injectInput(Buffer.from(data, 'utf8'));
    const now = Date.now();
    if (now - (this.lastInput.get(viewerId) ?? 0) > INPUT_BURST_GAP_MS) {
      void this.record(user, 'viewer.input', session.info.sessionId, {});
    }
    this.lastInput.set(viewerId, now);
    return { ok: true };
  }

  private controlFrom(session: LiveSession, viewerId: string, user: UserPrincipal, action: ControlAction, force?: boolean): ActionAck {
    if (!session.viewer(viewerId)) return NOT_ATTACHED;
    const { sessionId } = session.info;
    const isAdmin = user.roles.includes('admin');
    let audit: AuditAction;
    switch (action) {
      case 'take': {
        if (force && !isAdmin) return { ok: false, error: 'forbidden: only admins may force a take-over' };
        const result = session.lock.take(viewerId, { force });
        if (!result.ok) return { ok: false, error: result.reason === 'held-by' ? 'control is held by another viewer' : `cannot take control: ${result.reason}` };
        audit = 'control.take';
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
    this.server.to(room(sessionId)).emit('control', { sessionId, control: session.lock.state() });
    void this.record(user, audit, sessionId, { force });
    return { ok: true };
  }

  private leaveSession(session: LiveSession, viewerId: string, user: UserPrincipal, leaveRoom: () => void): boolean {
    const { sessionId } = session.info;
    leaveRoom();
    this.attachments.get(viewerId)?.delete(sessionId);
    const viewer = session.detach(viewerId);
    this.remoteBacklogs.delete(viewerId);
    if (!viewer) return false;
    if (session.info.announceWatching && session.info.user !== viewer.username) {
      session.source.notifyUser(`${viewer.username} stopped watching this session`);
    }
    this.broadcastViewers(session);
    this.server.to(room(sessionId)).emit('control', { sessionId, control: session.lock.state() });
    void this.record(user, 'viewer.leave', sessionId, { mode: viewer.mode });
    return true;
  }

  private async leave(socket: LiveSocket, sessionId: string): Promise<boolean> {
    const session = this.hub.get(sessionId);
    if (session) return this.leaveSession(session, socket.id, socket.data.user, () => void socket.leave(room(sessionId)));
    void socket.leave(room(sessionId));
    this.reportedBacklogs.delete(`${socket.id} ${sessionId}`);
    if (!this.attachments.get(socket.id)?.delete(sessionId)) return false;
    const answer = await this.forward('live:detach', { viewerId: socket.id, user: socket.data.user, sessionId });
    return answer?.ok === true;
  }

  // Between processes

  /** Serves the viewers of other gateways for the sessions this process holds. */
  private answerOtherGateways(namespace: LiveNamespace): void {
    const holding = <E extends ViewerAction>(request: LiveClusterRequest<E>, answer: (a: LiveClusterAnswer<E>) => void) => {
      const session = this.hub.get(request.sessionId);
      if (!session) answer(null);
      return session;
    };
    const joinRemote = (viewerId: string, sessionId: string) => () => void this.server.in(viewerId).socketsJoin(room(sessionId));
    const leaveRemote = (viewerId: string, sessionId: string) => () => void this.server.in(viewerId).socketsLeave(room(sessionId));
    namespace.on('live:attach', (request, answer) => {
      const session = holding<'live:attach'>(request, answer);
      if (session) void this.attachViewer(session, request.viewerId, request.user, request.mode, joinRemote(request.viewerId, request.sessionId)).then(answer);
    });
    namespace.on('live:input', (request, answer) => {
      const session = holding<'live:input'>(request, answer);
      if (session) answer(this.inputFrom(session, request.viewerId, request.user, request.data));
    });
    namespace.on('live:control', (request, answer) => {
      const session = holding<'live:control'>(request, answer);
      if (session) answer(this.controlFrom(session, request.viewerId, request.user, request.action, request.force));
    });
    namespace.on('live:watchers', ({ owner }, answer) => answer(this.hub.watchers(owner)));
    namespace.on('live:backlog', ({ viewerId, sessionId, bytes }) => {
      if (this.hub.get(sessionId)?.viewer(viewerId)) this.remoteBacklogs.set(viewerId, bytes);
    });
    namespace.on('live:detach', (request, answer) => {
      const session = holding<'live:detach'>(request, answer);
      if (session) answer(this.leaveSession(session, request.viewerId, request.user, leaveRemote(request.viewerId, request.sessionId)) ? { ok: true } : NOT_ATTACHED);
    });
  }

  /** Tells holders how far behind this gateway's viewers of their sessions are, when it changed. */
  private reportRemoteBacklogs(): void {
    for (const [socketId, sessionIds] of this.attachments) {
      const socket = this.server.sockets.get(socketId);
      if (!socket) continue;
      for (const sessionId of sessionIds) {
        if (this.hub.get(sessionId)) continue; // held here: the session reads the socket itself
        const key = `${socketId} ${sessionId}`;
        const bytes = this.backlog(socketId);
        const last = this.reportedBacklogs.get(key) ?? 0;
        if (Math.abs(bytes - last) < REMOTE_BACKLOG_STEP && !(bytes === 0 && last !== 0)) continue;
        this.reportedBacklogs.set(key, bytes);
        this.server.serverSideEmit('live:backlog', { viewerId: socketId, user: socket.data.user, sessionId, bytes });
      }
    }
  }

  /** Holder side: detaches viewers whose sockets no gateway of the cluster has any more. */
  private async dropVanishedRemoteViewers(): Promise<void> {
    if (this.checkingPresence) return;
    const remote = this.hub.all().flatMap((session) =>
      session
        .viewerList()
        .filter((viewer) => !this.server.sockets.has(viewer.viewerId))
        .map((viewer) => ({ session, viewer })),
    );
    if (remote.length === 0) return;
    this.checkingPresence = true;
    try {
      // Every socket is in the room named by its id: one cluster-wide question for all of them.
      const present = new Set((await this.server.in(remote.map((r) => r.viewer.viewerId)).fetchSockets()).map((socket) => socket.id));
      for (const { session, viewer } of remote) {
        if (present.has(viewer.viewerId) || !session.viewer(viewer.viewerId)) continue;
        this.logger.warn(`viewer ${viewer.username} of session ${session.info.sessionId} vanished with its gateway: detached`);
        const user: UserPrincipal = { kind: 'user', id: '', username: viewer.username, roles: [], privileges: [] };
        this.leaveSession(session, viewer.viewerId, user, () => undefined);
      }
    } catch (error) {
      // No answer from every gateway in time: keep everyone rather than drop a live viewer.
      this.logger.warn(`checking remote viewers failed: ${(error as Error).message}`);
    } finally {
      this.checkingPresence = false;
    }
  }

  /** Who is watching the sessions of `owner` (all when null), in every process of the cluster. */
  async watchers(owner: string | null): Promise<SessionWatchers[]> {
    const here = this.hub.watchers(owner);
    if (!this.clustered) return here;
    const { answers, error } = await this.askOthers<SessionWatchers[]>('live:watchers', { owner });
    if (error) this.logger.warn(`live:watchers: ${error.message}`);
    return [...here, ...answers.flat()];
  }

  /**
   * Asks the process holding the session; null when none does (or none answered within the Redis
   * adapter's request timeout, 5 s).
   */
  private async forward<E extends ViewerAction>(event: E, request: LiveClusterRequest<E>): Promise<LiveClusterAnswer<E>> {
    if (!this.clustered) return null;
    const { answers, error } = await this.askOthers<LiveClusterAnswer<E>>(event, request);
    // A process that does not hold the session answers null; the one that does, its answer.
    const answer = answers.find((a) => a !== null && a !== undefined) ?? null;
    if (error && !answer) this.logger.warn(`${event} for session ${request.sessionId}: ${error.message}`);
    return answer;
  }

  /** serverSideEmit with an acknowledgement: the answers of every other process (some, on a timeout). */
  private askOthers<T>(event: keyof LiveClusterEvents, request: object): Promise<{ answers: T[]; error: Error | null }> {
    return new Promise((resolve) => {
      // socket.io types serverSideEmit's acknowledgement loosely: (error, answers of every other process)
      const emit = this.server.serverSideEmit.bind(this.server) as unknown as (
        event: keyof LiveClusterEvents,
        request: object,
        done: (error: Error | null, answers: T[] | undefined) => void,
      ) => boolean;
      emit(event, request, (error, answers) => resolve({ answers: answers ?? [], error }));
    });
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
    if (!socket) return this.remoteBacklogs.get(viewerId) ?? 0;
    return transportBacklog(socket);
  }

  /** A viewer on another gateway is joined to (or taken out of) the room through the adapter. */
  setLive(sessionId: string, viewerId: string, live: boolean): void {
    const socket = this.server.sockets.get(viewerId);
    if (socket) {
      void (live ? socket.join(room(sessionId)) : socket.leave(room(sessionId)));
      return;
    }
    if (!this.clustered) return;
    const remote = this.server.in(viewerId);
    if (live) remote.socketsJoin(room(sessionId));
    else remote.socketsLeave(room(sessionId));
  }

  resync(sessionId: string, viewerId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const socket = this.server.sockets.get(viewerId);
    if (!socket && !this.clustered) return;
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
    const target = this.server.to(room(session.info.sessionId));
    target.emit('ended', { sessionId: session.info.sessionId, reason });
    this.server.in(room(session.info.sessionId)).socketsLeave(room(session.info.sessionId));
    for (const viewer of session.viewerList()) {
      this.attachments.get(viewer.viewerId)?.delete(session.info.sessionId);
      this.remoteBacklogs.delete(viewer.viewerId);
    }
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

  private async record(user: UserPrincipal, action: AuditAction, sessionId: string, detail: Record<string, unknown>): Promise<void> {
    try {
      await this.audit.record({ actor: `user:${user.username}`, action, sessionId, detail });
    } catch (error) {
      this.logger.error(`audit write failed: ${(error as Error).message}`);
    }
  }
}

/**
 * Bytes queued towards a viewer: what its websocket has not handed to the kernel yet, plus what
 * engine.io holds back meanwhile. While a send is outstanding engine.io keeps later packets in its
 * own write buffer, so a stalled viewer's backlog grows there, not in the websocket.
 */
function transportBacklog(socket: LiveSocket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: { data?: string | ArrayBufferLike | ArrayBufferView }[];
    transport?: { socket?: { bufferedAmount?: number } };
  };
  let queued = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') queued += data.length;
    else if (data) queued += data.byteLength;
  }
  return queued;
}
