import { type AuthContext, type Client, type ClientInfo, type Connection, type Session } from 'ssh2';
import type { AuthRateLimiter } from './auth-rate-limiter';
import { attachForwarding } from './forwarding-relay';
import type { JumpLogger, JumpPorts, JumpTarget, JumpUser } from './jump-ports';
import type { LiveSshSession } from './live-ssh-session';
import { parseLoginName } from './login-name';
import { checkKeyAlgorithm, verifyPublicKeyProof } from './publickey-proof';
import { refusal } from './refusal-messages';
import { SessionRelay } from './session-relay';
import { connectUpstream, errorMessage, type UpstreamOptions } from './upstream-connect';
import { sendUserAuthBanner } from './user-auth-banner';

export interface JumpConnectionDeps {
  ports: JumpPorts;
  rateLimiter: AuthRateLimiter;
  upstreamOptions: UpstreamOptions;
  logger?: JumpLogger;
  sessionOpened(session: LiveSshSession): void;
  sessionClosed(session: LiveSshSession): void;
}

const RETRY_METHODS = ['publickey', 'password'] as Array<'publickey' | 'password'>;
/** How long a closing connection may linger before its socket is destroyed. */
const CLOSE_GRACE_MS = 300;

/**
 * One user connection: authenticates `<user>+<target>`, opens the upstream connection before
 * accepting (so a bad target or changed host key is reported at login, with a reason), then
 * relays session channels and, if allowed, forwardings.
 */
