import { Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { PrincipalRevokedEvent, PrincipalRevokedReason } from './auth-events';
import type { AuthService } from './auth.service';
import type { UserPrincipal } from './principal';
import { hashToken } from './secret-token';

/** Why the server closed an authenticated socket. */
export type SocketEndReason = PrincipalRevokedReason | 'expired' | 'revoked';

/** Sent to a socket just before the server closes it because its principal lost access. */
export interface SocketRevokedPayload {
  reason: SocketEndReason;
  error: string;
}

/** Server → client events every authenticated namespace has. */
export interface SocketAuthServerEvents {
  revoked: (payload: SocketRevokedPayload) => void;
}

export interface AuthenticatedSocketData {
  user: UserPrincipal;
}

/** The ack of an action refused because the socket's token no longer authenticates. */
export const SOCKET_UNAUTHORIZED = { ok: false as const, error: 'unauthorized: the access token expired or was revoked' };

/** Every socket of a user (any token), and every socket of one token, on every gateway of the cluster. */
export const userSocketRoom = (userId: string): string => `user:${userId}`;
export const tokenSocketRoom = (tokenHash: string): string => `token:${tokenHash}`;

/** setTimeout's limit (~24.8 days); a token may live 30: longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const MESSAGES: Record<SocketEndReason, string> = {
  logout: 'signed out: this access token was ended',
  disabled: 'your account was disabled',
  deleted: 'your account was deleted',
  'password-changed': 'your password changed: sign in again',
  'roles-changed': 'your roles or privileges changed: sign in again',
  expired: 'your access token expired: sign in again',
  revoked: 'your access token was revoked',
};

// Every namespace has its own event maps; this helper only adds `revoked` and rooms to them.
type AnySocket = Socket<never, SocketAuthServerEvents, never, AuthenticatedSocketData>;
type AnyNamespace = Namespace<never, SocketAuthServerEvents, never, AuthenticatedSocketData>;
interface Credential {
  token: string;
  expiresAt: number;
}

/**
 * Authentication for a socket.io namespace, for as long as its sockets live, not only at the
 * handshake: the handshake checks `auth.token` with the same service as HTTP; every action may
 * check it again (`recheck`, cheap: the service caches a verified token for 5 s); each socket is
 * closed at its token's expiry, and when its principal is revoked (`revoke`, cluster-wide through
 * the per-user and per-token rooms). The token stays in this object, never in `socket.data`
 * (which `fetchSockets` sends to the other gateways) and never in a log.
 */
export class SocketAuth {
  private readonly credentials = new WeakMap<object, Credential>();

  constructor(
    private readonly auth: AuthService,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Installs the handshake check, the rooms and the expiry timer on a namespace. */
  protect<N>(namespace: N): void {
    const ns = namespace as unknown as AnyNamespace;
    ns.use((socket, next) => void this.handshake(socket, next));
    ns.on('connection', (socket) => this.connected(socket));
  }

  /**
   * The socket's user, verified again now (with any role change), or null when its token no longer
   * authenticates: the socket is then told why and closed, after the caller's ack.
   */
  async recheck<S>(socket: S): Promise<UserPrincipal | null> {
    const s = socket as unknown as AnySocket;
    const credential = this.credentials.get(s);
    const user = credential ? await this.auth.authenticateUser(credential.token) : null;
    if (!user) {
      // the refusal's ack goes out first; the close follows on the next turn of the event loop
      setImmediate(() => this.end(s, credential && this.now() >= credential.expiresAt ? 'expired' : 'revoked'));
      return null;
    }
    s.data.user = user;
    return user;
  }

  /** Closes the sockets of a revoked principal in this namespace, on every gateway of the cluster. */
  revoke<N>(namespace: N, event: PrincipalRevokedEvent): void {
    const ns = namespace as unknown as AnyNamespace;
    const room = event.tokenHash ? tokenSocketRoom(event.tokenHash) : userSocketRoom(event.userId);
    ns.to(room).emit('revoked', { reason: event.reason, error: MESSAGES[event.reason] });
    ns.in(room).disconnectSockets();
  }

  private async handshake(socket: AnySocket, next: (error?: Error) => void): Promise<void> {
    const token: unknown = socket.handshake.auth?.token;
    try {
      const user = typeof token === 'string' && token.length <= 512 ? await this.auth.authenticateUser(token) : null;
      const expiresAt = user ? await this.auth.userTokenExpiry(token as string) : null;
      if (!user || expiresAt === null) return next(new Error('unauthorized: a valid access token is required in auth.token'));
      this.credentials.set(socket, { token: token as string, expiresAt });
      socket.data.user = user;
      next();
    } catch (error) {
      this.logger.error(`socket authentication failed: ${(error as Error).message}`);
      next(new Error('authentication unavailable, retry later'));
    }
  }

  private connected(socket: AnySocket): void {
    const credential = this.credentials.get(socket);
    if (!credential) return void socket.disconnect();
    void socket.join([userSocketRoom(socket.data.user.id), tokenSocketRoom(hashToken(credential.token))]);
    let timer: NodeJS.Timeout;
    const arm = () => {
      const left = credential.expiresAt - this.now();
      if (left <= 0) return this.end(socket, 'expired');
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      timer.unref();
    };
    arm();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  private end(socket: AnySocket, reason: SocketEndReason): void {
    if (!socket.connected) return;
    socket.emit('revoked', { reason, error: MESSAGES[reason] });
    socket.disconnect();
  }
}
