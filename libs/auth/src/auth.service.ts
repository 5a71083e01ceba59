import { Injectable, UnauthorizedException } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { AuditContext, Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { AgentsService, AgentRevokedEvent, AgentEvents } from './agents.service';
import { AuthEvents, PrincipalRevokedEvent } from './auth-events';
import { AuthTokenEntity } from './entities/auth-token.entity';
import { verifyPassword } from './password-hasher';
import { AgentKind, AgentPrincipal, UserPrincipal } from './principal';
import { PrincipalCache } from './principal-cache';
import { generateToken, hashToken } from './secret-token';
import { UsersService, toPrincipal } from './users.service';

/** A verified token stays trusted this long without a database lookup (revocation delay). */
const CACHE_TTL_MS = 5_000;
/** Compared against when the username is unknown, so timing does not reveal which users exist. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  private readonly userCache = new PrincipalCache<UserPrincipal>(CACHE_TTL_MS);
  private readonly agentCache = new PrincipalCache<AgentPrincipal>(CACHE_TTL_MS);

  constructor(
    @InjectRepository(AuthTokenEntity) private readonly tokens: Repository<AuthTokenEntity>,
    private readonly users: UsersService,
    private readonly agents: AgentsService,
    private readonly clock: Clock,
    private readonly config: VigilConfig,
    private readonly events: EventEmitter2,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  /**
   * A token for the right password. The token and the `auth.login` record commit together: a
   * login that cannot be audited gives no token. Failures are the caller's to record (it knows
   * the throttle's verdict).
   */
  async login(username: string, password: string, context: AuditContext = {}): Promise<{ accessToken: string; expiresIn: number; username: string }> {
    const user = await this.verifyCredentials(username, password);
    if (!user) throw new UnauthorizedException('invalid username or password');
    const accessToken = generateToken('vgu');
    const now = this.clock.now();
    await this.uow.run(async (m) => {
      await m.insert(AuthTokenEntity, {
        tokenHash: hashToken(accessToken),
        userId: user.id,
        expiresAt: now + this.config.tokenTtlSeconds * 1000,
      });
      await m.delete(AuthTokenEntity, { expiresAt: LessThan(now) });
      await this.outbox.appendWithin(m, {
        action: 'auth.login',
        actor: `user:${user.username}`,
        context,
        // the name as typed (it may differ in case from the account's); never the password
        requestParameters: { username },
      });
    });
    return { accessToken, expiresIn: this.config.tokenTtlSeconds, username: user.username };
  }

  /** Password check without a token, for the SSH jump server; null when wrong. */
  async verifyCredentials(username: string, password: string): Promise<UserPrincipal | null> {
    // A disabled account is compared against the dummy hash too: same timing as a wrong password.
    const user = await this.users.findActiveByUsername(username);
    const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    return user && valid ? toPrincipal(user) : null;
  }

  /** Ends the token; the `auth.logout` record of `username` commits with its deletion. */
  async logout(token: string, username: string, context: AuditContext = {}): Promise<void> {
    const tokenHash = hashToken(token);
    this.userCache.delete(tokenHash);
    const row = await this.uow.run(async (m) => {
      const found = await m.findOneBy(AuthTokenEntity, { tokenHash });
      await m.delete(AuthTokenEntity, { tokenHash });
      await this.outbox.appendWithin(m, { action: 'auth.logout', actor: `user:${username}`, context });
      return found;
    });
    const user = row ? await this.users.findById(row.userId) : null;
    if (row && user) {
      this.events.emit(AuthEvents.principalRevoked, {
        userId: row.userId,
        username: user.username,
        tokenHash,
        reason: 'logout',
      } satisfies PrincipalRevokedEvent);
    }
  }

  /** Revoked principals stop authenticating at once in this process (others: within CACHE_TTL_MS). */
  @OnEvent(AuthEvents.principalRevoked)
  forgetUser(event: PrincipalRevokedEvent): void {
    if (event.tokenHash) this.userCache.delete(event.tokenHash);
    else this.userCache.deleteWhere((principal) => principal.id === event.userId);
  }

  @OnEvent(AgentEvents.revoked)
  forgetAgent(event: AgentRevokedEvent): void {
    this.agentCache.deleteWhere((principal) => principal.id === event.agentId);
  }

  /** Verifies a user's bearer token; null when unknown or expired. */
  async authenticateUser(token: string): Promise<UserPrincipal | null> {
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const cached = this.userCache.get(tokenHash, now);
    if (cached) return cached;
    const row = await this.tokens.findOneBy({ tokenHash });
    if (!row || row.expiresAt <= now) return null;
    const user = await this.users.findById(row.userId);
    if (!user || user.disabledAt !== null) return null;
    const principal = toPrincipal(user);
    this.userCache.set(tokenHash, principal, now, row.expiresAt);
    return principal;
  }

  /** When a user's token expires (epoch ms); null when unknown or expired. Sockets close themselves then. */
  async userTokenExpiry(token: string): Promise<number | null> {
    const row = await this.tokens.findOneBy({ tokenHash: hashToken(token) });
    return row && row.expiresAt > this.clock.now() ? row.expiresAt : null;
  }

  /** Verifies an agent's or jump server's bearer token; null when unknown or revoked. */
  async authenticateAgent(token: string): Promise<AgentPrincipal | null> {
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const cached = this.agentCache.get(tokenHash, now);
    if (cached) return cached;
    const agent = await this.agents.findActiveByTokenHash(tokenHash);
    if (!agent) return null;
    const principal: AgentPrincipal = { kind: 'agent', id: agent.id, name: agent.name, agentKind: agent.kind as AgentKind };
    this.agentCache.set(tokenHash, principal, now);
    return principal;
  }
}

/** Reads `Authorization: Bearer <token>`; null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9_\-.~+/=]{1,512})$/.exec(header ?? '');
  return match ? match[1] : null;
}
