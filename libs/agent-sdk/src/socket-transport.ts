import * as fs from 'node:fs';
import { io, Socket } from 'socket.io-client';
import type { TlsOptions } from './http-transport';
import { AgentTransport, EndBody, OpenRequest, OpenedSession, TransportError } from './transport';

/**
 * The /agents wire contract (libs/agent-channel/src/agent-wire.ts), copied so the SDK stays a
 * package of its own; socket-transport.spec.ts checks at compile time that both still agree.
 */
export const SOCKET_MAX_HEARTBEAT_BATCH = 1000;

export interface SocketRefusal {
  ok: false;
  error: string;
  status: number;
  retryAfterMs?: number;
}
type Ack<T extends object> = ({ ok: true } & T) | SocketRefusal;
type WireSession = { id: string; externalId: string; status: string };
export type SocketOpenAck = Ack<{ session: WireSession; created: boolean }>;
export type SocketHeartbeatAck = Ack<{ unknown: string[] }>;
export type SocketEndAck = Ack<{ entry: WireSession; alreadyEnded: boolean }>;

interface ClientEvents {
  open: (request: OpenRequest, ack: (answer: SocketOpenAck) => void) => void;
  heartbeat: (request: { sessionIds: string[] }, ack: (answer: SocketHeartbeatAck) => void) => void;
  end: (request: { sessionId: string } & EndBody, ack: (answer: SocketEndAck) => void) => void;
}
interface ServerEvents {
  revoked: (notice: { reason: string; error: string }) => void;
}

/** Some ids of a heartbeat batch are not open sessions of this agent (ended, timed out): final, like HTTP's 404. */
export class UnknownSessionsError extends TransportError {
  constructor(readonly sessionIds: string[]) {
    super(`gateway answered 404: ${sessionIds.length} session(s) are not open: ${sessionIds.slice(0, 5).join(', ')}${sessionIds.length > 5 ? ', ...' : ''}`, false, 404);
    this.name = 'UnknownSessionsError';
  }
}

export interface SocketTransportOptions {
  /** the gateway, e.g. https://vigil.example.com; the channel is its socket.io namespace /agents */
  url: string;
  /** the agent token of `POST /api/agents` */
  token: string;
  tls?: TlsOptions;
  /** per event, from emit to ack, and to connect. Default 10 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** socket.io path on the gateway. Default /socket.io */
  path?: string;
}

/**
 * The agent API over one persistent socket.io connection (namespace `/agents`): open, batched
 * heartbeat (≤ 1000 ids per event, larger batches are split) and end, each answered by an ack.
 * The connection opens on first use and reconnects by itself after a network failure; a
 * refused handshake (bad or revoked token) or a revocation notice makes every call final (401)
 * until a new transport is made. Errors follow the HTTP transport's split: network, timeout,
 * 5xx and 429 are retryable; any other refusal is final.
 */
export class SocketTransport implements AgentTransport {
  private readonly socket: Socket<ServerEvents, ClientEvents>;
  private readonly timeoutMs: number;
  private revoked: string | null = null;
  private closed = false;

  constructor(options: SocketTransportOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new TypeError(`gateway URL is not a URL: ${JSON.stringify(options.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`gateway URL must be http(s): ${options.url}`);
    if (!options.token) throw new TypeError('an agent token is required');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // a path prefix of the URL (a reverse proxy's) prefixes socket.io's path; the namespace is /agents
    this.socket = io(`${base.origin}/agents`, {
      path: options.path ?? `${base.pathname.replace(/\/+$/, '')}/socket.io`,
      auth: { token: options.token },
      transports: ['websocket'],
      autoConnect: false,
      timeout: this.timeoutMs,
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      extraHeaders: { 'user-agent': options.userAgent ?? 'vigil-agent-sdk/1 (socket)' },
      ...(base.protocol === 'https:' ? tlsSettings(options.tls) : {}),
    });
    this.socket.on('revoked', (notice) => {
      this.revoked = notice.error;
    });
  }

  /** Whether the channel is up now (for status displays; calls connect on demand). */
  get connected(): boolean {
    return this.socket.connected;
  }

  async open(request: OpenRequest): Promise<OpenedSession> {
    const answer = await this.call<SocketOpenAck>('open', request);
    if (!answer.ok) throw refusal(answer);
    return { id: answer.session.id, externalId: answer.session.externalId, status: answer.session.status };
  }

  async heartbeat(sessionIds: string[]): Promise<void> {
    const unknown: string[] = [];
    for (let i = 0; i < sessionIds.length; i += SOCKET_MAX_HEARTBEAT_BATCH) {
      const answer = await this.call<SocketHeartbeatAck>('heartbeat', { sessionIds: sessionIds.slice(i, i + SOCKET_MAX_HEARTBEAT_BATCH) });
      if (!answer.ok) throw refusal(answer);
      unknown.push(...answer.unknown);
    }
    if (unknown.length > 0) throw new UnknownSessionsError(unknown);
  }

  async end(sessionId: string, body: EndBody): Promise<void> {
    const answer = await this.call<SocketEndAck>('end', { sessionId, ...body });
    if (!answer.ok) throw refusal(answer);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.socket.removeAllListeners();
    this.socket.close();
  }

  private async call<A>(event: keyof ClientEvents, payload: unknown): Promise<A> {
    await this.connect();
    try {
      return (await (this.socket.timeout(this.timeoutMs) as unknown as Socket).emitWithAck(event, payload)) as A;
    } catch {
      // a lost connection or a slow gateway: the event may or may not have been applied; replaying is idempotent
      this.assertUsable();
      throw new TransportError(`gateway did not acknowledge ${event} within ${this.timeoutMs} ms`, true);
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new TransportError('the socket transport is closed', false);
    if (this.revoked !== null) throw new TransportError(`gateway answered 401: ${this.revoked}`, false, 401);
  }

  /** Connected now, or a TransportError: final for a refused token, retryable for anything else. */
  private connect(): Promise<void> {
    this.assertUsable();
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: TransportError): void => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onConnect = (): void => done();
      const onError = (error: Error): void => {
        // middleware refusals end the socket (not active); transport failures keep reconnecting
        if (!this.socket.active && error.message.startsWith('unauthorized')) {
          this.revoked = error.message;
          return done(new TransportError(`gateway answered 401: ${error.message}`, false, 401));
        }
        done(new TransportError(`gateway unreachable: ${error.message}`, true));
      };
      const timer = setTimeout(() => done(new TransportError(`gateway did not accept the connection within ${this.timeoutMs} ms`, true)), this.timeoutMs);
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
      if (!this.socket.active) this.socket.connect();
    });
  }
}

function refusal(answer: SocketRefusal): TransportError {
  const status = answer.status;
  return new TransportError(`gateway answered ${status}: ${answer.error}`, status === 429 || status === 408 || status >= 500, status);
}

function tlsSettings(tls: TlsOptions = {}): Record<string, unknown> {
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new TypeError(`cannot read the ${what} file ${file}: ${(error as Error).message}`);
    }
  };
  const settings = {
    ca: tls.ca ?? read(tls.caFile, 'CA'),
    cert: tls.cert ?? read(tls.certFile, 'client certificate'),
    key: tls.key ?? read(tls.keyFile, 'client key'),
    passphrase: tls.passphrase,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
  if (Boolean(settings.cert) !== Boolean(settings.key)) throw new TypeError('a client certificate needs both a certificate and a key');
  return settings;
}
