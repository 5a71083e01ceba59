import { io, type Socket } from 'socket.io-client';
import { plainConnectionError } from '../api/plain-errors';
import type { ActionAck, AttachAck, ControlAction, ControlState, LiveClientEvents, LiveServerEvents, ViewerInfo, ViewerMode } from './live-protocol';

/** Where the session's screen goes: the terminal, in the order the calls are made. */
export interface ScreenSink {
  /** the exact screen: on attach (from the ack) and on resync; `painted` after it is on screen */
  reset(cols: number, rows: number, screen: string, painted?: () => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
}

export type LivePhase = 'connecting' | 'attaching' | 'live' | 'reconnecting' | 'ended' | 'refused';

export interface LiveSnapshot {
  phase: LivePhase;
  error: string | null;
  viewerId: string | null;
  viewers: ViewerInfo[];
  control: ControlState | null;
  endedReason: string | null;
  /** what the session is, from the attach ack (null until attached) */
  kind: 'ssh' | 'rdp' | null;
  /** an RDP/VNC session: the Guacamole tunnel and the single-use join token of the latest attach */
  desktop: { tunnel: string; token: string } | null;
  /** requests for control this viewer is asked to answer (it holds control, or is an admin); `expiresAt` in this browser's clock */
  requests: { from: string; username: string; expiresAt: number }[];
  /** this viewer's own request for control: pending until answered (or lapsed, `expiresAt`) */
  myRequest: { status: 'pending'; expiresAt: number } | { status: 'granted' | 'denied'; by: string } | null;
}

export const INITIAL_SNAPSHOT: LiveSnapshot = {
  phase: 'connecting',
  error: null,
  viewerId: null,
  viewers: [],
  control: null,
  endedReason: null,
  kind: null,
  desktop: null,
  requests: [],
  myRequest: null,
};

type Queued = { kind: 'output'; data: string } | { kind: 'resize'; cols: number; rows: number } | { kind: 'resync'; cols: number; rows: number; screen: string };

const ACK_TIMEOUT_MS = 10_000;
/** the server's lapse of a request for control (libs/shadowing control-lock-requests.ts) */
const REQUEST_TTL_MS = 30_000;

/**
 * One viewer's attachment to a live session over socket.io `/live`. `output` (and `resize`,
 * `resync`) can arrive before the attach ack: they are held until the ack's screen has been
 * written, then replayed in order, then the stream goes straight to the sink. Re-attaches after
 * a reconnect (the server forgets a disconnected viewer).
 */
export class LiveConnection {
  private readonly socket: Socket<LiveServerEvents, LiveClientEvents>;
  private held: Queued[] | null = null;
  private state: LiveSnapshot = INITIAL_SNAPSHOT;

  constructor(
    private readonly sessionId: string,
    private readonly mode: ViewerMode,
    token: string,
    private readonly sink: ScreenSink,
    private readonly onChange: (state: LiveSnapshot) => void,
    private readonly onFirstPaint?: () => void,
  ) {
    this.socket = io('/live', { auth: { token }, transports: ['websocket', 'polling'] });
    const mine = (p: { sessionId: string }) => p.sessionId === sessionId;
    this.socket.on('connect', () => this.attach());
    this.socket.on('disconnect', () => !this.final() && this.update({ phase: 'reconnecting' }));
    this.socket.on('connect_error', (error) => this.update({ phase: 'reconnecting', error: plainConnectionError(error.message, 'the live view') }));
    this.socket.on('output', (p) => mine(p) && this.deliver({ kind: 'output', data: p.data }));
    this.socket.on('resize', (p) => mine(p) && this.deliver({ kind: 'resize', cols: p.cols, rows: p.rows }));
    this.socket.on('resync', (p) => mine(p) && this.deliver({ kind: 'resync', cols: p.cols, rows: p.rows, screen: p.screen }));
    this.socket.on('viewers', (p) => mine(p) && this.update({ viewers: p.viewers }));
    this.socket.on('control', (p) => mine(p) && this.update({ control: p.control }));
    this.socket.on('ended', (p) => {
      if (!mine(p)) return;
      // the socket stays open: an ack (e.g. of our own terminate) may still be on its way.
      // Nobody watches an ended session and nobody holds its control: say so at once.
      this.update({ phase: 'ended', endedReason: p.reason, viewers: [], control: null, requests: [], myRequest: null });
    });
    this.socket.on('error', (p) => this.update({ error: p.error }));
    this.socket.on('control-request', (p) => {
      if (!mine(p)) return;
      const others = this.state.requests.filter((r) => r.from !== p.from);
      this.update({ requests: [...others, { from: p.from, username: p.username, expiresAt: Date.now() + p.expiresInMs }] });
    });
    this.socket.on('control-request-closed', (p) => {
      if (!mine(p)) return;
      const requests = this.state.requests.filter((r) => r.from !== p.from);
      this.update(p.from === this.state.viewerId ? { requests, myRequest: { status: p.outcome, by: p.by } } : { requests });
    });
  }