export class JumpConnection {
  private user: JumpUser | undefined;
  private target: JumpTarget | undefined;
  private upstream: Client | undefined;
  private bannerSent = false;
  private closed = false;
  private readonly relays = new Set<SessionRelay>();
  private readonly sessions = new Set<LiveSshSession>();
  /** Refusals raised outside any session, shown on sessions started later. */
  private readonly notices: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly client: ClientInfo,
    private readonly deps: JumpConnectionDeps,
  ) {
    connection.on('authentication', (ctx: AuthContext) => {
      this.authenticate(ctx).catch((err: unknown) => {
        deps.logger?.error(`authentication error from ${client.ip}: ${errorMessage(err)}`);
        ctx.reject([]);
      });
    });
    connection.on('ready', () => this.onReady());
    connection.on('error', (err: Error) => deps.logger?.warn(`connection from ${client.ip}:${client.port}: ${err.message}`));
    connection.on('close', () => this.onClose());
  }

  /** Ends the SSH connection, destroying the socket if the client does not go quietly. */
  close(): void {
    if (this.closed) return;
    this.connection.end();
    const sock = (this.connection as unknown as { _sock?: { destroy(): void } })._sock;
    setTimeout(() => sock?.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Shuts every live session of this connection down (server stop). */
  terminateAll(reason: string): void {
    for (const session of this.sessions) session.terminate(reason);
    this.close();
  }

  private refuse(ctx: AuthContext, message: string, retry: boolean): void {
    // One banner per connection: clients retry every method and would print it repeatedly.
    if (!this.bannerSent) {
      this.bannerSent = true;
      sendUserAuthBanner(this.connection, message);
    }
    ctx.reject(retry ? RETRY_METHODS : []);
  }

  private async authenticate(ctx: AuthContext): Promise<void> {
    const { ports, rateLimiter, logger } = this.deps;
    const ip = this.client.ip;
    const login = parseLoginName(ctx.username);
    if (!login.ok) {
      logger?.log(`refused login from ${ip}: ${login.reason}`);
      return this.refuse(ctx, refusal.badLoginName(login.reason), false);
    }

    let user: JumpUser | null = null;
    switch (ctx.method) {
      case 'password': {
        const waitMs = rateLimiter.retryAfterMs(login.user, ip);
        if (waitMs > 0) {
          logger?.warn(`password attempt for ${login.user} from ${ip} refused: locked out for ${Math.ceil(waitMs / 1000)} s`);
          // Sent even after another banner: this is the reason that matters now.
          sendUserAuthBanner(this.connection, refusal.lockedOut(Math.ceil(waitMs / 1000)));
          this.bannerSent = true;
          return ctx.reject(RETRY_METHODS);
        }
        user = await ports.authenticatePassword(login.user, ctx.password, ip);
        if (!user) {
          rateLimiter.recordFailure(login.user, ip);
          logger?.log(`wrong password for ${login.user} from ${ip}`);
          return ctx.reject(RETRY_METHODS);
        }
        rateLimiter.recordSuccess(login.user, ip);
        break;
      }
      case 'publickey': {
        const key = { algo: ctx.key.algo, data: ctx.key.data };
        const attempt = { ...key, hashAlgo: ctx.hashAlgo };
        if (!ctx.signature || !ctx.blob) {
          // The client is asking "would this key do?"; answer without proof of possession, but
          // never for an algorithm that does not fit the key.
          if (!checkKeyAlgorithm(attempt).ok) return ctx.reject(RETRY_METHODS);
          user = await ports.authenticatePublicKey(login.user, key, ip);
          return user ? ctx.accept() : ctx.reject(RETRY_METHODS);
        }
        const proof = verifyPublicKeyProof(attempt, ctx.blob, ctx.signature);
        if (!proof.ok) {
          logger?.warn(`refused public key for ${login.user} from ${ip}: ${proof.reason}`);
          return ctx.reject(RETRY_METHODS);
        }
        user = await ports.authenticatePublicKey(login.user, key, ip);
        if (!user) return ctx.reject(RETRY_METHODS);
        break;
      }
      default:
        return ctx.reject(RETRY_METHODS);
    }

    const target = await ports.resolveTarget(user, login.target);
    if (!target) {
      logger?.log(`user ${user.username} from ${ip}: unknown or forbidden target ${login.target}`);
      return this.refuse(ctx, refusal.unknownTarget(login.target), false);
    }
    const upstream = await connectUpstream(target, ports, this.deps.upstreamOptions, logger);
    if (!upstream.ok) return this.refuse(ctx, upstream.message, false);
    if (this.closed) {
      // The user hung up while we were dialling the target.
      upstream.client.end();
      return;
    }
    this.user = user;
    this.target = target;
    this.upstream = upstream.client;
    logger?.log(`user ${user.username} from ${ip} connected to target ${target.name}`);
    ctx.accept();
  }

  private onReady(): void {
    const { user, target, upstream } = this;
    if (!user || !target || !upstream) {
      this.close();
      return;
    }
    upstream.on('close', () => {
      // The target went away under us: sessions finish through their channels; make sure the
      // user's connection does not outlive its upstream.
      this.close();
    });
    upstream.on('error', (err: Error) => this.deps.logger?.warn(`upstream ${target.name}: ${err.message}`));

    this.connection.on('session', (accept: () => Session) => {
      const session = accept();
      const relay = new SessionRelay(session, {
        user,
        target,
        upstream,
        clientIp: this.client.ip,
        clientPort: this.client.port,
        ports: this.deps.ports,
        logger: this.deps.logger,
        notices: this.notices,
        sessionOpened: (live) => {
          this.sessions.add(live);
          this.deps.sessionOpened(live);
        },
        sessionClosed: (live) => {
          this.sessions.delete(live);
          this.deps.sessionClosed(live);
        },
        closeConnection: () => this.close(),
      });
      this.relays.add(relay);
      session.once('close', () => this.relays.delete(relay));
    });

    attachForwarding({
      connection: this.connection,
      upstream,
      target,
      logger: this.deps.logger,
      announce: (message) => {
        if (this.relays.size === 0) this.notices.push(message);
        for (const relay of this.relays) relay.notify(message);
      },
    });
  }

  private onClose(): void {
    this.closed = true;
    this.upstream?.end();
  }
}
