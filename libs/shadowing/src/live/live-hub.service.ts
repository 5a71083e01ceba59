import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SessionEndedEvent, SessionEvents, endNotice } from '@vigil/common';
import type { ViewerMode } from '../control-lock';
import { LiveSession, watcherSummary } from './live-session';
import type { LiveFeed, LiveSessionInfo, RdpLiveSource, SshLiveSource, TerminalFeed } from './live-source';
import { GUACAMOLE_JOIN_MINTER, GuacamoleJoinMinter, GuacamoleRedemption, GuacamoleStream } from './streams/guacamole-stream';
import { TerminalBroadcast, TerminalStream } from './streams/terminal-stream';

/** Receives the end of live sessions, so the socket edge can tell their viewers. */
export interface LiveEndListener {
  sessionClosed(session: LiveSession, reason: string): void;
}

const POLL_BEHIND_MS = 200;

/**
 * What the cluster relay (REDIS_URL) lends the hub for desktop sessions another process holds:
 * the Guacamole tunnels of this gateway's viewers of those sessions live here, their rules there.
 */
export interface LiveClusterLink {
  redeem(tokenHash: string): Promise<GuacamoleRedemption | null>;
  held(sessionIds: string[]): Promise<{ held: Set<string>; complete: boolean }>;
  mayType(sessionId: string, viewerId: string): boolean;
  attached(sessionId: string, viewerId: string): boolean | undefined;
}

/** The same shape as the `session.viewers` event of /sessions. */
export interface SessionWatchers {
  sessionId: string;
  /** `via: 'wall'` marks a wall thumbnail (mode `view`) */
  viewers: { username: string; mode: ViewerMode; via?: 'wall' }[];
}

/**
 * The registry of sessions that can be watched live on this gateway. Origins (the SSH jump, the
 * Guacamole tunnel) open a feed; the /live gateway attaches viewers. Ending a session in the registry (terminate
 * from the API, the sessions page or /live) closes its origin with the reason.
 */
@Injectable()
export class LiveHub implements OnModuleDestroy {
  private readonly sessions = new Map<string, LiveSession>();
  private broadcast?: TerminalBroadcast;
  private endListener?: LiveEndListener;
  private readonly endedElsewhereListeners = new Set<(sessionId: string) => void>();
  private readonly stateElsewhereListeners = new Set<(sessionId: string) => void>();
  private cluster: LiveClusterLink | null = null;
  private screenChanged?: (sessionId: string) => void;
  private readonly poller = setInterval(() => this.sessions.forEach((s) => s.pollBehindViewers()), POLL_BEHIND_MS).unref();

  constructor(@Optional() @Inject(GUACAMOLE_JOIN_MINTER) private readonly minter: GuacamoleJoinMinter | null = null) {}

  /** The socket edge registers the terminal adapter's broadcast and the core once it is up. */
  connect(terminal: TerminalBroadcast, ended: LiveEndListener): void {
    this.broadcast = terminal;
    this.endListener = ended;
  }

  /** A terminal session: the origin feeds its bytes, the hub mirrors and fans them out. */
  open(info: LiveSessionInfo, source: SshLiveSource): TerminalFeed;
  /** A desktop session: guacd fans the screen out; the hub keeps viewers, control and terminate. */
  open(info: LiveSessionInfo, source: RdpLiveSource): LiveFeed;
  open(info: LiveSessionInfo, source: SshLiveSource | RdpLiveSource): TerminalFeed | LiveFeed {
    const close = (reason: string) => this.close(info.sessionId, reason);
    if (source.kind === 'rdp') {
      this.sessions.set(info.sessionId, new LiveSession(info, source, new GuacamoleStream(info.sessionId, this.minter)));
      return { close };
    }
    const stream = new TerminalStream(info.sessionId, source.size, this.edge());
    this.sessions.set(info.sessionId, new LiveSession(info, source, stream));
    const changed = () => this.screenChanged?.(info.sessionId);
    return {
      output: (chunk) => (stream.output(chunk), changed()),
      resize: (cols, rows) => (stream.resize(cols, rows), changed()),
      close,
    };
  }

