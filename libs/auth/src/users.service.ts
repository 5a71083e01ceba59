import { randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Not, Repository } from 'typeorm';
import { AuditAction, AuditEntry, Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { Actor, auditedBy } from './audit-actor';
import { AuthEvents, PrincipalRevokedEvent, PrincipalRevokedReason } from './auth-events';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { AuthTokenEntity } from './entities/auth-token.entity';
import { UserSshKeyEntity } from './entities/user-ssh-key.entity';
import { UserEntity } from './entities/user.entity';
import { hashPassword, verifyPassword } from './password-hasher';
import { Privilege, Role, UserPrincipal } from './principal';
import { hashToken } from './secret-token';

export interface PublicUser {
  id: string;
  username: string;
  roles: Role[];
  privileges: Privilege[];
  disabled: boolean;
}

export function splitList<T extends string>(value: string): T[] {
  return value ? (value.split(',') as T[]) : [];
}

export function toPrincipal(user: UserEntity): UserPrincipal {
  return {
    kind: 'user',
    id: user.id,
    username: user.username,
    roles: splitList<Role>(user.roles),
    privileges: splitList<Privilege>(user.privileges),
  };
}

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    private readonly config: VigilConfig,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  async create(input: CreateUserDto, actor?: Actor): Promise<PublicUser> {
    // Unique whatever the case (`Alice` and `alice` are one person); the index enforces it too.
    if (await this.findByUsername(input.username)) {
      throw new ConflictException(`username: "${input.username}" is already taken`);
    }
    const user = this.users.create({
      id: randomUUID(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      roles: input.roles.join(','),
      privileges: input.privileges.join(','),
      sessionColumns: null,
      createdAt: this.clock.now(),
      disabledAt: null,
    });
    try {
      await this.uow.run(async (m) => {
        await m.insert(UserEntity, user);
        // The bootstrap admin has no actor: nobody asked, the gateway made it.
        await this.audit(m, actor ?? null, 'user.create', {
          username: user.username,
          password: input.password,
          roles: input.roles,
          privileges: input.privileges,
        });
      });
    } catch (error) {
      // Two admins creating `Alice` and `alice` at once: the case-insensitive index says no.
      if (await this.findByUsername(input.username)) throw new ConflictException(`username: "${input.username}" is already taken`);
      throw error;
    }
    return this.toPublic(user);
  }

  /** Case-insensitive: usernames are unique whatever their case. Disabled accounts included. */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  /** An account that may act now: exists and is not disabled. */
  async findActiveByUsername(username: string): Promise<UserEntity | null> {
    const user = await this.findByUsername(username);
    return user && user.disabledAt === null ? user : null;
  }

  /**
   * An admin's change to an account. Disabling, a password reset or a change of rights ends the
   * account's tokens (and with them its sockets); disabling also ends its live sessions.
   */
  async update(username: string, patch: UpdateUserDto, actor: Actor): Promise<PublicUser> {
    const user = await this.requireUser(username);
    const selfChange = user.username === actor.username;
    if (selfChange && (patch.disabled === true || (patch.roles && !patch.roles.includes('admin') && user.roles.split(',').includes('admin')))) {
      // The last way back in must not be locked by mistake; another admin can do it.
      throw new ForbiddenException('an administrator cannot disable themselves or drop their own admin role');
    }
    const changes: Partial<UserEntity> = {};
    if (patch.roles) changes.roles = patch.roles.join(',');
    if (patch.privileges) changes.privileges = patch.privileges.join(',');
    if (patch.password) changes.passwordHash = await hashPassword(patch.password);
    if (patch.disabled !== undefined) changes.disabledAt = patch.disabled ? (user.disabledAt ?? this.clock.now()) : null;
    if (Object.keys(changes).length === 0) throw new BadRequestException('nothing to change: give roles, privileges, disabled or password');
    const updated = { ...user, ...changes };
    const disabledNow = patch.disabled === true && user.disabledAt === null;
    const rightsChanged = (patch.roles && changes.roles !== user.roles) || (patch.privileges && changes.privileges !== user.privileges);
    const endsTokens = disabledNow || patch.password !== undefined;

    const detail: Record<string, unknown> = { username: user.username };
    if (patch.roles) detail.roles = patch.roles;
    if (patch.privileges) detail.privileges = patch.privileges;
    if (patch.disabled !== undefined) detail.disabled = patch.disabled;
    if (patch.password) detail.password = patch.password; // hidden by the audit trail, kept as "was given"
    const action = patch.password && Object.keys(changes).length === 1 ? 'user.password-reset' : disabledNow ? 'user.disable' : 'user.update';
    await this.uow.run(async (m) => {
      await m.update(UserEntity, { id: user.id }, changes);
      if (endsTokens) await m.delete(AuthTokenEntity, { userId: user.id });
      await this.audit(m, actor, action, detail);
    });

    if (disabledNow) this.revoked(updated, 'disabled');
    else if (patch.password) this.revoked(updated, 'password-changed');
    else if (rightsChanged) this.revoked(updated, 'roles-changed');
    return this.toPublic(updated);
  }

  /** Deletes an account with its tokens and SSH keys; its live sessions end (listeners do it). */
  async remove(username: string, actor: Actor): Promise<void> {
    const user = await this.requireUser(username);
    if (user.username === actor.username) throw new ForbiddenException('an administrator cannot delete themselves');
    await this.uow.run(async (m) => {
      await m.delete(AuthTokenEntity, { userId: user.id });
      await m.delete(UserSshKeyEntity, { userId: user.id });
      await m.delete(UserEntity, { id: user.id });
      await this.audit(m, actor, 'user.delete', { username: user.username });
    });
    this.revoked(user, 'deleted');
  }

  /** The user's own change: proves the current password, ends every other token of theirs. */
  async changePassword(userId: string, currentPassword: string, newPassword: string, currentToken: string, actor: Actor): Promise<void> {
    const user = await this.findById(userId);
    if (!user || user.disabledAt !== null) throw new NotFoundException('account not found');
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      // A refusal changes nothing: its record in a transaction of its own, written before the answer.
      await this.outbox.append(this.entry(actor, 'user.password-change', { username: user.username }, 'WrongPassword', 'currentPassword is wrong'));
      throw new ForbiddenException('currentPassword is wrong');
    }
    if (currentPassword === newPassword) throw new BadRequestException('newPassword must differ from currentPassword');
    const passwordHash = await hashPassword(newPassword);
    const keep = hashToken(currentToken);
    const others = await this.uow.run(async (m) => {
      await m.update(UserEntity, { id: user.id }, { passwordHash });
      const ended = await m.find(AuthTokenEntity, { where: { userId: user.id, tokenHash: Not(keep) }, select: { tokenHash: true } });
      await m.delete(AuthTokenEntity, { userId: user.id, tokenHash: Not(keep) });
      await this.audit(m, actor, 'user.password-change', { username: user.username, tokensEnded: ended.length });
      return ended;
    });
    for (const { tokenHash } of others) this.revoked(user, 'password-changed', tokenHash);
  }

  /** The id of an existing account, for admin routes named by username. */
  async requireId(username: string): Promise<string> {
    return (await this.requireUser(username)).id;
  }

  private async requireUser(username: string): Promise<UserEntity> {
    const user = await this.findByUsername(username);
    if (!user) throw new NotFoundException(`user "${username}" not found`);
    return user;
  }

  private revoked(user: UserEntity, reason: PrincipalRevokedReason, tokenHash?: string): void {
    this.events.emit(AuthEvents.principalRevoked, {
      userId: user.id,
      username: user.username,
      reason,
      ...(tokenHash ? { tokenHash } : {}),
    } satisfies PrincipalRevokedEvent);
  }

  /** The change's record, in the change's transaction `m` (secrets are hidden by the audit trail). */
  private async audit(m: EntityManager, actor: Actor | null, action: AuditAction, requestParameters: Record<string, unknown>): Promise<void> {
    await this.outbox.appendWithin(m, this.entry(actor, action, requestParameters));
  }

  private entry(actor: Actor | null, action: AuditAction, requestParameters: Record<string, unknown>, errorCode?: string, errorMessage?: string): AuditEntry {
    return {
      action,
      ...(actor ? auditedBy(actor) : { actor: 'system' }),
      requestParameters,
      resources: [{ type: 'User', name: String(requestParameters.username) }],
      ...(errorCode ? { errorCode, errorMessage } : {}),
    };
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async list(): Promise<PublicUser[]> {
    return (await this.users.find({ order: { username: 'ASC' } })).map((u) => this.toPublic(u));
  }

  async getSessionColumns(userId: string): Promise<string[] | null> {
    const user = await this.users.findOne({ where: { id: userId }, select: { id: true, sessionColumns: true } });
    return user?.sessionColumns ? (JSON.parse(user.sessionColumns) as string[]) : null;
  }

  /** The sessions page's columns of a user, changed by that user (`columns.update`). */
  async setSessionColumns(userId: string, columns: string[], actor: Actor): Promise<void> {
    await this.uow.run(async (m) => {
      await m.update(UserEntity, { id: userId }, { sessionColumns: JSON.stringify(columns) });
      await this.outbox.appendWithin(m, { action: 'columns.update', ...auditedBy(actor), requestParameters: { columns } });
    });
  }

  /**
   * Creates the first administrator when the user table is empty. Without a configured password
   * a random one is generated and printed once, to stdout, never to the structured log.
   */
  async bootstrapAdmin(): Promise<{ username: string; generatedPassword: string | null } | null> {
    if ((await this.users.count()) > 0) return null;
    const generated = this.config.admin.password ? null : randomBytes(12).toString('base64url');
    await this.create({
      username: this.config.admin.username,
      password: this.config.admin.password ?? generated!,
      roles: ['admin'],
      privileges: ['shadow', 'interact', 'terminate'],
    });
    this.logger.log(`created bootstrap administrator "${this.config.admin.username}"`);
    return { username: this.config.admin.username, generatedPassword: generated };
  }

  private toPublic(user: UserEntity): PublicUser {
    const { id, username, roles, privileges } = toPrincipal(user);
    return { id, username, roles, privileges, disabled: user.disabledAt !== null };
  }
}
