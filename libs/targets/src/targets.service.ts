import { randomUUID } from 'node:crypto';
import { TARGET_PROBE_TIMEOUT_MS, probeTarget, type TargetProbeResult } from './target-probe';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Actor, AuthEvents, PrincipalRevokedEvent, UserPrincipal, UsersService, auditedBy } from '@vigil/auth';
import { AuditAction, Clock } from '@vigil/common';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { CredentialCipher } from './credential-cipher';
import { CreateTargetDto, UpdateTargetDto } from './dto/create-target.dto';
import { TargetGrantsDto } from './dto/target-grants.dto';
import { TargetGrantEntity } from './entities/target-grant.entity';
import { RdpSecurity, TargetEntity, TargetProtocol } from './entities/target.entity';
import { protocolProblem } from './target-protocol-rules';
import { TargetGrants, mayConnect } from './grant-policy';
import { DEFAULT_TARGET_POLICY, TargetPolicy } from './target-policy';

/** A target as the API shows it: never its secrets. */
export interface PublicTarget {
  id: string;
  name: string;
  host: string;
  port: number;
  accountName: string;
  owner: string | null;
  /** `ssh` through the jump; `rdp`/`vnc` in the browser through guacd */
  protocol: TargetProtocol;
  /** rdp only (null otherwise): guacd's security mode, null meaning any */
  security: RdpSecurity | null;
  ignoreCert: boolean;
  domain: string | null;
  /** `none`: an rdp/vnc target without a password */
  authentication: 'password' | 'privateKey' | 'none';
  hostKeySha256: string | null;
  policy: TargetPolicy;
}

/** A target with its decrypted credentials, for the jump server only. */
export interface TargetWithCredentials extends PublicTarget {
  password?: string;
  privateKey?: string;
}

/** A target as the users who may reach it see it (`GET /api/me/targets`). */
export interface ReachableTarget {
  name: string;
  protocol: TargetProtocol;
  host: string;
  port: number;
  accountName: string;
}

/** The grants as the API shows them: usernames, not ids. */
export interface PublicGrants {
  users: string[];
  roles: string[];
}

