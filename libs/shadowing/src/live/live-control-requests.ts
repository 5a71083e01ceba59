import type { UserPrincipal } from '@vigil/auth';
import { AUDIT_UNAVAILABLE, LiveAuditTrail } from './live-audit-trail';
import type { LiveEdge } from './live-edge';
import type { ActionAck } from './live-events';
import type { LiveSession } from './live-session';
import { NOT_ATTACHED, answerVerdict, messageVerdict, requestVerdict } from './shadow-permission';

/** What the core lends: its take (a request when nobody holds control is a take), and what follows a change of holder. */
export interface ControlMoves {
  take(session: LiveSession, viewerId: string, user: UserPrincipal): Promise<ActionAck>;
  /** the lock moved (to `username`'s viewer; null: a grant undone): broadcast, cluster state, the user's notice */
  moved(session: LiveSession, username: string | null): void;
}

/**
 * "May I have control?" and "a message to the user", for every protocol. A viewer asks; the
 * holder and the admin viewers get `control-request`; one of them grants (the lock moves, checked
 * against the holder it was decided for) or denies. Each step is audited like a take: a request
 * or a grant whose record cannot be written does not happen (a grant is undone).
 */
export class LiveControlRequests {
  /** viewer ids whose principal was an admin when they attached (on any gateway) */
  private readonly admins = new Set<string>();

  constructor(
    private readonly audit: LiveAuditTrail,
    private readonly edge: () => LiveEdge | undefined,
    private readonly moves: ControlMoves,
  ) {}

  viewerAttached(viewerId: string, user: UserPrincipal): void {
    if (user.roles.includes('admin')) this.admins.add(viewerId);
    else this.admins.delete(viewerId);
  }

  forget(viewerId: string): void {
    this.admins.delete(viewerId);
  }

  async request(session: LiveSession, viewerId: string, user: UserPrincipal): Promise<ActionAck> {
    const viewer = session.viewer(viewerId);
    const allowed = requestVerdict(user, viewer);
    if (!allowed.ok) return allowed;
    const holder = session.lock.holder();
    if (holder === viewerId) return { ok: false, error: 'you already hold control' };
    if (holder === null) return this.moves.take(session, viewerId, user);
    const asked = session.requests.request(viewerId);
    if (!asked.ok) {
      return asked.reason === 'rate-limited'
        ? { ok: false, error: `rate limited: you asked for control a moment ago, retry in ${asked.retryAfterMs} ms` }
        : { ok: false, error: 'too many pending requests for control on this session, retry later' };
    }
    const { sessionId } = session.info;
    if (!(await this.audit.record(user, 'control.request', sessionId, { action: 'request', holder: session.viewer(holder)?.username ?? null }, viewerId))) {
      session.requests.answer(viewerId);
      return AUDIT_UNAVAILABLE;
    }
    const payload = { sessionId, from: viewerId, username: user.username, expiresInMs: asked.expiresInMs };
    for (const to of this.askees(session, viewerId)) this.edge()?.toViewer(to, 'control-request', payload);
    return { ok: true };
  }

  async answer(session: LiveSession, viewerId: string, user: UserPrincipal, action: 'grant' | 'deny', to: string): Promise<ActionAck> {
    if (!session.viewer(viewerId)) return NOT_ATTACHED;
    const holder = session.lock.holder();
    const allowed = answerVerdict(user, holder === viewerId);
    if (!allowed.ok) return allowed;
    const requester = session.viewer(to);
    // A viewer of another session, a made-up id, a lapsed or answered request: all the same answer.
    if (!requester || !session.requests.isPending(to)) return { ok: false, error: 'no pending request for control from this viewer' };
    const { sessionId } = session.info;
    const recipients = [to, ...this.askees(session, to)];
    session.requests.answer(to);
    const closed = { sessionId, from: to, outcome: action === 'grant' ? ('granted' as const) : ('denied' as const), by: user.username };
    const parameters = { action, to: requester.username };
    if (action === 'deny') {
      // A denial only withholds power: it stands even when its record cannot be written (record() logs that).
      const recorded = await this.audit.record(user, 'control.deny', sessionId, parameters, viewerId);
      for (const id of recipients) this.edge()?.toViewer(id, 'control-request-closed', closed);
      return recorded ? { ok: true } : AUDIT_UNAVAILABLE;
    }
    const moved = session.lock.moveTo(to, holder);
    if (!moved.ok) return { ok: false, error: moved.reason === 'holder-changed' ? 'control changed hands meanwhile: not granted' : `cannot grant control: ${moved.reason}` };
    const recorded = await this.audit.record(user, 'control.grant', sessionId, parameters, viewerId);
    if (!recorded) {
      // undone: back to the holder it was taken from, or free when that holder is gone
      if (holder === null || !session.lock.moveTo(holder, to).ok) session.lock.handBack(to);
    }
    this.moves.moved(session, recorded ? requester.username : null);
    if (!recorded) return AUDIT_UNAVAILABLE;
    for (const id of recipients) this.edge()?.toViewer(id, 'control-request-closed', closed);
    return { ok: true };
  }

  /** One line on the user's screen (the SSH source writes it into the recording too), audited with its text before it is shown. */
  async message(session: LiveSession, viewerId: string, user: UserPrincipal, text: string): Promise<ActionAck> {
    const allowed = messageVerdict(user, session.viewer(viewerId));
    if (!allowed.ok) return allowed;
    if (session.isClosed) return { ok: false, error: 'session ended' };
    if (!(await this.audit.record(user, 'user.message', session.info.sessionId, { text }, viewerId))) return AUDIT_UNAVAILABLE;
    if (session.isClosed) return { ok: false, error: 'session ended' };
    session.source.notifyUser(`message from ${user.username}: ${text}`, 'message');
    return { ok: true };
  }

  /** Who is asked: the holder and every admin viewer of the session, never the requester. */
  private askees(session: LiveSession, requester: string): string[] {
    const ids = new Set<string>();
    const holder = session.lock.holder();
    if (holder !== null) ids.add(holder);
    for (const viewer of session.viewerList()) if (this.admins.has(viewer.viewerId)) ids.add(viewer.viewerId);
    ids.delete(requester);
    return [...ids];
  }
}
