import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { Server, type Algorithms, type ClientInfo, type Connection } from 'ssh2';
import { AuthRateLimiter, isPasswordThrottle, type AuthRateLimiterOptions, type PasswordThrottle } from './auth-rate-limiter';
import type { ForwardSession } from './forward-session';
import { systemJumpClock, type JumpClock } from './jump-clock';
import { JumpConnection } from './jump-connection';
import type { JumpLogger, JumpPorts } from './jump-ports';
import type { JumpSessionHandle } from './jump-session-handle';
import type { LiveSshSession } from './live-ssh-session';
import { DEFAULT_PRE_AUTH, PreAuthGate, type PreAuthOptions } from './pre-auth-gate';
import type { RequestRateOptions } from './request-rate-guard';

export interface JumpServerOptions {
  /** Private host keys of the jump server (PEM/OpenSSH format). */
  hostKeys: Array<Buffer | string>;
  ports: JumpPorts;
  logger?: JumpLogger;
  /** SSH keepalive towards users and targets; 0 disables. Default 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before a peer is considered dead. Default 3. */
  keepaliveCountMax?: number;
  /** How long to wait for a target's SSH handshake + login. Default 15 s. */
  upstreamReadyTimeoutMs?: number;
  /** Password throttling: a shared throttle (the gateway's LoginThrottle), or options of a per-process one. */
  rateLimit?: PasswordThrottle | AuthRateLimiterOptions;
  /** SSH identification string suffix shown to clients. Default `VigilJump`. */
  ident?: string;
  /**
   * Algorithms offered to users. Default: AES-GCM/CTR only. OpenSSH clients prefer
   * chacha20-poly1305, which ssh2 runs noticeably slower than AES-GCM (AES-NI), and the jump pays
   * for crypto twice per byte.
   */
  algorithms?: Algorithms;
  /** Login grace time and caps on unauthenticated connections; defaults in DEFAULT_PRE_AUTH. */
  preAuth?: Partial<PreAuthOptions>;
  /** Per-connection SSH request budget; defaults in DEFAULT_REQUEST_RATE. */
  requestRate?: Partial<RequestRateOptions>;
  /** Session channels one connection may hold at once (OpenSSH's MaxSessions). Default 10. */
  maxSessionsPerConnection?: number;
  /** Time for the limiters and timers above (specs inject one). */
  clock?: JumpClock;
}

const DEFAULT_ALGORITHMS: Algorithms = {
  cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr'],
};

export interface JumpServerEvents {
  /** A session started; no byte has been relayed yet, so taps attached now see everything. */
  session: [LiveSshSession];
  /** A session ended (after ports.sessionEnded was called). */
  'session-ended': [LiveSshSession];
}

/**
 * The SSH jump server: `ssh -p PORT <vigil-user>+<target>@host`. It owns only the SSH protocol
 * work; identity, targets, pinning and the session registry come through `JumpPorts`.
 */
export class JumpServer extends EventEmitter<JumpServerEvents> {
  private readonly server: Server;
  /** Our own listener: it admits each TCP connection (PreAuthGate) before ssh2 reads a byte. */
  private readonly tcp: TcpServer;
  private readonly gate: PreAuthGate;
  private readonly clock: JumpClock;
  private readonly connections = new Set<JumpConnection>();
  private readonly live = new Map<string, LiveSshSession>();
  private readonly forwards = new Map<string, ForwardSession>();
  private readonly rateLimiter: PasswordThrottle;

  constructor(private readonly options: JumpServerOptions) {
    super();
    this.rateLimiter = isPasswordThrottle(options.rateLimit) ? options.rateLimit : new AuthRateLimiter(options.rateLimit);
    const keepalive = options.keepaliveIntervalMs ?? 15_000;
    const countMax = options.keepaliveCountMax ?? 3;
    this.server = new Server(
      {
        hostKeys: options.hostKeys,
        ident: options.ident ?? 'VigilJump',
        keepaliveInterval: keepalive,
        keepaliveCountMax: countMax,
        algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
      },
      (connection: Connection, info: ClientInfo) => this.accept(connection, info, keepalive, countMax),
    );
    this.server.on('error', (err: Error) => options.logger?.error(`jump server: ${err.message}`));
    this.clock = options.clock ?? systemJumpClock;
    this.gate = new PreAuthGate({ ...DEFAULT_PRE_AUTH, ...options.preAuth }, this.clock, options.logger);
    this.tcp = createServer((socket: Socket) => {
      if (this.gate.admit(socket)) this.server.injectSocket(socket);
    });
    this.tcp.on('error', (err: Error) => options.logger?.error(`jump server: ${err.message}`));
  }

  /** Connections that have not authenticated yet (what the pre-auth caps count). */
  get unauthenticatedConnections(): number {
    return this.gate.unauthenticated;
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.tcp.once('error', onError);
      this.tcp.listen(port, host, () => {
        this.tcp.removeListener('error', onError);
        resolve((this.tcp.address() as AddressInfo).port);
      });
    });
  }

  /** The live handle of a running session, by the id the registry returned from sessionStarted. */
  getSession(sessionId: string): LiveSshSession | undefined {
    return this.live.get(sessionId);
  }

  /** All running sessions: terminals, and connections' port forwarding (kind `forward`). */
  listSessions(): JumpSessionHandle[] {
    return [...this.live.values(), ...this.forwards.values()];
  }

  /** Stops accepting, terminates running sessions with `reason`, and closes every connection. */
  async close(reason = 'The Vigil jump server is shutting down.'): Promise<void> {
    const closed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    this.gate.closeAll();
    for (const connection of this.connections) connection.terminateAll(reason);
    await closed;
  }

  private accept(connection: Connection, info: ClientInfo, keepaliveIntervalMs: number, keepaliveCountMax: number): void {
    const socket = (connection as unknown as { _sock?: Socket })._sock;
    this.gate.identified(socket, connection);
    connection.once('ready', () => this.gate.authenticated(socket));
    const jump = new JumpConnection(connection, info, {
      ports: this.options.ports,
      rateLimiter: this.rateLimiter,
      logger: this.options.logger,
      clock: this.clock,
      requestRate: this.options.requestRate,
      maxSessions: this.options.maxSessionsPerConnection ?? 10,
      upstreamOptions: {
        keepaliveIntervalMs,
        keepaliveCountMax,
        readyTimeoutMs: this.options.upstreamReadyTimeoutMs ?? 15_000,
      },
      sessionOpened: (session) => {
        this.live.set(session.id, session);
        this.emit('session', session);
      },
      sessionClosed: (session) => {
        this.live.delete(session.id);
        this.emit('session-ended', session);
      },
      forwardOpened: (session) => this.forwards.set(session.id, session),
      forwardClosed: (session) => this.forwards.delete(session.id),
    });
    this.connections.add(jump);
    connection.once('close', () => this.connections.delete(jump));
  }
}
