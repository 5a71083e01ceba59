import { type AuthContext, type Client, type ClientInfo, type Connection, type Session } from 'ssh2';
import { TokenBucket } from '@vigil/common';
import type { PasswordThrottle } from './auth-rate-limiter';
import { ForwardSession } from './forward-session';
import { attachForwarding } from './forwarding-relay';
import type { JumpClock } from './jump-clock';
import type { JumpLoginEvent, JumpLoginRefusal, JumpLogger, JumpPorts, JumpTarget, JumpUser } from './jump-ports';
import type { LiveSshSession } from './live-ssh-session';
import { parseLoginName } from './login-name';
import { checkKeyAlgorithm, verifyPublicKeyProof } from './publickey-proof';
import { refusal } from './refusal-messages';
import { RequestRateGuard, type RequestRateOptions } from './request-rate-guard';
import { SessionRelay } from './session-relay';
import { sendDisconnect } from './ssh-disconnect';
import { connectUpstream, errorMessage, type UpstreamOptions } from './upstream-connect';
import { sendUserAuthBanner } from './user-auth-banner';
import { loginBanner } from './login-banner';

export interface JumpConnectionDeps {
  ports: JumpPorts;
  rateLimiter: PasswordThrottle;
  upstreamOptions: UpstreamOptions;
  logger?: JumpLogger;
  clock: JumpClock;
  /** Per-connection request budget (see RequestRateGuard); defaults apply to what is not given. */
  requestRate?: Partial<RequestRateOptions>;
  /** Session channels open at once on one connection (OpenSSH's MaxSessions). */
  maxSessions: number;
  sessionOpened(session: LiveSshSession): void;
  sessionClosed(session: LiveSshSession): void;
  forwardOpened(session: ForwardSession): void;
  forwardClosed(session: ForwardSession): void;
}

const RETRY_METHODS = ['publickey', 'password'] as Array<'publickey' | 'password'>;
/** How soon a logged-in connection with no shell (an `ssh -N` tunnel) is listed as a session. */
const IDLE_TUNNEL_LISTED_AFTER_MS = 2_000;
/** How long a closing connection may linger before its socket is destroyed. */
const CLOSE_GRACE_MS = 300;
/** terminateAll: time for terminal sessions to show the reason before the connection is cut. */
const TERMINATE_CLOSE_DELAY_MS = 600;
/**
 * Resizes applied per connection, all its sessions together: a burst of 10, then 5 per second.
 * A resize can cost the live mirror ~16 ms (a full reflow); a person dragging a window edge
 * needs a few per second, and the final size always arrives (see ResizeCoalescer).
 */
