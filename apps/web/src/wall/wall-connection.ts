import { io, type Socket } from 'socket.io-client';
import type { LiveClientEvents, LiveServerEvents } from '../live/live-protocol';
import { retryAfterMs } from './wall-tiles';

/** Where one session's thumbnail stands. */
export type ThumbnailStatus =
  | { status: 'waiting' }
  | { status: 'live' }
  | { status: 'paused' }
  | { status: 'refused'; error: string }
  | { status: 'ended'; reason: string };

export type WallLink = 'connecting' | 'live' | 'reconnecting';

export interface WallHandlers {
  /** an exact visible screen for a session's tile */
  screen(sessionId: string, cols: number, rows: number, screen: string): void;
  status(sessionId: string, status: ThumbnailStatus): void;
  link(state: WallLink): void;
}

const ACK_TIMEOUT_MS = 10_000;

/**
 * The wall's one socket.io `/live` connection: it subscribes the sessions the page shows to
 * their thumbnails (at most one screen a second each, sent by the server only when it changed),
 * and gives them up when they leave the page or the wall is paused. After a reconnect it
 * subscribes again (the server forgets a closed socket's subscriptions). A rate-limited
 * subscribe is retried after the delay the server names.
 */
export class WallConnection {
  private readonly socket: Socket<LiveServerEvents, LiveClientEvents>;
  private readonly wanted = new Set<string>();
  private readonly subscribed = new Set<string>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();
  private paused = false;
  private closed = false;

  constructor(
    token: string,
    private readonly handlers: WallHandlers,
  ) {
    this.socket = io('/live', { auth: { token }, transports: ['websocket', 'polling'] });
    this.socket.on('connect', () => {
      handlers.link('live');
      this.subscribed.clear();
      if (!this.paused) for (const id of this.wanted) this.subscribe(id);
    });
    this.socket.on('disconnect', () => !this.closed && handlers.link('reconnecting'));
    this.socket.on('connect_error', () => handlers.link('reconnecting'));
    this.socket.on('thumbnail', (p) => {
      if (!this.wanted.has(p.sessionId) || this.paused) return;
      handlers.screen(p.sessionId, p.cols, p.rows, p.screen);
      handlers.status(p.sessionId, { status: 'live' });
    });
    this.socket.on('ended', (p) => {
      if (!this.wanted.has(p.sessionId)) return;
      this.subscribed.delete(p.sessionId);
      handlers.status(p.sessionId, { status: 'ended', reason: p.reason });
    });
  }

  /** The sessions whose thumbnails the page shows now: new ones are subscribed, gone ones given up. */
  show(sessionIds: Iterable<string>): void {
    const next = new Set(sessionIds);
    for (const id of [...this.wanted]) {
      if (next.has(id)) continue;
      this.wanted.delete(id);
      this.give(id);
    }
    for (const id of next) {
      if (this.wanted.has(id)) continue;
      this.wanted.add(id);
      if (this.paused) this.handlers.status(id, { status: 'paused' });
      else this.subscribe(id);
    }
  }

  /** Paused, the server sends nothing (the subscriptions are given up) and the tiles keep their last screen. */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    for (const id of this.wanted) {
      if (paused) {
        this.give(id);
        this.handlers.status(id, { status: 'paused' });
      } else {
        this.subscribe(id);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.retries.forEach((timer) => clearTimeout(timer));
    this.socket.close();
  }

  private subscribe(sessionId: string): void {
    if (this.closed || !this.socket.connected || this.subscribed.has(sessionId)) return;
    this.subscribed.add(sessionId);
    this.handlers.status(sessionId, { status: 'waiting' });
    this.socket.timeout(ACK_TIMEOUT_MS).emit('thumbnail-subscribe', { sessionId }, (err: Error | null, ack) => {
      if (this.closed || !this.wanted.has(sessionId) || this.paused) return;
      if (err) {
        // no answer: try again on the next connect
        this.subscribed.delete(sessionId);
        return;
      }
      if (ack.ok) return;
      this.subscribed.delete(sessionId);
      const retry = retryAfterMs(ack.error);
      if (retry !== null) {
        clearTimeout(this.retries.get(sessionId));
        this.retries.set(
          sessionId,
          setTimeout(() => this.subscribe(sessionId), retry + 50),
        );
        return;
      }
      this.handlers.status(sessionId, { status: 'refused', error: ack.error });
    });
  }

  private give(sessionId: string): void {
    clearTimeout(this.retries.get(sessionId));
    this.retries.delete(sessionId);
    if (!this.subscribed.delete(sessionId)) return;
    if (this.socket.connected) this.socket.emit('thumbnail-unsubscribe', { sessionId });
  }
}
