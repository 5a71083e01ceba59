import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '@vigil/common';
import { CredentialCipher } from './credential-cipher';
import { CreateTargetDto } from './dto/create-target.dto';
import { TargetEntity } from './entities/target.entity';
import { DEFAULT_TARGET_POLICY, TargetPolicy } from './target-policy';

/** A target as the API shows it: never its secrets. */
export interface PublicTarget {
  id: string;
  name: string;
  host: string;
  port: number;
  accountName: string;
  owner: string | null;
  authentication: 'password' | 'privateKey';
  hostKeySha256: string | null;
  policy: TargetPolicy;
}

/** A target with its decrypted credentials, for the jump server only. */
export interface TargetWithCredentials extends PublicTarget {
  password?: string;
  privateKey?: string;
}

@Injectable()
export class TargetsService {
  constructor(
    @InjectRepository(TargetEntity) private readonly targets: Repository<TargetEntity>,
    private readonly cipher: CredentialCipher,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateTargetDto): Promise<PublicTarget> {
    if (!input.password === !input.privateKey) {
      throw new BadRequestException('exactly one of password or privateKey must be given');
    }
    if (await this.targets.existsBy({ name: input.name })) {
      throw new ConflictException(`name: target "${input.name}" already exists`);
    }
    const target = this.targets.create({
      id: randomUUID(),
      name: input.name,
      host: input.host,
      port: input.port,
      accountName: input.accountName,
      owner: input.owner ?? null,
      passwordEnc: input.password ? this.cipher.encrypt(input.password, input.name) : null,
      privateKeyEnc: input.privateKey ? this.cipher.encrypt(input.privateKey, input.name) : null,
      hostKeySha256: null,
      policy: JSON.stringify({ ...DEFAULT_TARGET_POLICY, ...input.policy }),
      createdAt: this.clock.now(),
    });
    await this.targets.insert(target);
    return toPublic(target);
  }

  async list(): Promise<PublicTarget[]> {
    return (await this.targets.find({ order: { name: 'ASC' } })).map(toPublic);
  }

  async findWithCredentials(name: string): Promise<TargetWithCredentials | null> {
    const target = await this.targets.findOneBy({ name });
    if (!target) return null;
    return {
      ...toPublic(target),
      ...(target.passwordEnc ? { password: this.cipher.decrypt(target.passwordEnc, target.name) } : {}),
      ...(target.privateKeyEnc ? { privateKey: this.cipher.decrypt(target.privateKeyEnc, target.name) } : {}),
    };
  }

  /** Trust on first use: records the host key only if none is pinned yet. */
  async pinHostKey(name: string, sha256: string): Promise<void> {
    await this.targets.update({ name, hostKeySha256: IsNull() }, { hostKeySha256: sha256 });
  }
}

function toPublic(t: TargetEntity): PublicTarget {
  return {
    id: t.id,
    name: t.name,
    host: t.host,
    port: t.port,
    accountName: t.accountName,
    owner: t.owner,
    authentication: t.privateKeyEnc ? 'privateKey' : 'password',
    hostKeySha256: t.hostKeySha256,
    policy: { ...DEFAULT_TARGET_POLICY, ...(JSON.parse(t.policy) as Partial<TargetPolicy>) },
  };
}
