import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, AuthEvents, PrincipalRevokedEvent, UserPrincipal, UsersService, auditedBy } from '@vigil/auth';
import { AuditAction, Clock } from '@vigil/common';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { CredentialCipher } from '@vigil/targets';
import { ACCESS_KEY_ID, generateAccessKeyId, generateSecretAccessKey, secretBinding } from './access-key-format';
import { CreateAccessKeyDto } from './dto/access-key.dto';
import { AccessKeyEntity } from './entities/access-key.entity';

/** A key as the API lists it: never its secret. */
export interface PublicAccessKey {
  accessKeyId: string;
  username: string;
  active: boolean;
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The answer to a creation: the only time the secret is shown. */
export interface CreatedAccessKey extends PublicAccessKey {
  secretAccessKey: string;
}

/** Plenty for rotation and a few tools; bounds what one account can store. */
export const MAX_KEYS_PER_USER = 50;

const isAdmin = (user: UserPrincipal) => user.roles.includes('admin');

/**
 * Access keys for the AWS-shaped APIs: any user creates, lists, deactivates and deletes their
 * own; admins anyone's. Someone else's key is "not found" to a non-admin, never "forbidden".
 */
@Injectable()
export class AccessKeysService {
  constructor(
    @InjectRepository(AccessKeyEntity) private readonly keys: Repository<AccessKeyEntity>,
    private readonly users: UsersService,
    private readonly cipher: CredentialCipher,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  async create(user: UserPrincipal, input: CreateAccessKeyDto, actor: Actor): Promise<CreatedAccessKey> {
    if ((await this.keys.countBy({ userId: user.id })) >= MAX_KEYS_PER_USER) {
      throw new ConflictException(`a user may hold at most ${MAX_KEYS_PER_USER} access keys: delete one first`);
    }
    const id = generateAccessKeyId();
    const secretAccessKey = generateSecretAccessKey();
    const key = this.keys.create({
      id,
      userId: user.id,
      secretEnc: this.cipher.encrypt(secretAccessKey, secretBinding(id)),
      active: true,
      description: input.description ?? null,
      createdAt: this.clock.now(),
      lastUsedAt: null,
    });
    await this.uow.run(async (m) => {
      await m.insert(AccessKeyEntity, key);
      // the secret is in the answer only, never in the record
      await this.audit(m, actor, 'access-key.create', { accessKeyId: id, user: user.username, description: key.description });
    });
    return { ...toPublic(key, user.username), secretAccessKey };
  }

  /** A user's own keys; an admin's view is everyone's, or one user's with `username`. */
  async list(caller: UserPrincipal, username?: string): Promise<{ items: PublicAccessKey[] }> {
    if (username !== undefined && username.toLowerCase() !== caller.username.toLowerCase() && !isAdmin(caller)) {
      throw new ForbiddenException("listing another user's access keys requires role admin");
    }
    if (username !== undefined) {
      const user = await this.users.findByUsername(username);
      if (!user) throw new NotFoundException(`user "${username}" not found`);
      return { items: (await this.keys.find({ where: { userId: user.id }, order: { createdAt: 'ASC' } })).map((k) => toPublic(k, user.username)) };
    }
    if (!isAdmin(caller)) {
      return { items: (await this.keys.find({ where: { userId: caller.id }, order: { createdAt: 'ASC' } })).map((k) => toPublic(k, caller.username)) };
    }
    const names = new Map((await this.users.list()).map((u) => [u.id, u.username]));
    const all = await this.keys.find({ order: { createdAt: 'ASC' } });
    return { items: all.map((k) => toPublic(k, names.get(k.userId) ?? '(deleted)')) };
  }

  async setActive(caller: UserPrincipal, id: string, active: boolean, actor: Actor): Promise<PublicAccessKey> {
    const { key, username } = await this.manageable(caller, id);
    await this.uow.run(async (m) => {
      if (key.active !== active) await m.update(AccessKeyEntity, { id }, { active });
      await this.audit(m, actor, 'access-key.update', { accessKeyId: id, user: username, active });
    });
    return toPublic({ ...key, active }, username);
  }

  async remove(caller: UserPrincipal, id: string, actor: Actor): Promise<void> {
    const { username } = await this.manageable(caller, id);
    await this.uow.run(async (m) => {
      const result = await m.delete(AccessKeyEntity, { id });
      if (!result.affected) throw new NotFoundException(`access key ${id} not found`);
      await this.audit(m, actor, 'access-key.delete', { accessKeyId: id, user: username });
    });
  }

  /** A deleted account's keys go with it (a disabled one's stay, refused until it is enabled again). */
  @OnEvent(AuthEvents.principalRevoked, { async: true, promisify: true })
  async onPrincipalRevoked(event: PrincipalRevokedEvent): Promise<void> {
    if (event.reason === 'deleted') await this.keys.delete({ userId: event.userId });
  }

  private async manageable(caller: UserPrincipal, id: string): Promise<{ key: AccessKeyEntity; username: string }> {
    const key = ACCESS_KEY_ID.test(id) ? await this.keys.findOneBy({ id }) : null;
    if (!key || (key.userId !== caller.id && !isAdmin(caller))) throw new NotFoundException(`access key ${id} not found`);
    if (key.userId === caller.id) return { key, username: caller.username };
    return { key, username: (await this.users.findById(key.userId))?.username ?? '(deleted)' };
  }

  private async audit(m: EntityManager, actor: Actor, action: AuditAction, requestParameters: Record<string, unknown> & { accessKeyId: string }): Promise<void> {
    await this.outbox.appendWithin(m, { action, ...auditedBy(actor), requestParameters, resources: [{ type: 'AccessKey', name: requestParameters.accessKeyId }] });
  }
}

function toPublic(key: AccessKeyEntity, username: string): PublicAccessKey {
  return {
    accessKeyId: key.id,
    username,
    active: key.active,
    description: key.description,
    createdAt: new Date(key.createdAt).toISOString(),
    lastUsedAt: key.lastUsedAt === null ? null : new Date(key.lastUsedAt).toISOString(),
  };
}
