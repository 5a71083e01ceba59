import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '@vigil/common';
import { CreateAgentDto } from './dto/create-agent.dto';
import { AgentEntity } from './entities/agent.entity';
import { generateToken, hashToken } from './secret-token';

@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly clock: Clock,
  ) {}

  /** Registers an agent; its token is returned here once and only its hash is kept. */
  async create(input: CreateAgentDto): Promise<{ id: string; name: string; kind: string; token: string }> {
    const token = generateToken('vga');
    const agent = this.agents.create({
      id: randomUUID(),
      name: input.name,
      kind: input.kind,
      tokenHash: hashToken(token),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    await this.agents.insert(agent);
    return { id: agent.id, name: agent.name, kind: agent.kind, token };
  }

  /**
   * An agent identity for Vigil's own components (the embedded jump server): created once with a
   * token nobody ever sees, so it can only act in-process.
   */
  async ensureInternal(name: string, kind: 'jump-server'): Promise<string> {
    const existing = await this.agents.findOneBy({ name, kind });
    if (existing) return existing.id;
    return (await this.create({ name, kind })).id;
  }

  findActiveByTokenHash(tokenHash: string): Promise<AgentEntity | null> {
    return this.agents.findOneBy({ tokenHash }).then((a) => (a && a.revokedAt === null ? a : null));
  }
}