@Injectable()
export class TargetsService {
  constructor(
    @InjectRepository(TargetEntity) private readonly targets: Repository<TargetEntity>,
    @InjectRepository(TargetGrantEntity) private readonly grants: Repository<TargetGrantEntity>,
    private readonly users: UsersService,
    private readonly cipher: CredentialCipher,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  async create(input: CreateTargetDto, actor?: Actor): Promise<PublicTarget> {
    const problem = protocolProblem({
      protocol: input.protocol ?? 'ssh',
      hasPassword: !!input.password,
      hasPrivateKey: !!input.privateKey,
      security: input.security ?? null,
      ignoreCert: input.ignoreCert ?? false,
      domain: input.domain ?? null,
    });
    if (problem) throw new BadRequestException(problem);
    if (await this.targets.existsBy({ name: input.name })) {
      throw new ConflictException(`name: target "${input.name}" already exists`);
    }
    const grantRows = input.grants ? await this.grantRows('', input.grants) : [];
    const target = this.targets.create({
      id: randomUUID(),
      name: input.name,
      host: input.host,
      port: input.port,
      accountName: input.accountName,
      owner: input.owner ?? null,
      protocol: input.protocol ?? 'ssh',
      rdpSecurity: input.security ?? null,
      ignoreCert: input.ignoreCert ?? false,
      domain: input.domain ?? null,
      passwordEnc: input.password ? this.cipher.encrypt(input.password, input.name) : null,
      privateKeyEnc: input.privateKey ? this.cipher.encrypt(input.privateKey, input.name) : null,
      hostKeySha256: input.hostKeySha256 ?? null,
      policy: JSON.stringify({ ...DEFAULT_TARGET_POLICY, ...input.policy }),
      createdAt: this.clock.now(),
    });
    await this.uow.run(async (m) => {
      await m.insert(TargetEntity, target);
      if (grantRows.length > 0) await m.insert(TargetGrantEntity, grantRows.map((g) => ({ ...g, targetId: target.id })));
      // The request as given; the audit trail hides the password and the private key.
      if (actor) await this.audit(m, actor, 'target.create', target.name, { ...input });
    });
    return toPublic(target);
  }

  async list(): Promise<PublicTarget[]> {
    return (await this.targets.find({ order: { name: 'ASC' } })).map(toPublic);
  }

  async get(name: string): Promise<PublicTarget> {
    return toPublic(await this.require(name));
  }

  /** Changes any field but the name. New credentials replace the old ones (one of the two kinds). */
  async update(name: string, patch: UpdateTargetDto, actor: Actor): Promise<PublicTarget> {
    const target = await this.require(name);
    if (patch.password && patch.privateKey) throw new BadRequestException('exactly one of password or privateKey must be given');
    const changes: Partial<TargetEntity> = {};
    if (patch.host !== undefined) changes.host = patch.host;
    if (patch.port !== undefined) changes.port = patch.port;
    if (patch.accountName !== undefined) changes.accountName = patch.accountName;
    if (patch.owner !== undefined) changes.owner = patch.owner;
    if (patch.hostKeySha256 !== undefined) changes.hostKeySha256 = patch.hostKeySha256;
    if (patch.password) Object.assign(changes, { passwordEnc: this.cipher.encrypt(patch.password, target.name), privateKeyEnc: null });
    if (patch.privateKey) Object.assign(changes, { privateKeyEnc: this.cipher.encrypt(patch.privateKey, target.name), passwordEnc: null });
    if (patch.protocol !== undefined) changes.protocol = patch.protocol;
    if (patch.security !== undefined) changes.rdpSecurity = patch.security;
    if (patch.ignoreCert !== undefined) changes.ignoreCert = patch.ignoreCert;
    if (patch.domain !== undefined) changes.domain = patch.domain;
    if (patch.policy) changes.policy = JSON.stringify({ ...toPublic(target).policy, ...patch.policy });
    if (Object.keys(changes).length === 0) throw new BadRequestException('nothing to change');
    const after = { ...target, ...changes };
    const problem = protocolProblem({
      protocol: after.protocol,
      hasPassword: after.passwordEnc !== null,
      hasPrivateKey: after.privateKeyEnc !== null,
      security: after.rdpSecurity,
      ignoreCert: after.ignoreCert,
      domain: after.domain,
    });
    if (problem) throw new BadRequestException(problem);
    // A target moved to another host is another machine: its old pin would be refused anyway.
    if ((changes.host !== undefined && changes.host !== target.host) || (changes.port !== undefined && changes.port !== target.port)) {
      if (patch.hostKeySha256 === undefined) changes.hostKeySha256 = null;
    }
    await this.uow.run(async (m) => {
      await m.update(TargetEntity, { id: target.id }, changes);
      await this.audit(m, actor, 'target.update', target.name, { name: target.name, ...patch });
    });
    return toPublic({ ...target, ...changes });
  }

  /** Deletes a target and its grants. Sessions already open on it run on until they end. */
  async remove(name: string, actor: Actor): Promise<void> {
    const target = await this.require(name);
    await this.uow.run(async (m) => {
      await m.delete(TargetGrantEntity, { targetId: target.id });
      await m.delete(TargetEntity, { id: target.id });
      await this.audit(m, actor, 'target.delete', target.name, { name: target.name });
    });
  }

  /** After a legitimate host key change: pin the given fingerprint, or none (next use pins). */
  async repin(name: string, hostKeySha256: string | undefined, actor: Actor): Promise<PublicTarget> {
    const target = await this.require(name);
    const pin = hostKeySha256 ?? null;
    await this.uow.run(async (m) => {
      await m.update(TargetEntity, { id: target.id }, { hostKeySha256: pin });
      await this.audit(m, actor, 'target.repin', target.name, { name: target.name, previous: target.hostKeySha256, hostKeySha256: pin });
    });
    return toPublic({ ...target, hostKeySha256: pin });
  }

  /**
   * "Test connection": reaches the target without logging in (see probeTarget) and says whether
   * the SSH host key is the pinned one. Audited, as it makes Vigil open a connection.
   */
  async test(name: string, actor: Actor): Promise<TargetProbeResult> {
    const target = await this.require(name);
    const result = await probeTarget({ protocol: target.protocol, host: target.host, port: target.port, pinnedHostKeySha256: target.hostKeySha256 }, TARGET_PROBE_TIMEOUT_MS);
    await this.uow.run((m) => this.audit(m, actor, 'target.test', target.name, { name: target.name, reachable: result.reachable, hostKeySha256: result.hostKeySha256, matchesPin: result.matchesPin }));
    return result;
  }

  async getGrants(name: string): Promise<PublicGrants> {
    const target = await this.require(name);
    return this.publicGrants(await this.grants.findBy({ targetId: target.id }));
  }

  /** Replaces who may connect. Unknown usernames are refused (a typo must not grant nobody silently). */
  async setGrants(name: string, input: TargetGrantsDto, actor: Actor): Promise<PublicGrants> {
    const target = await this.require(name);
    const rows = await this.grantRows(target.id, input);
    const result = await this.publicGrants(rows);
    await this.uow.run(async (m) => {
      await m.delete(TargetGrantEntity, { targetId: target.id });
      if (rows.length > 0) await m.insert(TargetGrantEntity, rows);
      await this.audit(m, actor, 'target.grants', target.name, { name: target.name, ...result });
    });
    return result;
  }

  /** The targets `user` may connect to. */
  async reachableBy(user: UserPrincipal): Promise<ReachableTarget[]> {
    const rows = await this.grants
      .createQueryBuilder('g')
      .where("(g.granteeKind = 'user' AND g.grantee = :id)", { id: user.id })
      .orWhere(user.roles.length > 0 ? "(g.granteeKind = 'role' AND g.grantee IN (:...roles))" : '1 = 0', { roles: user.roles })
      .getMany();
    const ids = [...new Set(rows.map((r) => r.targetId))];
    if (ids.length === 0) return [];
    const targets = await this.targets.createQueryBuilder('t').where('t.id IN (:...ids)', { ids }).orderBy('t.name', 'ASC').getMany();
    return targets.map(({ name, protocol, host, port, accountName }) => ({ name, protocol, host, port, accountName }));
  }

  /**
   * The target with its credentials, only when `user` holds a grant for it; null otherwise, the
   * same answer as for a target that does not exist.
   */
  async findForUser(name: string, user: { id: string; roles: readonly string[] }): Promise<TargetWithCredentials | null> {
    const target = await this.targets.findOneBy({ name });
    if (!target) return null;
    const rows = await this.grants.findBy({ targetId: target.id });
    if (!mayConnect(toGrants(rows), user)) return null;
    return this.withCredentials(target);
  }

  async findWithCredentials(name: string): Promise<TargetWithCredentials | null> {
    const target = await this.targets.findOneBy({ name });
    return target ? this.withCredentials(target) : null;
  }

  /** Trust on first use: records the host key only if none is pinned yet. */
  async pinHostKey(name: string, sha256: string): Promise<void> {
    await this.targets.update({ name, hostKeySha256: IsNull() }, { hostKeySha256: sha256 });
  }

  /** A deleted user's grants go with them (a new account of the same name gets none). */
  @OnEvent(AuthEvents.principalRevoked, { async: true, promisify: true })
  async forgetDeletedUser(event: PrincipalRevokedEvent): Promise<void> {
    if (event.reason === 'deleted') await this.grants.delete({ granteeKind: 'user', grantee: event.userId });
  }

  private withCredentials(target: TargetEntity): TargetWithCredentials {
    return {
      ...toPublic(target),
      ...(target.passwordEnc ? { password: this.cipher.decrypt(target.passwordEnc, target.name) } : {}),
      ...(target.privateKeyEnc ? { privateKey: this.cipher.decrypt(target.privateKeyEnc, target.name) } : {}),
    };
  }

  private async require(name: string): Promise<TargetEntity> {
    const target = await this.targets.findOneBy({ name });
    if (!target) throw new NotFoundException(`target "${name}" not found`);
    return target;
  }

  private async grantRows(targetId: string, input: TargetGrantsDto): Promise<TargetGrantEntity[]> {
    const rows: TargetGrantEntity[] = [];
    for (const username of input.users ?? []) {
      const user = await this.users.findByUsername(username);
      if (!user) throw new BadRequestException(`users: no user "${username}"`);
      rows.push({ targetId, granteeKind: 'user', grantee: user.id });
    }
    for (const role of input.roles ?? []) rows.push({ targetId, granteeKind: 'role', grantee: role });
    return rows;
  }

  private async publicGrants(rows: TargetGrantEntity[]): Promise<PublicGrants> {
    const users: string[] = [];
    for (const row of rows.filter((r) => r.granteeKind === 'user')) {
      const user = await this.users.findById(row.grantee);
      if (user) users.push(user.username);
    }
    return { users: users.sort(), roles: rows.filter((r) => r.granteeKind === 'role').map((r) => r.grantee).sort() };
  }

  /** The change's record, in its transaction `m`; credentials in the parameters are hidden by the audit trail. */
  private async audit(m: EntityManager, actor: Actor, action: AuditAction, name: string, requestParameters: Record<string, unknown>): Promise<void> {
    await this.outbox.appendWithin(m, { action, ...auditedBy(actor), requestParameters, resources: [{ type: 'Target', name }] });
  }
}

function toGrants(rows: TargetGrantEntity[]): TargetGrants {
  return {
    userIds: rows.filter((r) => r.granteeKind === 'user').map((r) => r.grantee),
    roles: rows.filter((r) => r.granteeKind === 'role').map((r) => r.grantee),
  };
}

function toPublic(t: TargetEntity): PublicTarget {
  return {
    id: t.id,
    name: t.name,
    host: t.host,
    port: t.port,
    accountName: t.accountName,
    owner: t.owner,
    protocol: t.protocol ?? 'ssh',
    security: t.protocol === 'rdp' ? t.rdpSecurity : null,
    ignoreCert: !!t.ignoreCert,
    domain: t.domain ?? null,
    authentication: t.privateKeyEnc ? 'privateKey' : t.passwordEnc ? 'password' : 'none',
    hostKeySha256: t.hostKeySha256,
    policy: { ...DEFAULT_TARGET_POLICY, ...(JSON.parse(t.policy) as Partial<TargetPolicy>) },
  };
}
