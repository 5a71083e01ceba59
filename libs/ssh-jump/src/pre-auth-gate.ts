import type { Socket } from 'node:net';
import type { Connection } from 'ssh2';
import type { JumpClock } from './jump-clock';
import type { JumpLogger } from './jump-ports';
import { PreAuthLimiter, normalizeIp, type PreAuthSlot } from './pre-auth-limiter';
import { refusal } from './refusal-messages';
import { sendDisconnect } from './ssh-disconnect';

export interface PreAuthOptions {
  /** A connection not authenticated this long after its TCP connect is closed (LoginGraceTime). */
  loginGraceMs: number;
  /** Unauthenticated connections at once (MaxStartups, as a hard cap). */
  maxStartups: number;
  /** Unauthenticated connections at once from one address (PerSourceMaxStartups). */
  maxStartupsPerIp: number;
}

/**
 * 30 s: OpenSSH's own default is 120 s and hardening guides ask for 60 s or less; 30 s leaves a
 * person time to type a password and the jump time to dial the target (≤ 15 s), while a slot held
 * by a silent client is back in 30 s. 100 slots is OpenSSH's "full" point of MaxStartups; 10 per
 * address lets an office behind one NAT log in ten at a time.
 */
export const DEFAULT_PRE_AUTH: PreAuthOptions = { loginGraceMs: 30_000, maxStartups: 100, maxStartupsPerIp: 10 };

/** A refused connection gets this long to take its one line before the socket is destroyed. */
const REFUSAL_LINGER_MS = 1_000;
/** Refusals are logged as one line per interval with their count: a flood must not flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;
/** After the grace-time disconnect, how long the client may take to hang up. */
const GRACE_CLOSE_LINGER_MS = 300;

interface Pending {
  slot: PreAuthSlot;
  cancelGrace: () => void;
  connection?: Connection;
}

/**
 * The jump's door before authentication, at the TCP level (before ssh2 has read a byte, so a
 * client that sends nothing at all is covered too): admits a connection only within the
 * PreAuthLimiter's caps, and closes it when it has not authenticated within the grace time.
 */
export class PreAuthGate {
  private readonly limiter: PreAuthLimiter;
  private readonly pending = new Map<Socket, Pending>();
  private refusedSinceLog = 0;
  private lastRefusalLogAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: PreAuthOptions,
    private readonly clock: JumpClock,
    private readonly logger?: JumpLogger,
  ) {
    if (!(options.loginGraceMs > 0)) throw new RangeError('loginGraceMs must be > 0');
    this.limiter = new PreAuthLimiter(options);
  }

  /** Unauthenticated connections held now. */
  get unauthenticated(): number {
    return this.limiter.count();
  }

  /** A new TCP connection. False: refused (its socket is being closed); do not hand it to ssh2. */
  admit(socket: Socket): boolean {
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const admission = this.limiter.admit(ip);
    if (!admission.ok) {
      this.refuse(socket, ip, admission.reason);
      return false;
    }
    const entry: Pending = {
      slot: admission.slot,
      cancelGrace: this.clock.schedule(() => this.graceExpired(socket), this.options.loginGraceMs),
    };
    this.pending.set(socket, entry);
    socket.once('close', () => this.settle(socket));
    return true;
  }

  /** ssh2 read the client's version line: the grace-time reason can now go in an SSH message. */
  identified(socket: Socket | undefined, connection: Connection): void {
    const entry = socket && this.pending.get(socket);
    if (entry) entry.connection = connection;
  }

  /** The connection authenticated: it no longer counts, and no grace time applies. */
  authenticated(socket: Socket | undefined): void {
    if (socket) this.settle(socket);
  }

  /** Server stop: every connection still at the door is closed. */
  closeAll(): void {
    for (const socket of [...this.pending.keys()]) {
      this.settle(socket);
      socket.destroy();
    }
  }

  private settle(socket: Socket): void {
    const entry = this.pending.get(socket);
    if (!entry) return;
    this.pending.delete(socket);
    entry.cancelGrace();
    entry.slot.release();
  }

  private graceExpired(socket: Socket): void {
    const entry = this.pending.get(socket);
    if (!entry) return;
    const seconds = Math.round(this.options.loginGraceMs / 1000);
    this.logger?.log(`closed a connection from ${socket.remoteAddress}:${socket.remotePort}: not authenticated within ${seconds} s`);
    const connection = entry.connection;
    this.settle(socket);
    if (connection) {
      sendDisconnect(connection, refusal.loginGraceExceeded(seconds));
      connection.end();
      this.clock.schedule(() => socket.destroy(), GRACE_CLOSE_LINGER_MS);
    } else {
      socket.destroy();
    }
  }

  private refuse(socket: Socket, ip: string, reason: 'max-startups' | 'per-ip'): void {
    socket.on('error', () => undefined);
    // Lines before the version string are allowed (RFC 4253 §4.2): `nc` and logs show why.
    socket.end(`${refusal.tooManyStartups()}\r\n`);
    this.clock.schedule(() => socket.destroy(), REFUSAL_LINGER_MS);
    this.refusedSinceLog++;
    const now = this.clock.now();
    if (now - this.lastRefusalLogAt >= REFUSAL_LOG_INTERVAL_MS) {
      const cap = reason === 'per-ip' ? `${this.options.maxStartupsPerIp} from ${ip}` : `${this.options.maxStartups} in all`;
      this.logger?.warn(`refused ${this.refusedSinceLog} connection(s) before authentication: at most ${cap} at once`);
      this.refusedSinceLog = 0;
      this.lastRefusalLogAt = now;
    }
  }
}
