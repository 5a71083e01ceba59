import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditAction, Clock } from '@vigil/common';
import { AuditOutbox, UnitOfWork } from '@vigil/database';
import { Actor, auditedBy } from './audit-actor';
import { CreateAgentDto } from './dto/create-agent.dto';
import { AgentEntity } from './entities/agent.entity';
import { generateToken, hashToken } from './secret-token';

export const AgentEvents = {
  /** an agent's token no longer authenticates (revoked or rotated) */
  revoked: 'agent.revoked',
} as const;

export interface AgentRevokedEvent {
  agentId: string;
}

/** Names of Vigil's own identities: an admin-made agent may not take one (the jump would adopt it). */
export const RESERVED_AGENT_NAMES = ['embedded-jump'];

export interface PublicAgent {
  id: string;
  name: string;
  kind: string;
  createdAt: string;
  revokedAt: string | null;
}

@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
  ) {}

  /** Registers an agent; its token is returned here once and only its hash is kept. */
  async create(input: CreateAgentDto, actor?: Actor): Promise<{ id: string; name: string; kind: string; token: string }> {
    if (RESERVED_AGENT_NAMES.includes(input.name.toLowerCase())) {
      throw new ConflictException(`name: "${input.name}" is reserved for Vigil's own components`);
    }
    return this.insert(input.name, input.kind, false, actor ?? null);
  }

  /** Agents, newest first; Vigil's internal identities are not listed. Tokens never are. */
  async list(): Promise<PublicAgent[]> {
    return (await this.agents.find({ where: { internal: false }, order: { createdAt: 'DESC' } })).map(toPublic);
  }

  /** Revokes the agent's token for good; it authenticates no more (this process at once). */
  async revoke(id: string, actor: Actor): Promise<void> {
    const agent = await this.requireManaged(id);
    await this.uow.run(async (m) => {
      if (agent.revokedAt === null) await m.update(AgentEntity, { id }, { revokedAt: this.clock.now() });
      await this.audit(m, actor, 'agent.revoke', agent);
    });
    this.events.emit(AgentEvents.revoked, { agentId: id } satisfies AgentRevokedEvent);
  }

  /** A new token for the agent; the old one stops working at once. Revoked agents stay revoked. */
  async rotate(id: string, actor: Actor): Promise<{ id: string; token: string }> {
    const agent = await this.requireManaged(id);
    if (agent.revokedAt !== null) throw new ConflictException(`agent ${id} is revoked; register a new one`);
    const token = generateToken('vga');
    await this.uow.run(async (m) => {
      await m.update(AgentEntity, { id }, { tokenHash: hashToken(token) });
      // the new token is in the answer, never in the record
      await this.audit(m, actor, 'agent.rotate', agent);
    });
    this.events.emit(AgentEvents.revoked, { agentId: id } satisfies AgentRevokedEvent);
    return { id, token };
  }

  /**
   * An agent identity for Vigil's own components (the embedded jump server): created once with a
   * token nobody ever sees, so it can only act in-process. Only an identity marked internal is
   * adopted, never an admin-made agent of the same name.
   */
  async ensureInternal(name: string, kind: 'jump-server' | 'ssm-import'): Promise<string> {
    const existing = await this.agents.findOneBy({ name, kind, internal: true });
    if (existing) return existing.id;
    return (await this.insert(name, kind, true, null)).id;
  }

  /** The ids of every jump server, Vigil's own included: their sessions name the target as service provider. */
  async jumpServerIds(): Promise<Set<string>> {
    return new Set((await this.agents.find({ where: { kind: 'jump-server' }, select: { id: true } })).map((a) => a.id));
  }

  findActiveByTokenHash(tokenHash: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ tokenHash }).then((a) => (a && a.revokedAt === null ? a : null));
  }

  /** A new agent; made by an admin (`actor`), its record commits with it. Vigil's own identities are not audited. */
  private async insert(name: string, kind: string, internal: boolean, actor: Actor | null): Promise<{ id: string; name: string; kind: string; token: string }> {
    const token = generateToken('vga');
    const agent = this.agents.create({
      id: randomUUID(),
      name,
      kind,
      tokenHash: hashToken(token),
      createdAt: this.clock.now(),
      revokedAt: null,
      internal,
    });
    await this.uow.run(async (m) => {
      await m.insert(AgentEntity, agent);
      if (actor) await this.audit(m, actor, 'agent.create', agent);
    });
    return { id: agent.id, name: agent.name, kind: agent.kind, token };
  }

  private async requireManaged(id: string): Promise<AgentEntity> {
    const agent = await this.agents.findOneBy({ id });
    if (!agent || agent.internal) throw new NotFoundException(`agent ${id} not found`);
    return agent;
  }

  private async audit(m: EntityManager, actor: Actor, action: AuditAction, agent: AgentEntity): Promise<void> {
    await this.outbox.appendWithin(m, {
      action,
      ...auditedBy(actor),
      requestParameters: { agentId: agent.id, name: agent.name, kind: agent.kind },
      resources: [{ type: 'Agent', name: agent.id }],
    });
  }
}

function toPublic(a: AgentEntity): PublicAgent {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    createdAt: new Date(a.createdAt).toISOString(),
    revokedAt: a.revokedAt === null ? null : new Date(a.revokedAt).toISOString(),
  };
}
