import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AuditAction } from '@vigil/common';
import type { UserPrincipal } from '@vigil/auth';
import { AuditOutbox } from '@vigil/database';
import type { ViewerMode } from '../control-lock';
import { AUDIT_UNAVAILABLE, LiveAuditTrail } from './live-audit-trail';
import type { HolderRules, LiveClusterRelay } from './live-cluster-relay';
import type { LiveEdge } from './live-edge';
import { LiveControlRequests } from './live-control-requests';
import type { ActionAck, AttachAck, ControlAction, ControlOptions } from './live-events';
import { LiveEndListener, LiveHub, SessionWatchers } from './live-hub.service';
import type { LiveSession } from './live-session';
import { NOT_ATTACHED, controlVerdict, inputVerdict, shadowVerdict } from './shadow-permission';
import type { StreamStart } from './streams/live-stream';
import { ViewerPresence } from './viewer-presence';

/**
 * The protocol-neutral half of /live: viewers and their modes, the control lock, who is told
 * about watchers, the audit records, the end of a session for its viewers. The rules are
 * shadow-permission.ts's; the pictures are the session's stream's (terminal or Guacamole).
 *
 * It answers for the sessions this process holds, whichever gateway the viewer's socket is on
 * (`viewerId` is its socket id there): the /live gateway calls it for its own sockets, the
 * cluster relay for other gateways' (HolderRules).
 */
@Injectable()
export class LiveCore implements HolderRules, LiveEndListener {
  private edge?: LiveEdge;
  private relay: LiveClusterRelay | null = null;
  private readonly audit: LiveAuditTrail;
  private readonly presence: ViewerPresence;
  private readonly requests: LiveControlRequests;
  /** viewer (socket) id → session ids it is attached to (rooms are not enough: a lagging viewer leaves its room) */
  readonly attachments = new Map<string, Set<string>>();

  constructor(
    private readonly hub: LiveHub,
    outbox: AuditOutbox,
    events: EventEmitter2,
  ) {
    this.audit = new LiveAuditTrail(outbox, () => this.edge);
    this.presence = new ViewerPresence(() => this.edge, events);
    this.requests = new LiveControlRequests(this.audit, () => this.edge, {
      take: (session, viewerId, user) => this.controlFrom(session, viewerId, user, 'take'),
      moved: (session, username) => {
        this.edge?.toSession(session.info.sessionId, 'control', { sessionId: session.info.sessionId, control: session.lock.state() });
        this.relay?.stateChanged(session);
        if (username !== null) this.presence.controlChanged(session, username, 'take');
      },
    });
  }

  /** The socket edge registers itself (and, with REDIS_URL, its cluster relay) once it is up. */
  connect(edge: LiveEdge, relay: LiveClusterRelay | null): void {
    this.edge = edge;
    this.relay = relay;
  }

  async attachViewer(session: LiveSession, viewerId: string, user: UserPrincipal, mode: ViewerMode, join: () => void): Promise<AttachAck> {
    const { sessionId } = session.info;
    const verdict = shadowVerdict(user, session.info.owner, mode);
    if (!verdict.ok) return verdict;
    // Watching is a read access: its record is written before the first byte is shown, or it is refused.
    if (!(await this.audit.record(user, 'viewer.join', sessionId, { mode }, viewerId))) return AUDIT_UNAVAILABLE;
    if (session.viewer(viewerId)) session.detach(viewerId);

    const viewer = { viewerId, username: user.username, mode, since: new Date().toISOString() };
    const attached = session.attach(viewer, user);
    if ('error' in attached) return { ok: false, error: attached.error };
    // Joined in the same tick as the stream's cut: what it sends after the cut reaches this viewer live.
    join();
    this.attachedTo(viewerId).add(sessionId);
    this.requests.viewerAttached(viewerId, user);
    let start: StreamStart;
    try {
      start = await attached.start;
    } catch (error) {
      if (session.isClosed) return { ok: false, error: 'session ended' };
      session.detach(viewerId);
      this.edge?.removeFromSession(sessionId, viewerId);
      this.attachments.get(viewerId)?.delete(sessionId);
      return { ok: false, error: `cannot watch this session: ${(error as Error).message}` };
    }
    this.presence.changed(session, user.username);
    this.relay?.stateChanged(session);
    return { ok: true, ...start, sessionId, viewers: session.watcherList(), control: session.lock.state(), viewerId };
  }

  /**
   * A wall thumbnail began (WallGateway, after its audit record): it is a watch, so it is listed
   * among the session's viewers (`via: 'wall'`) and announced like a view (WatchNotices: once per
   * person, not per reconnect). It stays outside the control lock and the stream.
   */
  wallJoined(session: LiveSession, socketId: string, username: string): void {
    if (session.addWallViewer(socketId, username)) this.presence.changed(session, username);
  }

  /** A wall thumbnail ended (unsubscribe, disconnect): told like a viewer leaving. */
  wallLeft(session: LiveSession, socketId: string): void {
    const viewer = session.removeWallViewer(socketId);
    if (viewer && !session.isClosed) this.presence.changed(session, viewer.username);
  }