const RESIZE_BURST = 10;
const RESIZES_PER_SECOND = 5;

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
  private terminating = false;
  private ending = false;
  /** Set by terminateAll: whoever closes the connection next (a session's own cut) tells the client why. */
  private closeReason: string | undefined;
  private readonly relays = new Set<SessionRelay>();
  /** A session channel was opened at least once (an `ssh -N` never opens one). */
  private sessionChannelSeen = false;
  private readonly sessions = new Set<LiveSshSession>();
  private forwards: ForwardSession | undefined;
  /** Refusals raised outside any session, shown on sessions started later. */
  private readonly notices: string[] = [];
  private readonly requests: RequestRateGuard;
  private readonly resizeBudget: TokenBucket;
  private refusedRequests = 0;

  constructor(
    private readonly connection: Connection,
    private readonly client: ClientInfo,
    private readonly deps: JumpConnectionDeps,
  ) {
    this.requests = new RequestRateGuard(deps.requestRate ?? {}, deps.clock);
    this.resizeBudget = new TokenBucket({ capacity: RESIZE_BURST, refillPerSecond: RESIZES_PER_SECOND }, deps.clock.now());
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

  /**
   * Ends the SSH connection, destroying the socket if the client does not go quietly. With a
   * `reason`, the client is told it (SSH_MSG_DISCONNECT; OpenSSH prints it).
   */
  close(reason: string | undefined = this.closeReason): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (reason !== undefined) sendDisconnect(this.connection, reason);
    this.closeReason = undefined; // once
    this.connection.end();
    const sock = (this.connection as unknown as { _sock?: { destroy(): void } })._sock;
    setTimeout(() => sock?.destroy(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Ends everything this connection carries with `reason` (server stop, a terminated tunnel, a
   * request flood): terminal sessions show it and end as terminated, the forwarding session
   * closes its channels, and the connection is closed with the reason.
   */
  terminateAll(reason: string): void {
    if (this.terminating) return;
    this.terminating = true;
    const hadSessions = this.sessions.size > 0;
    for (const session of this.sessions) session.terminate(reason);
    this.forwards?.connectionClosed({ reason: 'terminated', message: reason });
    // Prefixed as the sessions' notices are, so OpenSSH's "Received disconnect" line names Vigil.
    this.closeReason = `[Vigil] ${reason}`;
    if (!hadSessions) return this.close();
    setTimeout(() => this.close(), TERMINATE_CLOSE_DELAY_MS).unref();
  }

  /**
   * One request's admission against the connection's budget. Refusals are logged once per
   * connection; a connection that keeps going is cut, with the reason.
   */
  private admit(): boolean {
    if (this.terminating || this.closed) return false;
    const verdict = this.requests.admit();
    if (verdict === 'accept') return true;
    if (verdict === 'refuse') {
      if (this.refusedRequests++ === 0) this.deps.logger?.warn(`${this.who()}: too many SSH requests, refusing some`);
      return false;
    }
    this.deps.logger?.warn(`${this.who()}: kept flooding SSH requests (${this.refusedRequests} refused); disconnecting`);
    // Stop parsing what is still queued: it would only be refused.
    (this.connection as unknown as { _sock?: { pause(): void } })._sock?.pause();
    this.terminateAll(refusal.requestFlood());
    return false;
  }

  private who(): string {
    return `${this.user?.username ?? 'unauthenticated'} from ${this.client.ip}:${this.client.port}`;
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
      const message = refusal.badLoginName(login.reason);
      await this.loginRefused({ username: ctx.username.slice(0, 128), target: '', method: 'login-name' }, 'InvalidLoginName', message);
      return this.refuse(ctx, message, false);
    }
    const attempted = { username: login.user, target: login.target, method: ctx.method === 'publickey' ? 'publickey' : 'password' } as const;

    let user: JumpUser | null = null;
    switch (ctx.method) {
      case 'password': {
        const attempt = await rateLimiter.check(login.user, ip);
        if (!attempt.allowed) {
          logger?.warn(`password attempt for ${login.user} from ${ip} refused: locked out for ${attempt.retryAfterSeconds} s`);
          // Sent even after another banner: this is the reason that matters now.
          sendUserAuthBanner(this.connection, refusal.lockedOut(attempt.retryAfterSeconds));
          this.bannerSent = true;
          return ctx.reject(RETRY_METHODS);
        }
        user = await ports.authenticatePassword(login.user, ctx.password, ip).catch(async (err: unknown) => {
          await attempt.abandon(); // not judged (e.g. database down): not a failure
          throw err;
        });
        if (!user) {
          await attempt.failure();
          logger?.log(`wrong password for ${login.user} from ${ip}`);
          await this.loginRefused(attempted, 'InvalidCredentials');
          return ctx.reject(RETRY_METHODS);
        }
        await attempt.success();
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
          await this.loginRefused(attempted, 'InvalidSignature', proof.reason);
          return ctx.reject(RETRY_METHODS);
        }
        user = await ports.authenticatePublicKey(login.user, key, ip);
        if (!user) {
          await this.loginRefused(attempted, 'InvalidCredentials');
          return ctx.reject(RETRY_METHODS);
        }
        break;
      }
      default:
        return ctx.reject(RETRY_METHODS);
    }

    const known = { ...attempted, username: user.username };
    const target = await ports.resolveTarget(user, login.target);
    if (!target) {
      logger?.log(`user ${user.username} from ${ip}: unknown or forbidden target ${login.target}`);
      const message = refusal.unknownTarget(login.target);
      await this.loginRefused(known, 'TargetNotAllowed', message);
      return this.refuse(ctx, message, false);
    }
    const upstream = await connectUpstream(target, ports, this.deps.upstreamOptions, logger);
    if (!upstream.ok) {
      await this.loginRefused(known, 'TargetUnreachable', upstream.message);
      return this.refuse(ctx, upstream.message, false);
    }
    if (this.closed) {
      // The user hung up while we were dialling the target.
      upstream.client.end();
      return;
    }
    // No way in without its record: a login that cannot be audited is refused.
    try {
      await ports.loginAttempt?.(this.loginEvent({ ...known, target: target.name }, true));
    } catch (err) {
      upstream.client.end();
      logger?.error(`login of ${user.username} from ${ip} refused: its audit record could not be written: ${errorMessage(err)}`);
      return this.refuse(ctx, refusal.auditUnavailable(), false);
    }
    this.user = user;
    this.target = target;
    this.upstream = upstream.client;
    logger?.log(`user ${user.username} from ${ip} connected to target ${target.name}`);
    // Before USERAUTH_SUCCESS, or clients no longer print it: stderr, ahead of the shell.
    sendUserAuthBanner(this.connection, loginBanner(target.name, target.policy));
    ctx.accept();
  }

  private loginEvent(attempt: Pick<JumpLoginEvent, 'username' | 'target' | 'method'>, accepted: boolean, why?: JumpLoginRefusal, message?: string): JumpLoginEvent {
    return {
      ...attempt,
      clientIp: this.client.ip,
      clientPort: this.client.port,
      ...(this.client.header?.identRaw ? { clientSoftware: this.client.header.identRaw.slice(0, 256) } : {}),
      accepted,
      ...(why ? { refusal: why } : {}),
      ...(message ? { message } : {}),
    };
  }

  /** A refusal stands whether or not its record can be written; a failed write is logged. */
  private async loginRefused(attempt: Pick<JumpLoginEvent, 'username' | 'target' | 'method'>, why: JumpLoginRefusal, message?: string): Promise<void> {
    try {
      await this.deps.ports.loginAttempt?.(this.loginEvent(attempt, false, why, message));
    } catch (err) {
      this.deps.logger?.error(`audit record of a refused login from ${this.client.ip} could not be written: ${errorMessage(err)}`);
    }
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

    this.connection.on('session', (accept: () => Session, reject: () => void) => {
      if (!this.admit()) return reject();
      if (this.relays.size >= this.deps.maxSessions) {
        this.deps.logger?.log(`${this.who()}: refused a session channel beyond ${this.deps.maxSessions}`);
        this.announce(refusal.tooManySessions(this.deps.maxSessions));
        return reject();
      }
      const session = accept();
      this.sessionChannelSeen = true;
      const relay = new SessionRelay(session, {
        user,
        target,
        upstream,
        clientIp: this.client.ip,
        clientPort: this.client.port,
        ports: this.deps.ports,
        logger: this.deps.logger,
        notices: this.notices,
        admit: () => this.admit(),
        clock: this.deps.clock,
        resizeBudget: this.resizeBudget,
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

    this.forwards = new ForwardSession({
      user,
      target,
      clientIp: this.client.ip,
      clientPort: this.client.port,
      ports: this.deps.ports,
      logger: this.deps.logger,
      opened: (forwards) => this.deps.forwardOpened(forwards),
      closed: (forwards) => this.deps.forwardClosed(forwards),
      terminateConnection: (reason) => this.terminateAll(reason),
    });
    attachForwarding({
      connection: this.connection,
      upstream,
      target,
      logger: this.deps.logger,
      announce: (message) => this.announce(message),
      forwards: this.forwards,
      admit: () => this.admit(),
    });
    if (target.policy.portForwarding) this.listIdleTunnel(this.forwards);
  }

  /**
   * `ssh -N -L` sends nothing until the first connection through the tunnel, yet the user holds an
   * open door: a connection that may forward and has opened no shell soon after login is listed
   * (and terminable) as its forwarding session from then on, with no channel yet.
   */
  private listIdleTunnel(forwards: ForwardSession): void {
    this.deps.clock.schedule(() => {
      if (this.closed || this.sessionChannelSeen || forwards.registered) return;
      void forwards.ready();
    }, IDLE_TUNNEL_LISTED_AFTER_MS);
  }

  /** Shows `message` on the connection's sessions, or on the next one if none runs yet. */
  private announce(message: string): void {
    if (this.relays.size === 0) {
      // Bounded: a connection refused over and over must not grow this without limit.
      if (this.notices.length < 10 && !this.notices.includes(message)) this.notices.push(message);
      return;
    }
    for (const relay of this.relays) relay.notify(message);
  }

  private onClose(): void {
    this.closed = true;
    this.forwards?.connectionClosed();
    this.upstream?.end();
  }
}
