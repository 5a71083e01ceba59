import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SessionEndedEvent, SessionEvents, endNotice } from '@vigil/common';
import type { ViewerMode } from '../control-lock';
import { LiveBroadcast, LiveSession } from './live-session';
import type { LiveFeed, LiveSessionInfo, LiveSource } from './live-source';

/** Receives the end of live sessions, so the socket edge can tell their viewers. */
export interface LiveEndListener {
  sessionClosed(session: LiveSession, reason: string): void;
}

const POLL_BEHIND_MS = 200;

/** The same shape as the `session.viewers` event of /sessions. */
export interface SessionWatchers {
  sessionId: string;
  viewers: { username: string; mode: ViewerMode }[];
}

/**
 * The registry of sessions that can be watched live on this gateway. Origins (the SSH jump)
 * open a feed; the /live gateway attaches viewers. Ending a session in the registry (terminate
 * from the API, the sessions page or /live) closes its origin with the reason.
 */
@Injectable()
export class LiveHub implements OnModuleDestroy {
  private readonly sessions = new Map<string, LiveSession>();
  private broadcast?: LiveBroadcast & LiveEndListener;
  private readonly poller = setInterval(() => this.sessions.forEach((s) => s.pollBehindViewers()), POLL_BEHIND_MS).unref();

  /** The socket edge registers itself once it is up. */
  connect(edge: LiveBroadcast & LiveEndListener): void {
    this.broadcast = edge;
  }

  open(info: LiveSessionInfo, source: LiveSource): LiveFeed {
    const session = new LiveSession(info, source, this.edge());
    this.sessions.set(info.sessionId, session);
    return {
      output: (chunk) => session.output(chunk),
      resize: (cols, rows) => session.resize(cols, rows),
      close: (reason) => this.close(info.sessionId, reason),
    };
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Every session watchable here now. */
  all(): LiveSession[] {
    return [...this.sessions.values()];
  }

  /** Who watches which session right now, for sessions owned by `owner` (null: every session). */
  watchers(owner: string | null): SessionWatchers[] {
    const result: SessionWatchers[] = [];
    for (const session of this.sessions.values()) {
      if (owner !== null && session.info.owner !== owner) continue;
      const viewers = session.viewerList().map(({ username, mode }) => ({ username, mode }));
      if (viewers.length > 0) result.push({ sessionId: session.info.sessionId, viewers });
    }
    return result;
  }

  @OnEvent(SessionEvents.ended)
  onSessionEnded({ entry, message }: SessionEndedEvent): void {
    const session = this.sessions.get(entry.id);
    if (!session) return;
    if (entry.endReason === 'terminated') session.source.terminate(endNotice({ ...entry, endMessage: message ?? entry.endMessage }));
    this.close(entry.id, entry.endReason);
  }

  onModuleDestroy(): void {
    clearInterval(this.poller);
    for (const id of [...this.sessions.keys()]) this.close(id, 'gateway shutting down');
  }

  private close(sessionId: string, reason: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    session.close();
    this.broadcast?.sessionClosed(session, reason);
  }

  /** Late-bound: origins may open feeds before the socket server is listening. */
  private edge(): LiveBroadcast {
    return {
      output: (id, text) => this.broadcast?.output(id, text),
      resize: (id, cols, rows) => this.broadcast?.resize(id, cols, rows),
      backlog: (viewerId) => this.broadcast?.backlog(viewerId) ?? 0,
      setLive: (id, viewerId, live) => this.broadcast?.setLive(id, viewerId, live),
      resync: (id, viewerId, snapshot, held) => this.broadcast?.resync(id, viewerId, snapshot, held),
      resyncAll: (id, snapshot, held) => this.broadcast?.resyncAll(id, snapshot, held),
    };
  }
}
