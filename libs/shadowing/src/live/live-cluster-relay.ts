import { Logger } from '@nestjs/common';
import type { UserPrincipal } from '@vigil/auth';
import type { ViewerMode } from '../control-lock';
import { LiveClusterAnswer, LiveClusterEvents, LiveClusterRequest, ViewerActions } from './live-cluster-events';
import { RemoteSessionState, RemoteSessionStates } from './live-cluster-states';
import type { ActionAck, AttachAck, ControlAction, ControlOptions } from './live-events';
import type { LiveClusterLink, LiveHub, SessionWatchers } from './live-hub.service';
import type { LiveSession } from './live-session';
import { LiveNamespace, liveRoom, transportBacklog } from './live-socket';
import { NOT_ATTACHED } from './shadow-permission';
import type { GuacamoleRedemption } from './streams/guacamole-stream';

/** How often a gateway looks at the backlog of its viewers of sessions held elsewhere. */
const REMOTE_BACKLOG_POLL_MS = 200;
/** A backlog change smaller than this is not worth a message to the holder (except reaching zero). */
const REMOTE_BACKLOG_STEP = 16 * 1024;
/**
 * How often the holder checks that its viewers on other gateways still exist: a gateway that
 * crashed never sends their detach, and a vanished viewer may hold the control lock.
 */
const REMOTE_PRESENCE_CHECK_MS = 5_000;

/** The rules the holder of a session applies to a viewer, whichever gateway its socket is on. */
export interface HolderRules {
  attachViewer(session: LiveSession, viewerId: string, user: UserPrincipal, mode: ViewerMode, join: () => void): Promise<AttachAck>;
  inputFrom(session: LiveSession, viewerId: string, user: UserPrincipal, data: string): Promise<ActionAck>;
  controlFrom(session: LiveSession, viewerId: string, user: UserPrincipal, action: ControlAction, options?: ControlOptions): Promise<ActionAck>;
  messageFrom(session: LiveSession, viewerId: string, user: UserPrincipal, text: string): Promise<ActionAck>;
  leaveSession(session: LiveSession, viewerId: string, user: UserPrincipal, leaveRoom: () => void): boolean;
}

/**
 * /live between processes (REDIS_URL). Both halves of live-cluster-events.ts: as a viewer's
 * gateway it forwards actions to the holder and reports its viewers' backlogs; as a holder it
 * answers other gateways with the same rules, keeps their viewers' backlogs for the backpressure,
 * and detaches viewers whose gateway vanished.
 */
export class LiveClusterRelay implements LiveClusterLink {
  private readonly logger = new Logger('LiveCluster');
  /** holder side: backlogs reported for viewers whose sockets are on other gateways */
  private readonly remoteBacklogs = new Map<string, number>();
  /** viewer side: the last backlog reported per `socketId sessionId` of a session held elsewhere */
  private readonly reportedBacklogs = new Map<string, number>();
  private backlogPoller?: NodeJS.Timeout;
  private presencePoller?: NodeJS.Timeout;
  private checkingPresence = false;
  /** viewer side: the holders' latest word on their desktop sessions (viewers, control lock) */
  private readonly states = new RemoteSessionStates();
  /** holder side: numbers this process's state pushes (one holder per session: they only grow) */
  private stateSeq = 0;

  constructor(
    private readonly server: LiveNamespace,
    private readonly hub: LiveHub,
    private readonly rules: HolderRules,
    /** socket id → ids of the sessions it is attached to, for this gateway's own sockets */
    private readonly attachments: ReadonlyMap<string, ReadonlySet<string>>,
  ) {}

  start(): void {
    this.hub.connectCluster(this);
    this.answerOtherGateways();
    this.backlogPoller = setInterval(() => this.reportBacklogs(), REMOTE_BACKLOG_POLL_MS).unref();
    this.presencePoller = setInterval(() => void this.dropVanishedViewers(), REMOTE_PRESENCE_CHECK_MS).unref();
  }

  stop(): void {
    clearInterval(this.backlogPoller);
    clearInterval(this.presencePoller);
    this.hub.connectCluster(null);
  }

  // Viewer side