  get snapshot(): LiveSnapshot {
    return this.state;
  }

  input(data: string): Promise<void> {
    return settle(this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('input', { sessionId: this.sessionId, data }));
  }

  control(action: ControlAction, force?: boolean): Promise<void> {
    const payload = { sessionId: this.sessionId, action, ...(force ? { force } : {}) };
    return settle(this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('control', payload));
  }

  /** Asks the holder (and the admins) for control; when nobody holds it, the server gives it at once. */
  async requestControl(): Promise<void> {
    const before = this.state.control?.holder ?? null;
    await this.control('request');
    if (before !== null && this.state.control?.holder !== this.state.viewerId) {
      this.update({ myRequest: { status: 'pending', expiresAt: Date.now() + REQUEST_TTL_MS } });
      // unanswered: it lapses on the server; the button comes back here
      setTimeout(() => this.expireRequests(), REQUEST_TTL_MS + 50);
    }
  }

  /** Grants or denies another viewer's request (`to`: its viewer id). */
  async answer(action: 'grant' | 'deny', to: string): Promise<void> {
    try {
      await settle(this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('control', { sessionId: this.sessionId, action, to }));
    } finally {
      // answered, lapsed or refused: the banner's question is closed either way
      this.update({ requests: this.state.requests.filter((r) => r.from !== to) });
    }
  }

  /** One line to the session's user. */
  message(text: string): Promise<void> {
    return settle(this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message', { sessionId: this.sessionId, text }));
  }

  /** Forgets lapsed requests (the server lets them lapse on its own). */
  expireRequests(now = Date.now()): void {
    const requests = this.state.requests.filter((r) => r.expiresAt > now);
    const mine = this.state.myRequest;
    const myRequest = mine?.status === 'pending' && mine.expiresAt <= now ? null : mine;
    if (requests.length !== this.state.requests.length || myRequest !== mine) this.update({ requests, myRequest });
  }

  terminate(reason: string): Promise<void> {
    return settle(this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('terminate', { sessionId: this.sessionId, reason }));
  }

  close(): void {
    this.socket.close();
  }

  /** ended or refused: nothing more will happen on this connection */
  private final(): boolean {
    return this.state.phase === 'ended' || this.state.phase === 'refused';
  }

  private attach(): void {
    if (this.final()) return;
    this.held = [];
    this.update({ phase: 'attaching' });
    this.socket.timeout(ACK_TIMEOUT_MS).emit('attach', { sessionId: this.sessionId, mode: this.mode }, (err: Error | null, ack: AttachAck) => {
      if (this.state.phase === 'ended') return;
      if (err) return this.update({ phase: 'reconnecting', error: 'The live service did not answer; retrying…' }, () => this.socket.disconnect().connect());
      if (!ack.ok) {
        this.held = null;
        this.update({ phase: 'refused', error: ack.error });
        this.socket.close();
        return;
      }
      const attached = { phase: 'live' as const, error: null, viewerId: ack.viewerId, viewers: ack.viewers, control: ack.control };
      if (ack.kind === 'rdp') {
        // a desktop: the screen comes through the Guacamole tunnel (a new token at every attach), not as output
        this.held = null;
        return this.update({ ...attached, kind: 'rdp', desktop: { tunnel: ack.tunnel, token: ack.token } });
      }
      const first = this.state.viewerId === null;
      this.sink.reset(ack.cols, ack.rows, ack.screen, first ? this.onFirstPaint : undefined);
      const held = this.held ?? [];
      this.held = null;
      held.forEach((item) => this.apply(item));
      this.update({ ...attached, kind: 'ssh', desktop: null });
    });
  }

  private deliver(item: Queued): void {
    if (this.held) this.held.push(item);
    else this.apply(item);
  }

  private apply(item: Queued): void {
    if (item.kind === 'output') this.sink.write(item.data);
    else if (item.kind === 'resize') this.sink.resize(item.cols, item.rows);
    else this.sink.reset(item.cols, item.rows, item.screen);
  }

  private update(patch: Partial<LiveSnapshot>, then?: () => void): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
    then?.();
  }
}

/** An action's ack as a promise that rejects with the server's reason. */
async function settle(ack: Promise<ActionAck>): Promise<void> {
  const result = await ack;
  if (!result.ok) throw new Error(result.error);
}
