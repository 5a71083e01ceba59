import type { EventEmitter2 } from '@nestjs/event-emitter';
import { SessionEvents, SessionViewersEvent } from '@vigil/common';
import { systemFlushScheduler } from '../flush-scheduler';
import type { LiveEdge } from './live-edge';
import { LiveSession, watcherSummary } from './live-session';
import { WatchLevel, WatchNotices, controlNotice } from './watch-notices';

const VIEWERS_DEBOUNCE_MS = 100;

/** Who watches: told to the session's user (announce), to its viewers and to the sessions page. */
export class ViewerPresence {
  private readonly viewersPending = new Set<string>();
  /** session id → what its user was told about who watches (sessions held here) */
  private readonly notices = new Map<string, WatchNotices>();

  constructor(
    private readonly edge: () => LiveEdge | undefined,
    private readonly events: EventEmitter2,
  ) {}

  /** A viewer of `username` came or went: tell the user and (debounced) everyone watching. */
  changed(session: LiveSession, username: string): void {
    this.announceWatching(session, username);
    this.broadcastViewers(session);
  }

  /**
   * A viewer took or handed back control, paused or resumed the user: when watching is announced
   * (policy `announceWatching`), every change of who may type is too: a desktop's user in the
   * tunnel beside the picture, a terminal's as a `[Vigil]` line (also in the recording).
   */
  controlChanged(session: LiveSession, username: string, action: Parameters<typeof controlNotice>[1]): void {
    if (!session.info.announceWatching || session.info.user === username || session.isClosed) return;
    const { line, kind } = controlNotice(username, action, session.source.kind === 'rdp' ? 'desktop' : 'terminal');
    session.source.notifyUser(line, kind);
  }

  sessionClosed(sessionId: string): void {
    this.notices.get(sessionId)?.close();
    this.notices.delete(sessionId);
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
    if (!notices) this.notices.set(sessionId, (notices = new WatchNotices((line, kind) => session.source.notifyUser(line, kind), systemFlushScheduler)));
    const theirs = session.watcherList().filter((v) => v.username === username);
    const modes = theirs.map((v) => v.mode);
    const level: WatchLevel = modes.includes('interact') ? 'interact' : modes.length > 0 ? 'view' : null;
    // A wall thumbnail is a view, named as such when it is all they have.
    const wallOnly = theirs.length > 0 && theirs.every((v) => v.via === 'wall');
    notices.update(username, level, wallOnly ? 'wall thumbnail' : undefined);
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
    const viewers = session.watcherList();
    this.edge()?.toSession(session.info.sessionId, 'viewers', { sessionId: session.info.sessionId, viewers });
    // The sessions page shows who is watching each session.
    this.events.emit(SessionEvents.viewers, {
      sessionId: session.info.sessionId,
      owner: session.info.owner,
      viewers: viewers.map(watcherSummary),
    } satisfies SessionViewersEvent);
  }
}
