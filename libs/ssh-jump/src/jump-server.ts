import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Server, type Algorithms, type ClientInfo, type Connection } from 'ssh2';
import { AuthRateLimiter, type AuthRateLimiterOptions } from './auth-rate-limiter';
import { JumpConnection } from './jump-connection';
import type { JumpLogger, JumpPorts } from './jump-ports';
import type { LiveSshSession } from './live-ssh-session';

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
  /** Password throttling; pass an instance to share it or to inject a clock. */
  rateLimit?: AuthRateLimiter | AuthRateLimiterOptions;
  /** SSH identification string suffix shown to clients. Default `VigilJump`. */
  ident?: string;
  /**
   * Algorithms offered to users. Default: AES-GCM/CTR only. OpenSSH clients prefer
   * chacha20-poly1305, which ssh2 runs noticeably slower than AES-GCM (AES-NI), and the jump pays
   * for crypto twice per byte.
   */
  algorithms?: Algorithms;
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
  private readonly connections = new Set<JumpConnection>();
  private readonly live = new Map<string, LiveSshSession>();
  private readonly rateLimiter: AuthRateLimiter;

  constructor(private readonly options: JumpServerOptions) {
    super();
    this.rateLimiter = options.rateLimit instanceof AuthRateLimiter ? options.rateLimit : new AuthRateLimiter(options.rateLimit);
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
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** The live handle of a running session, by the id the registry returned from sessionStarted. */
  getSession(sessionId: string): LiveSshSession | undefined {
    return this.live.get(sessionId);
  }

  /** All running sessions. */
  listSessions(): LiveSshSession[] {
    return [...this.live.values()];
  }

  /** Stops accepting, terminates running sessions with `reason`, and closes every connection. */
  async close(reason = 'The Vigil jump server is shutting down.'): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.terminateAll(reason);
    await closed;
  }

  private accept(connection: Connection, info: ClientInfo, keepaliveIntervalMs: number, keepaliveCountMax: number): void {
    const jump = new JumpConnection(connection, info, {
      ports: this.options.ports,
      rateLimiter: this.rateLimiter,
      logger: this.options.logger,
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
    });
    this.connections.add(jump);
    connection.once('close', () => this.connections.delete(jump));
  }
}
