import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { utils } from 'ssh2';
import { AuditAction, Clock } from '@vigil/common';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { Actor, auditedBy } from './audit-actor';
import { UserSshKeyEntity } from './entities/user-ssh-key.entity';

/** Who removes a key: the user, or an admin on behalf of `onBehalfOf`. */
export type KeyActor = Actor & { onBehalfOf?: string };

export interface PublicSshKey {
  id: string;
  algorithm: string;
  fingerprint: string;
  comment: string | null;
  createdAt: string;
}

export function sshFingerprint(wireKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(wireKey).digest('base64').replace(/=+$/, '')}`;
}

/** Users' SSH public keys, for key login to the jump server. */
@Injectable()
export class SshKeysService {
  constructor(
    @InjectRepository(UserSshKeyEntity) private readonly keys: Repository<UserSshKeyEntity>,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  async add(userId: string, line: string, actor?: KeyActor): Promise<PublicSshKey> {
    const parsed = utils.parseKey(line.trim());
    if (parsed instanceof Error || Array.isArray(parsed) || parsed.isPrivateKey()) {
      throw new BadRequestException('publicKey must be one OpenSSH public key line (e.g. "ssh-ed25519 AAAA... comment")');
    }
    const wire = parsed.getPublicSSH();
    const fingerprint = sshFingerprint(wire);
    if (await this.keys.existsBy({ userId, fingerprint })) throw new ConflictException(`publicKey: ${fingerprint} is already registered`);
    const key = this.keys.create({
      id: randomUUID(),
      userId,
      algorithm: parsed.type,
      publicKey: wire.toString('base64'),
      fingerprint,
      comment: parsed.comment || null,
      createdAt: this.clock.now(),
    });
    await this.uow.run(async (m) => {
      await m.insert(UserSshKeyEntity, key);
      if (actor) await this.audit(m, actor, 'ssh-key.add', { fingerprint, algorithm: parsed.type });
    });
    return toPublic(key);
  }

  async list(userId: string): Promise<PublicSshKey[]> {
    return (await this.keys.find({ where: { userId }, order: { createdAt: 'ASC' } })).map(toPublic);
  }

  async remove(userId: string, id: string, actor?: KeyActor): Promise<void> {
    await this.uow.run(async (m) => {
      const key = await m.findOneBy(UserSshKeyEntity, { userId, id });
      const result = await m.delete(UserSshKeyEntity, { userId, id });
      if (!key || !result.affected) throw new NotFoundException(`ssh key ${id} not found`);
      if (actor) await this.audit(m, actor, 'ssh-key.remove', { fingerprint: key.fingerprint });
    });
  }

  private async audit(m: EntityManager, actor: KeyActor, action: AuditAction, detail: Record<string, unknown>): Promise<void> {
    await this.outbox.appendWithin(m, {
      action,
      ...auditedBy(actor),
      requestParameters: { ...detail, ...(actor.onBehalfOf ? { user: actor.onBehalfOf } : {}) },
    });
  }

  /** Whether this wire-format public key is registered for the user. */
  async isRegistered(userId: string, wireKey: Buffer): Promise<boolean> {
    return this.keys.existsBy({ userId, fingerprint: sshFingerprint(wireKey) });
  }
}

function toPublic(k: UserSshKeyEntity): PublicSshKey {
  return { id: k.id, algorithm: k.algorithm, fingerprint: k.fingerprint, comment: k.comment, createdAt: new Date(k.createdAt).toISOString() };
}