  /**
   * Asks the process holding the session; null when none does (or none answered within the Redis
   * adapter's request timeout, 5 s).
   */
  async forward<E extends ViewerActions>(event: E, request: LiveClusterRequest<E>): Promise<LiveClusterAnswer<E>> {
    const { answers, error } = await this.askOthers<LiveClusterAnswer<E>>(event, request);
    // A process that does not hold the session answers null; the one that does, its answer.
    const answer = answers.find((a) => a !== null && a !== undefined) ?? null;
    if (error && !answer) this.logger.warn(`${event} for session ${request.sessionId}: ${error.message}`);
    return answer;
  }

  /** Who is watching the sessions of `owner` (all when null) that other processes hold. */
  async watchersElsewhere(owner: string | null): Promise<SessionWatchers[]> {
    const { answers, error } = await this.askOthers<SessionWatchers[]>('live:watchers', { owner });
    if (error) this.logger.warn(`live:watchers: ${error.message}`);
    return answers.flat();
  }

  /** This process ended `sessionId` in the registry: the process carrying it closes it at once. */
  announceEnded(sessionId: string): void {
    this.server.serverSideEmit('live:ended', { sessionId });
  }

  /**
   * A Guacamole tunnel here was shown a token this gateway did not mint: the minter (if any
   * process did) consumes it and answers; the state of the session it joins is kept for the
   * tunnel's control-lock checks.
   */
  async redeem(tokenHash: string): Promise<GuacamoleRedemption | null> {
    type Redeemed = Parameters<Parameters<LiveClusterEvents['live:redeem']>[1]>[0];
    const { answers, error } = await this.askOthers<Redeemed>('live:redeem', { tokenHash });
    const answer = answers.find((a) => a !== null && a !== undefined) ?? null;
    if (error && !answer) this.logger.warn(`live:redeem: ${error.message}`);
    const sessionId = answer?.redemption.sessionId;
    if (answer?.state && sessionId && !this.hub.get(sessionId)) this.states.apply(sessionId, answer.state);
    return answer?.redemption ?? null;
  }

  /**
   * Which of `sessionIds` another process holds. `complete` is false when some process did not
   * answer in time: then nobody should be let go on its account.
   */
  async held(sessionIds: string[]): Promise<{ held: Set<string>; complete: boolean }> {
    const { answers, error } = await this.askOthers<string[]>('live:held', { sessionIds });
    const held = new Set(answers.flat());
    if (!error) for (const id of sessionIds) if (!held.has(id)) this.states.forget(id);
    return { held, complete: !error };
  }

  /** LiveClusterLink: input of a viewer on this gateway to a desktop session held elsewhere. */
  mayType(sessionId: string, viewerId: string): boolean {
    return this.states.mayType(sessionId, viewerId);
  }

  /** LiveClusterLink: whether the holder still lists the viewer (undefined: nothing known). */
  attached(sessionId: string, viewerId: string): boolean | undefined {
    return this.states.attached(sessionId, viewerId);
  }

  /** This gateway's viewer left a session held elsewhere: its next attach reports afresh. */
  forgetReport(socketId: string, sessionId: string): void {
    this.reportedBacklogs.delete(`${socketId} ${sessionId}`);
  }

  // Holder side

  /** The last backlog another gateway reported for its viewer (0 if none). */
  remoteBacklog(viewerId: string): number {
    return this.remoteBacklogs.get(viewerId) ?? 0;
  }

  forgetViewer(viewerId: string): void {
    this.remoteBacklogs.delete(viewerId);
  }

  /**
   * The viewers or the control lock of a session held here changed: for a desktop session, the
   * gateways whose Guacamole tunnels join it are told (their tunnels apply the lock themselves).
   */
  stateChanged(session: LiveSession): void {
    if (session.source.kind !== 'rdp' || session.isClosed) return;
    this.server.serverSideEmit('live:state', { sessionId: session.info.sessionId, state: this.stateOf(session) });
  }

  private stateOf(session: LiveSession): RemoteSessionState {
    return { seq: ++this.stateSeq, control: session.lock.state(), viewerIds: session.viewerList().map((viewer) => viewer.viewerId) };
  }

