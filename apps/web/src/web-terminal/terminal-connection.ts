import { io, type Socket } from 'socket.io-client';
import { plainConnectionError } from '../api/plain-errors';

/** The `/terminal` namespace as the console speaks it (server: libs/web-terminal). */
interface ServerEvents {
  output: (data: ArrayBuffer | string) => void;
  ended: (payload: { reason: string; endReason: string }) => void;
  revoked: (payload: { reason: string; error: string }) => void;
}
type Ack = { ok: true } | { ok: false; error: string };
type OpenAck = { ok: true; sessionId: string } | { ok: false; error: string };
interface ClientEvents {
  open: (payload: { target: string; cols: number; rows: number }, ack: (answer: OpenAck) => void) => void;
  input: (data: string | Uint8Array) => void;
  resize: (payload: { cols: number; rows: number }, ack: (answer: Ack) => void) => void;
}

export type TerminalPhase = 'connecting' | 'connected' | 'ended';

export interface TerminalState {
  phase: TerminalPhase;
  sessionId: string | null;
  /** why it ended (or was refused), in the server's words */
  reason: string | null;
}

export const CONNECTING: TerminalState = { phase: 'connecting', sessionId: null, reason: null };

/** A paste goes in pieces: the server takes at most 8 KiB of UTF-8 per event (3 bytes a unit at most). */
const INPUT_PIECE = 2048;
const ACK_TIMEOUT_MS = 30_000;

/**
 * One browser terminal session over socket.io `/terminal`: opens `target` at the terminal's size,
 * streams output to `write`, sends typing and resizes. It never reconnects by itself: a new
 * connection would be a new session on the target, which the user asks for (Connect again).
 */
export class TerminalConnection {
  private readonly socket: Socket<ServerEvents, ClientEvents>;
  private state: TerminalState = CONNECTING;

  constructor(
    target: string,
    size: { cols: number; rows: number },
    token: string,
    private readonly write: (data: Uint8Array | string) => void,
    private readonly onChange: (state: TerminalState) => void,
  ) {
    this.socket = io('/terminal', { auth: { token }, transports: ['websocket', 'polling'], reconnection: false });
    this.socket.on('connect', () => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit('open', { target, ...size }, (error: Error | null, answer?: OpenAck) => {
        if (error || !answer) return this.end('Vigil did not answer: try again');
        if (!answer.ok) return this.end(answer.error);
        this.update({ phase: 'connected', sessionId: answer.sessionId, reason: null });
      });
    });
    this.socket.on('output', (data) => this.write(typeof data === 'string' ? data : new Uint8Array(data)));
    this.socket.on('ended', (p) => this.end(p.reason));
    this.socket.on('revoked', (p) => this.end(p.error));
    this.socket.on('connect_error', (error) => this.end(plainConnectionError(error.message, 'the terminal')));
    this.socket.on('disconnect', () => this.end('the connection to Vigil was lost'));
  }

  get snapshot(): TerminalState {
    return this.state;
  }

  input(data: string): void {
    if (this.state.phase !== 'connected') return;
    for (let i = 0; i < data.length; i += INPUT_PIECE) this.socket.emit('input', data.slice(i, i + INPUT_PIECE));
  }

  /** xterm.js onBinary: one byte per character (e.g. some mouse reports). */
  binary(data: string): void {
    if (this.state.phase !== 'connected') return;
    const bytes = Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff);
    for (let i = 0; i < bytes.length; i += INPUT_PIECE) this.socket.emit('input', bytes.subarray(i, i + INPUT_PIECE));
  }

  resize(cols: number, rows: number): void {
    if (this.state.phase !== 'connected') return;
    this.socket.timeout(ACK_TIMEOUT_MS).emit('resize', { cols, rows }, () => undefined);
  }

  /** The user's own hang-up: the session ends on the target, the terminal says so. */
  disconnect(): void {
    this.end('you disconnected');
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.close();
  }

  private end(reason: string): void {
    if (this.state.phase === 'ended') return; // the first reason is the one that counts
    this.update({ ...this.state, phase: 'ended', reason });
    this.socket.close();
  }

  private update(state: TerminalState): void {
    this.state = state;
    this.onChange(state);
  }
}
