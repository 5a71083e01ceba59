import { Logger } from '@nestjs/common';
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
import { SessionsService } from '@vigil/sessions';
import type { ScreenSnapshot } from '../screen-mirror';
import { ActionAck, AttachAck, LiveClientEvents, LiveServerEvents } from './live-events';
import { LiveEndListener, LiveHub } from './live-hub.service';
import { parseAttach, parseControl, parseDetach, parseInput, parseTerminate } from './live-payloads';
import { LiveBroadcast, LiveSession } from './live-session';
import { SESSION_NOT_FOUND, mayTerminate, shadowVerdict } from './shadow-permission';

type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, Record<string, never>, { user: UserPrincipal }>;
type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents>;

const room = (sessionId: string) => `live:${sessionId}`;
/** A burst of typing is one audit record: a new record only after this much quiet. */
const INPUT_BURST_GAP_MS = 5_000;
const VIEWERS_DEBOUNCE_MS = 100;

/**
 * socket.io `/live`: viewers attach to live sessions, watch, type, take control and terminate.
 * Every rule is checked here, on the server; the browser only mirrors it.
 *
 * Room emits are `local`: a live session's viewers are attached to the gateway that runs its jump,
 * so its output never needs the Redis adapter (with REDIS_URL set, every other emit goes through it).
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayDisconnect, LiveBroadcast, LiveEndListener {
  private readonly logger = new Logger(LiveGateway.name);
  @WebSocketServer() private readonly server: LiveNamespace;
  private readonly lastInput = new Map<string, number>();
  private readonly viewersPending = new Set<string>();
  /** socket id → session ids it is attached to (rooms are not enough: a lagging viewer leaves its room) */
  private readonly attachments = new Map<string, Set<string>>();

  constructor(
    private readonly auth: AuthService,
    private readonly hub: LiveHub,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    namespace.use(socketAuthMiddleware(this.auth, this.logger));
    this.hub.connect(this);
  }

  @SubscribeMessage('attach')
  async attach(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<AttachAck> {
    const parsed = parseAttach(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, mode } = parsed.value;
    const user = socket.data.user;
    const session = this.hub.get(sessionId);
    if (!session) return { ok: false, error: SESSION_NOT_FOUND };
    const verdict = shadowVerdict(user, session.info.owner, mode);
    if (!verdict.ok) return verdict;
    if (session.viewer(socket.id)) session.detach(socket.id);

    const viewer = { viewerId: socket.id, username: user.username, mode, since: new Date().toISOString() };
    const attached = session.attach(viewer);
    if ('error' in attached) return { ok: false, error: attached.error };
    // Joined in the same tick as the snapshot cut: output after the cut reaches this socket live.
    void socket.join(room(sessionId));
    this.attachedTo(socket.id).add(sessionId);
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
      viewerId: socket.id,
    };
  }

  @SubscribeMessage('input')
  input(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): ActionAck {
    const parsed = parseInput(payload);
    if (!parsed.ok) return parsed;
    const session = this.attachedSession(socket, parsed.value.sessionId);
    if (!session) return { ok: false, error: 'not attached to this session' };
    const viewer = session.viewer(socket.id)!;
    if (viewer.mode !== 'interact') return { ok: false, error: 'input refused: attached in view mode' };
    if (!session.lock.canType(socket.id)) return { ok: false, error: 'input refused: take control first' };
    session.source.injectInput(Buffer.from(parsed.value.data, 'utf8'));
    const now = Date.now();
    if (now - (this.lastInput.get(socket.id) ?? 0) > INPUT_BURST_GAP_MS) {
      void this.record(socket.data.user, 'viewer.input', session.info.sessionId, {});
    }
    this.lastInput.set(socket.id, now);
    return { ok: true };
  }

  @SubscribeMessage('control')
  control(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): ActionAck {
    const parsed = parseControl(payload);
    if (!parsed.ok) return parsed;
    const { sessionId, action, force } = parsed.value;
    const session = this.attachedSession(socket, sessionId);
    if (!session) return { ok: false, error: 'not attached to this session' };
    const user = socket.data.user;
    const isAdmin = user.roles.includes('admin');
    let audit: AuditAction;
    switch (action) {
      case 'take': {
        if (force && !isAdmin) return { ok: false, error: 'forbidden: only admins may force a take-over' };
        const result = session.lock.take(socket.id, { force });
        if (!result.ok) return { ok: false, error: result.reason === 'held-by' ? 'control is held by another viewer' : `cannot take control: ${result.reason}` };
        audit = 'control.take';
        break;
      }
      case 'handback': {
        const result = session.lock.handBack(socket.id);
        if (!result.ok) return { ok: false, error: 'you do not hold control' };
        audit = 'control.handback';
        break;
      }
      case 'pause-user': {
        if (!isAdmin) return { ok: false, error: "forbidden: only admins may pause the user's keyboard" };
        const result = session.lock.pauseUser(socket.id);
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
    this.server.local.to(room(sessionId)).emit('control', { sessionId, control: session.lock.state() });
    void this.record(user, audit, sessionId, { force });
    return { ok: true };
  }

  @SubscribeMessage('terminate')
  async terminate(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<ActionAck> {
    const parsed = parseTerminate(payload);
    if (!parsed.ok) return parsed;
    const session = this.hub.get(parsed.value.sessionId);
    const user = socket.data.user;
    if (!session) return { ok: false, error: SESSION_NOT_FOUND };
    const verdict = mayTerminate(user, session.info.owner);
    if (!verdict.ok) return verdict;
    // Ending in the registry closes the origin (LiveHub listens) and tells every viewer.
    await this.sessions.end(parsed.value.sessionId, { reason: 'terminated', endedBy: user.username, message: parsed.value.reason });
    return { ok: true };
  }

  @SubscribeMessage('detach')
  detach(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): ActionAck {
    const parsed = parseDetach(payload);
    if (!parsed.ok) return parsed;
    return this.leave(socket, parsed.value.sessionId) ? { ok: true } : { ok: false, error: 'not attached to this session' };
  }

  handleDisconnect(socket: LiveSocket): void {
    for (const sessionId of this.attachedTo(socket.id)) this.leave(socket, sessionId);
    this.attachments.delete(socket.id);
    this.lastInput.delete(socket.id);
  }

  // LiveBroadcast: called by the hub's sessions

  output(sessionId: string, text: string): void {
    this.server.local.to(room(sessionId)).emit('output', { sessionId, data: text });
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.server.local.to(room(sessionId)).emit('resize', { sessionId, cols, rows });
  }

  backlog(viewerId: string): number {
    const socket = this.server.sockets.get(viewerId);
    const transport = socket?.conn.transport as unknown as { socket?: { bufferedAmount?: number } } | undefined;
    return transport?.socket?.bufferedAmount ?? 0;
  }

  setLive(sessionId: string, viewerId: string, live: boolean): void {
    const socket = this.server.sockets.get(viewerId);
    if (!socket) return;
    if (live) void socket.join(room(sessionId));
    else void socket.leave(room(sessionId));
  }

  resync(sessionId: string, viewerId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const socket = this.server.sockets.get(viewerId);
    if (!socket) return;
    socket.emit('resync', { sessionId, ...snapshot });
    for (const data of held) socket.emit('output', { sessionId, data });
  }

  resyncAll(sessionId: string, snapshot: ScreenSnapshot, held: string[]): void {
    const viewers = this.server.local.to(room(sessionId));
    viewers.emit('resync', { sessionId, ...snapshot });
    for (const data of held) viewers.emit('output', { sessionId, data });
  }

  sessionClosed(session: LiveSession, reason: string): void {
    const target = this.server.local.to(room(session.info.sessionId));
    target.emit('ended', { sessionId: session.info.sessionId, reason });
    this.server.local.in(room(session.info.sessionId)).socketsLeave(room(session.info.sessionId));
    for (const viewer of session.viewerList()) this.attachments.get(viewer.viewerId)?.delete(session.info.sessionId);
  }

  private attachedSession(socket: LiveSocket, sessionId: string): LiveSession | null {
    const session = this.hub.get(sessionId);
    return session?.viewer(socket.id) ? session : null;
  }

  private attachedTo(socketId: string): Set<string> {
    let sessions = this.attachments.get(socketId);
    if (!sessions) this.attachments.set(socketId, (sessions = new Set()));
    return sessions;
  }

  private leave(socket: LiveSocket, sessionId: string): boolean {
    void socket.leave(room(sessionId));
    this.attachments.get(socket.id)?.delete(sessionId);
    const session = this.hub.get(sessionId);
    const viewer = session?.detach(socket.id);
    if (!session || !viewer) return false;
    if (session.info.announceWatching && session.info.user !== viewer.username) {
      session.source.notifyUser(`${viewer.username} stopped watching this session`);
    }
    this.broadcastViewers(session);
    this.server.local.to(room(sessionId)).emit('control', { sessionId, control: session.lock.state() });
    void this.record(socket.data.user, 'viewer.leave', sessionId, { mode: viewer.mode });
    return true;
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
    this.server.local.to(room(session.info.sessionId)).emit('viewers', { sessionId: session.info.sessionId, viewers });
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