  /** Serves the viewers of other gateways for the sessions this process holds. */
  private answerOtherGateways(): void {
    const holding = <E extends ViewerActions>(request: LiveClusterRequest<E>, answer: (a: LiveClusterAnswer<E>) => void) => {
      const session = this.hub.get(request.sessionId);
      if (!session) answer(null);
      return session;
    };
    const rules = this.rules;
    const join = (viewerId: string, sessionId: string) => () => void this.server.in(viewerId).socketsJoin(liveRoom(sessionId));
    const leave = (viewerId: string, sessionId: string) => () => void this.server.in(viewerId).socketsLeave(liveRoom(sessionId));
    this.server.on('live:attach', (request, answer) => {
      const session = holding<'live:attach'>(request, answer);
      if (session) void rules.attachViewer(session, request.viewerId, request.user, request.mode, join(request.viewerId, request.sessionId)).then(answer);
    });
    this.server.on('live:input', (request, answer) => {
      const session = holding<'live:input'>(request, answer);
      if (session) void rules.inputFrom(session, request.viewerId, request.user, request.data).then(answer);
    });
    this.server.on('live:control', (request, answer) => {
      const session = holding<'live:control'>(request, answer);
      if (session) void rules.controlFrom(session, request.viewerId, request.user, request.action, { force: request.force, to: request.to }).then(answer);
    });
    this.server.on('live:message', (request, answer) => {
      const session = holding<'live:message'>(request, answer);
      if (session) void rules.messageFrom(session, request.viewerId, request.user, request.text).then(answer);
    });
    this.server.on('live:detach', (request, answer) => {
      const session = holding<'live:detach'>(request, answer);
      if (session) answer(rules.leaveSession(session, request.viewerId, request.user, leave(request.viewerId, request.sessionId)) ? { ok: true } : NOT_ATTACHED);
    });
    this.server.on('live:watchers', ({ owner }, answer) => answer(this.hub.watchers(owner)));
    this.server.on('live:ended', (notice) => {
      if (typeof notice?.sessionId !== 'string') return;
      this.hub.endedElsewhere(notice.sessionId);
      this.states.forget(notice.sessionId);
    });
    this.server.on('live:state', (notice) => {
      const sessionId = notice?.sessionId;
      if (typeof sessionId !== 'string' || this.hub.get(sessionId) || !isState(notice.state)) return;
      if (this.states.apply(sessionId, notice.state)) this.hub.stateElsewhere(sessionId);
    });
    this.server.on('live:redeem', (request, answer) => {
      const redemption = typeof request?.tokenHash === 'string' ? this.hub.redeemHere(request.tokenHash) : null;
      if (!redemption) return answer(null);
      const session = redemption.sessionId !== null ? this.hub.get(redemption.sessionId) : undefined;
      answer({ redemption, state: session ? this.stateOf(session) : null });
    });
    this.server.on('live:held', (request, answer) => {
      const ids = Array.isArray(request?.sessionIds) ? request.sessionIds : [];
      answer(ids.filter((id) => typeof id === 'string' && this.hub.get(id) !== undefined));
    });
    this.server.on('live:backlog', ({ viewerId, sessionId, bytes }) => {
      if (this.hub.get(sessionId)?.viewer(viewerId)) this.remoteBacklogs.set(viewerId, bytes);
    });
  }

  /** Tells holders how far behind this gateway's viewers of their sessions are, when it changed. */
  private reportBacklogs(): void {
    for (const [socketId, sessionIds] of this.attachments) {
      const socket = this.server.sockets.get(socketId);
      if (!socket) continue;
      for (const sessionId of sessionIds) {
        if (this.hub.get(sessionId)) continue; // held here: the session reads the socket itself
        const key = `${socketId} ${sessionId}`;
        const bytes = transportBacklog(socket);
        const last = this.reportedBacklogs.get(key) ?? 0;
        if (Math.abs(bytes - last) < REMOTE_BACKLOG_STEP && !(bytes === 0 && last !== 0)) continue;
        this.reportedBacklogs.set(key, bytes);
        this.server.serverSideEmit('live:backlog', { viewerId: socketId, user: socket.data.user, sessionId, bytes });
      }
    }
  }

  /** Detaches viewers whose sockets no gateway of the cluster has any more. */
  private async dropVanishedViewers(): Promise<void> {
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
        this.rules.leaveSession(session, viewer.viewerId, user, () => undefined);
      }
    } catch (error) {
      // No answer from every gateway in time: keep everyone rather than drop a live viewer.
      this.logger.warn(`checking remote viewers failed: ${(error as Error).message}`);
    } finally {
      this.checkingPresence = false;
    }
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
}

function isState(value: unknown): value is RemoteSessionState {
  const state = value as RemoteSessionState | undefined;
  return (
    typeof state?.seq === 'number' &&
    Array.isArray(state.viewerIds) &&
    typeof state.control === 'object' &&
    state.control !== null &&
    Array.isArray(state.control.interactiveViewers)
  );
}
