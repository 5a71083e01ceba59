import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, AgentsService, auditedBy } from '@vigil/auth';
import { AuditAction, Clock } from '@vigil/common';
import { ssmEndpointProblem } from '@vigil/config';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { CredentialCipher } from '@vigil/targets';
import { CreateSsmImportSourceDto, UpdateSsmImportSourceDto } from './dto/ssm-import-source.dto';
import { SsmImportSourceEntity } from './entities/ssm-import-source.entity';
import { SsmImportStateEntity } from './entities/ssm-import-state.entity';
import { SsmImportedSessionEntity } from './entities/ssm-imported-session.entity';
import type { SourceConnection } from './session-lister';
import type { PolledSource } from './source-poller';
import { PublicSsmImportSource, toPublicSource } from './source-view';

/** Published after a source changed on this gateway, so its pollers follow at once. */
export const SOURCES_CHANGED = 'ssm-import.sources-changed';

export const DEFAULT_POLL_SECONDS = 60;

/** A source as the scheduler starts it: what to poll and how to connect. */
export interface RunnableSource extends PolledSource {
  connection: SourceConnection;
  /** changes whenever the source's configuration does */
  version: number;
}

/** Where a source's secret is bound (AES-GCM additional data): a ciphertext moved to another source fails. */
const secretBinding = (id: string) => `ssm-import-source:${id}`;

/** The internal agent a source's sessions are registered under (AgentsService.ensureInternal). */
export const sourceAgentName = (name: string) => `ssm-import:${name}`;

/**
 * AWS sources of the SSM importer, managed by admins through `/api/ssm-import/sources` (or one
 * from the environment, which the API shows but does not change). Secrets are encrypted at rest
 * and never returned; every change is audited.
 */
@Injectable()
export class SsmImportSourcesService {
  constructor(
    @InjectRepository(SsmImportSourceEntity) private readonly sources: Repository<SsmImportSourceEntity>,
    @InjectRepository(SsmImportStateEntity) private readonly states: Repository<SsmImportStateEntity>,
    @InjectRepository(SsmImportedSessionEntity) private readonly mirrored: Repository<SsmImportedSessionEntity>,
    private readonly agents: AgentsService,
    private readonly cipher: CredentialCipher,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  async create(input: CreateSsmImportSourceDto, actor: Actor | null, origin: 'api' | 'environment' = 'api'): Promise<PublicSsmImportSource> {
    checkEndpoint(input.endpoint);
    if (!input.accessKeyId !== !input.secretAccessKey) throw new BadRequestException('give accessKeyId and secretAccessKey together, or neither (the AWS provider chain)');
    if (await this.findByName(input.name)) throw new ConflictException(`name: source "${input.name}" already exists`);
    const id = randomUUID();
    const now = this.clock.now();
    const source = this.sources.create({
      id,
      name: input.name,
      region: input.region,
      endpoint: input.endpoint ?? null,
      accessKeyId: input.accessKeyId ?? null,
      secretEnc: input.secretAccessKey ? this.cipher.encrypt(input.secretAccessKey, secretBinding(id)) : null,
      pollIntervalSeconds: input.pollIntervalSeconds ?? DEFAULT_POLL_SECONDS,
      enabled: input.enabled ?? true,
      origin,
      // by name: a source deleted and made again keeps its identity, so nothing it imported is imported twice
      agentId: await this.agents.ensureInternal(sourceAgentName(input.name), 'ssm-import'),
      createdAt: now,
      updatedAt: now,
    });
    const state = this.states.create({ sourceId: id, consecutiveFailures: 0, activeCount: 0, historyCount: 0, importedTotal: 0, endedTotal: 0, rejectedTotal: 0 });
    await this.uow.run(async (m) => {
      await m.insert(SsmImportSourceEntity, source);
      await m.insert(SsmImportStateEntity, state);
      if (actor) await this.audit(m, actor, 'ssm-import.create', source.name, { name: source.name, ...auditedConfig(source) });
    });
    this.changed();
    return toPublicSource(source, state, now);
  }

  async list(): Promise<PublicSsmImportSource[]> {
    const [sources, states] = await Promise.all([this.sources.find({ order: { name: 'ASC' } }), this.states.find()]);
    const byId = new Map(states.map((s) => [s.sourceId, s]));
    const now = this.clock.now();
    return sources.map((s) => toPublicSource(s, byId.get(s.id) ?? null, now));
  }

  async get(name: string): Promise<PublicSsmImportSource> {
    const source = await this.require(name);
    return toPublicSource(source, await this.states.findOneBy({ sourceId: source.id }), this.clock.now());
  }

  async update(name: string, patch: UpdateSsmImportSourceDto, actor: Actor): Promise<PublicSsmImportSource> {
    const source = await this.requireManaged(name);
    if (patch.endpoint !== null) checkEndpoint(patch.endpoint);
    const keys = [patch.accessKeyId, patch.secretAccessKey];
    if (keys.some((k) => k !== undefined) && (keys.some((k) => k === undefined) || (keys[0] === null) !== (keys[1] === null))) {
      throw new BadRequestException('change accessKeyId and secretAccessKey together (both null: the AWS provider chain)');
    }
    const changes: Partial<SsmImportSourceEntity> = {};
    if (patch.region !== undefined) changes.region = patch.region;
    if (patch.endpoint !== undefined) changes.endpoint = patch.endpoint;
    if (patch.pollIntervalSeconds !== undefined) changes.pollIntervalSeconds = patch.pollIntervalSeconds;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.accessKeyId !== undefined) {
      changes.accessKeyId = patch.accessKeyId;
      changes.secretEnc = patch.secretAccessKey ? this.cipher.encrypt(patch.secretAccessKey, secretBinding(source.id)) : null;
    }
    if (Object.keys(changes).length === 0) throw new BadRequestException('nothing to change');
    changes.updatedAt = Math.max(this.clock.now(), source.updatedAt + 1);
    const { secretAccessKey: _secret, ...visible } = patch;
    await this.uow.run(async (m) => {
      await m.update(SsmImportSourceEntity, { id: source.id }, changes);
      await this.audit(m, actor, 'ssm-import.update', source.name, {
        name: source.name,
        ...visible,
        ...(patch.secretAccessKey !== undefined ? { secretAccessKey: patch.secretAccessKey ? 'changed' : 'removed' } : {}),
      });
    });
    const updated = { ...source, ...changes };
    this.changed();
    return toPublicSource(updated, await this.states.findOneBy({ sourceId: source.id }), this.clock.now());
  }