  /** A burst's first keystroke waits for the burst's record: typing that cannot be audited never reaches the target. */
  async inputFrom(session: LiveSession, viewerId: string, user: UserPrincipal, data: string): Promise<ActionAck> {
    const refused = this.inputRefusal(session, viewerId);
    if (refused) return refused;
    if (!(await this.audit.inputRecorded(user, session.info.sessionId, viewerId))) return AUDIT_UNAVAILABLE;
    const stillRefused = this.inputRefusal(session, viewerId); // control may have moved while the record was written
    if (stillRefused) return stillRefused;
    if (session.source.kind !== 'ssh') return { ok: false, error: 'input refused: this session takes input through its tunnel' };
    session.source.injectInput(Buffer.from(data, 'utf8'), user.username);
    return { ok: true };
  }

  /**
   * Applies the action, then writes its record. A take or a pause whose record cannot be written
   * is undone (a forced take-over leaves control free, not back with its earlier holder); a
   * hand-back or a resume only gives power up and stays, answered with the error.
   */
  async controlFrom(session: LiveSession, viewerId: string, user: UserPrincipal, action: ControlAction, options: ControlOptions = {}): Promise<ActionAck> {
    if (!session.viewer(viewerId)) return NOT_ATTACHED;
    const { force } = options;
    if (action === 'request') return this.requests.request(session, viewerId, user);
    if (action === 'grant' || action === 'deny') {
      if (options.to === undefined) return { ok: false, error: `to must be the requesting viewer's id for ${action}` };
      return this.requests.answer(session, viewerId, user, action, options.to);
    }
    const allowed = controlVerdict(user, action, force);
    if (!allowed.ok) return allowed;
    const { sessionId } = session.info;
    let audit: AuditAction;
    let undo: (() => void) | undefined;
    switch (action) {
      case 'take': {
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
        session.lock.resumeUser();
        session.source.setUserInputPaused(false);
        audit = 'user.resume';
        break;
      }
    }
    const recorded = await this.audit.record(user, audit, sessionId, { action, ...(force !== undefined ? { force } : {}) }, viewerId);
    if (!recorded) undo?.();
    this.edge?.toSession(sessionId, 'control', { sessionId, control: session.lock.state() });
    this.relay?.stateChanged(session);
    if (recorded) this.presence.controlChanged(session, user.username, action);
    return recorded ? { ok: true } : AUDIT_UNAVAILABLE;
  }

  /** A viewer's message to the session's user (see LiveControlRequests.message). */
  messageFrom(session: LiveSession, viewerId: string, user: UserPrincipal, text: string): Promise<ActionAck> {
    return this.requests.message(session, viewerId, user, text);
  }

  leaveSession(session: LiveSession, viewerId: string, user: UserPrincipal, leaveRoom: () => void): boolean {
    const { sessionId } = session.info;
    leaveRoom();
    this.attachments.get(viewerId)?.delete(sessionId);
    const viewer = session.detach(viewerId);
    this.relay?.forgetViewer(viewerId);
    if (!this.attachments.get(viewerId)?.size) this.requests.forget(viewerId);
    if (!viewer) return false;
    this.presence.changed(session, viewer.username);
    this.edge?.toSession(sessionId, 'control', { sessionId, control: session.lock.state() });
    this.relay?.stateChanged(session);
    // Leaving gives access up: it happens whether or not its record can be written (record() logs a failure).
    void this.audit.record(user, 'viewer.leave', sessionId, { mode: viewer.mode }, viewerId);
    return true;
  }

  /** LiveEndListener: the session ended; its viewers are told why and let go. */
  sessionClosed(session: LiveSession, reason: string): void {
    const { sessionId } = session.info;
    this.presence.sessionClosed(sessionId);
    this.edge?.toSession(sessionId, 'ended', { sessionId, reason });
    this.edge?.clearSession(sessionId);
    for (const viewer of session.viewerList()) {
      this.attachments.get(viewer.viewerId)?.delete(sessionId);
      this.relay?.forgetViewer(viewer.viewerId);
    }
  }

  /** Who is watching the sessions of `owner` (all when null), in every process of the cluster. */
  async watchers(owner: string | null): Promise<SessionWatchers[]> {
    const here = this.hub.watchers(owner);
    return this.relay ? [...here, ...(await this.relay.watchersElsewhere(owner))] : here;
  }

  attachedTo(viewerId: string): Set<string> {
    let sessions = this.attachments.get(viewerId);
    if (!sessions) this.attachments.set(viewerId, (sessions = new Set()));
    return sessions;
  }

  /** A viewer's socket closed: forget what was kept for it (its sessions are left one by one first). */
  forgetViewer(viewerId: string): void {
    this.attachments.delete(viewerId);
    this.audit.forget(viewerId);
    this.requests.forget(viewerId);
  }

  private inputRefusal(session: LiveSession, viewerId: string): ActionAck | null {
    const verdict = inputVerdict(session.viewer(viewerId), session.lock.canType(viewerId));
    return verdict.ok ? null : verdict;
  }
}