  /** The wall (thumbnails/) learns which terminal screens may have changed since its last look: a flag, no work per chunk. */
  onScreenChange(listener: (sessionId: string) => void): void {
    this.screenChanged = listener;
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  /**
   * Whether `viewerId`'s input may reach the session now (attached in `interact` mode and allowed
   * by the control lock). The Guacamole tunnel asks this before forwarding a viewer's input.
   */
  mayType(sessionId: string, viewerId: string): boolean {
    const session = this.sessions.get(sessionId);
    // Held by another process: its latest pushed lock state decides (LiveClusterRelay).
    if (!session) return this.cluster?.mayType(sessionId, viewerId) ?? false;
    return !session.isClosed && session.viewer(viewerId)?.mode === 'interact' && session.lock.canType(viewerId);
  }

  /** @internal the cluster relay, once /live is up with REDIS_URL (null when it stops). */
  connectCluster(link: LiveClusterLink | null): void {
    this.cluster = link;
  }

  /** Whether the cluster is linked (REDIS_URL): tokens and sessions may then be another process's. */
  get clustered(): boolean {
    return this.cluster !== null;
  }

  /** A token minted by another process, consumed there (null: no process minted it, or no cluster). */
  redeemElsewhere(tokenHash: string): Promise<GuacamoleRedemption | null> {
    return this.cluster ? this.cluster.redeem(tokenHash) : Promise.resolve(null);
  }

  /** @internal the cluster relay: another gateway asks this process to redeem a token it may have minted. */
  redeemHere(tokenHash: string): GuacamoleRedemption | null {
    return this.minter?.redeem?.(tokenHash) ?? null;
  }

  /** Which of `sessionIds` other processes hold (`complete` false: some did not answer; no cluster: none, complete). */
  heldElsewhere(sessionIds: string[]): Promise<{ held: Set<string>; complete: boolean }> {
    return this.cluster ? this.cluster.held(sessionIds) : Promise.resolve({ held: new Set(), complete: true });
  }

  /** Whether the holder elsewhere still lists `viewerId` on `sessionId` (undefined: nothing known). */
  attachedElsewhere(sessionId: string, viewerId: string): boolean | undefined {
    return this.cluster?.attached(sessionId, viewerId);
  }

  /** `listener` learns that the viewers or the lock of a session held elsewhere changed. Returns an unsubscribe. */
  onStateElsewhere(listener: (sessionId: string) => void): () => void {
    this.stateElsewhereListeners.add(listener);
    return () => this.stateElsewhereListeners.delete(listener);
  }

  /** @internal the cluster relay: the holder of `sessionId` pushed a new state. */
  stateElsewhere(sessionId: string): void {
    for (const listener of this.stateElsewhereListeners) listener(sessionId);
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
      const viewers = session.watcherList().map(watcherSummary);
      if (viewers.length > 0) result.push({ sessionId: session.info.sessionId, viewers });
    }
    return result;
  }

  /** The registry ended a session in this process (HTTP, the sessions page, /live, the SSM API). */
  @OnEvent(SessionEvents.ended)
  onSessionEnded({ entry, message }: SessionEndedEvent): void {
    if (!this.sessions.has(entry.id)) return;
    if (entry.endReason === 'terminated') this.endOrigin(entry.id, endNotice({ ...entry, endMessage: message ?? entry.endMessage }), entry.endReason);
    else this.close(entry.id, entry.endReason);
  }

  /**
   * Ends a session's origin with `notice` (the origin shows it to the user and writes it into the
   * recording and the mirror), then tells its viewers `reason`. One path for a terminate made in
   * this process and one found in the registry (JumpSessionKeeper). False if not held here.
   */
  endOrigin(sessionId: string, notice: string, reason: string): boolean {
    const session = this.sessions.get(sessionId);
    if (!session) return false;
    session.source.terminate(notice);
    this.close(sessionId, reason);
    return true;
  }

  /**
   * `listener` learns the ids of sessions another process of the cluster ended (pushed over the
   * cluster link: a hint to look at the registry now, never a reason to end anything by itself).
   * Returns an unsubscribe.
   */
  onEndedElsewhere(listener: (sessionId: string) => void): () => void {
    this.endedElsewhereListeners.add(listener);
    return () => this.endedElsewhereListeners.delete(listener);
  }

  /** @internal the cluster relay: another process ended `sessionId` in the registry. */
  endedElsewhere(sessionId: string): void {
    for (const listener of this.endedElsewhereListeners) listener(sessionId);
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
    this.endListener?.sessionClosed(session, reason);
  }

  /** Late-bound: origins may open feeds before the socket server is listening. */
  private edge(): TerminalBroadcast {
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