  /**
   * Deletes the source, its poll state and its record of mirrored sessions. What it imported stays
   * in the registry; sessions still open get no more heartbeats and end by Vigil's liveness rule.
   */
  async remove(name: string, actor: Actor | null): Promise<void> {
    const source = actor ? await this.requireManaged(name) : await this.require(name);
    await this.uow.run(async (m) => {
      await m.delete(SsmImportedSessionEntity, { sourceId: source.id });
      await m.delete(SsmImportStateEntity, { sourceId: source.id });
      await m.delete(SsmImportSourceEntity, { id: source.id });
      if (actor) await this.audit(m, actor, 'ssm-import.delete', source.name, { name: source.name });
    });
    this.changed();
  }

  /** Enabled sources with their decrypted credentials, for the scheduler only. */
  async runnable(): Promise<RunnableSource[]> {
    return (await this.sources.findBy({ enabled: true })).map((s) => ({
      id: s.id,
      name: s.name,
      region: s.region,
      agentId: s.agentId,
      pollIntervalSeconds: s.pollIntervalSeconds,
      version: s.updatedAt,
      connection: {
        region: s.region,
        endpoint: s.endpoint,
        credentials: s.accessKeyId && s.secretEnc ? { accessKeyId: s.accessKeyId, secretAccessKey: this.cipher.decrypt(s.secretEnc, secretBinding(s.id)) } : null,
      },
    }));
  }

  /** The AWS attributes of an imported session (by Vigil's session id), for admins and auditors. */
  async importedSession(sessionId: string) {
    const row = await this.mirrored.findOneBy({ sessionId });
    if (!row) throw new NotFoundException(`no imported SSM session ${sessionId}`);
    const source = await this.sources.findOneBy({ id: row.sourceId });
    return {
      sessionId: row.sessionId,
      source: source?.name ?? null,
      region: source?.region ?? null,
      awsSessionId: row.awsSessionId,
      target: row.target,
      owner: row.ownerArn,
      documentName: row.documentName,
      reason: row.reason,
      awsStatus: row.awsStatus,
      startDate: new Date(row.startDate).toISOString(),
      endDate: row.endDate === null ? null : new Date(row.endDate).toISOString(),
      ended: row.ended,
      firstSeenAt: new Date(row.firstSeenAt).toISOString(),
      lastSeenAt: new Date(row.lastSeenAt).toISOString(),
    };
  }

  findByName(name: string): Promise<SsmImportSourceEntity | null> {
    return this.sources.createQueryBuilder('s').where('LOWER(s.name) = :name', { name: name.toLowerCase() }).getOne();
  }

  /** The environment's source (VIGIL_SSM_IMPORT_*) as it is now, without an audit record (no person acted). */
  async replaceFromEnvironment(source: SsmImportSourceEntity, wanted: { region: string; endpoint: string | null; pollIntervalSeconds: number }): Promise<void> {
    if (source.region === wanted.region && source.endpoint === wanted.endpoint && source.pollIntervalSeconds === wanted.pollIntervalSeconds && source.enabled) return;
    await this.sources.update({ id: source.id }, { ...wanted, enabled: true, updatedAt: Math.max(this.clock.now(), source.updatedAt + 1) });
    this.changed();
  }

  environmentSources(): Promise<SsmImportSourceEntity[]> {
    return this.sources.findBy({ origin: 'environment' });
  }

  private async require(name: string): Promise<SsmImportSourceEntity> {
    const source = await this.findByName(name);
    if (!source) throw new NotFoundException(`source "${name}" not found`);
    return source;
  }

  private async requireManaged(name: string): Promise<SsmImportSourceEntity> {
    const source = await this.require(name);
    if (source.origin === 'environment') throw new ConflictException(`source "${source.name}" is configured by the environment (VIGIL_SSM_IMPORT_*): change it there`);
    return source;
  }

  private changed(): void {
    this.events.emit(SOURCES_CHANGED);
  }

  private async audit(m: EntityManager, actor: Actor, action: AuditAction, name: string, requestParameters: Record<string, unknown>): Promise<void> {
    await this.outbox.appendWithin(m, { action, ...auditedBy(actor), requestParameters, resources: [{ type: 'ImportSource', name }] });
  }
}

function checkEndpoint(endpoint: string | undefined): void {
  if (endpoint === undefined) return;
  const problem = ssmEndpointProblem(endpoint);
  if (problem) throw new BadRequestException(`endpoint ${problem}`);
}

function auditedConfig(s: SsmImportSourceEntity) {
  return {
    region: s.region,
    endpoint: s.endpoint,
    credentials: s.accessKeyId ? `access key ${s.accessKeyId}` : 'provider chain',
    pollIntervalSeconds: s.pollIntervalSeconds,
    enabled: s.enabled,
  };
}
