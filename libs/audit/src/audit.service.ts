import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { Clock } from '@vigil/common';
import { UnitOfWork } from '@vigil/database';
import { AuditEventEntity, AuditHeadEntity } from './audit-event.entity';
import { ChainVerdict, chainHash, verifyChain } from './hash-chain';

export const AUDIT_ACTIONS = [
  'session.start',
  'session.end',
  'session.terminate',
  'viewer.join',
  'viewer.leave',
  'viewer.input',
  'control.take',
  'control.handback',
  'user.pause',
  'user.resume',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  actor: string;
  action: AuditAction;
  sessionId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditView {
  seq: number;
  at: string;
  actor: string;
  action: string;
  sessionId: string | null;
  detail: Record<string, unknown>;
  hash: string;
}

/** The tamper-evident audit trail: an append-only hash chain, its head locked per append. */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditRecord): Promise<AuditView> {
    const saved = await this.uow.run(async (m) => {
      const head = await m.findOne(AuditHeadEntity, {
        where: { id: 1 },
        lock: this.uow.isPostgres ? { mode: 'pessimistic_write' } : undefined,
      });
      if (!head) throw new Error('audit_head row missing: migrations did not run');
      const fields = {
        seq: head.seq + 1,
        at: this.clock.now(),
        actor: entry.actor,
        action: entry.action,
        sessionId: entry.sessionId ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      };
      const event = m.create(AuditEventEntity, { ...fields, prevHash: head.hash, hash: chainHash(head.hash, fields) });
      await m.insert(AuditEventEntity, event);
      await m.update(AuditHeadEntity, { id: 1 }, { seq: event.seq, hash: event.hash });
      return event;
    });
    return toView(saved);
  }

  async forSession(sessionId: string): Promise<AuditView[]> {
    return (await this.events.find({ where: { sessionId }, order: { seq: 'ASC' }, take: 10_000 })).map(toView);
  }

  async recent(limit: number): Promise<AuditView[]> {
    return (await this.events.find({ order: { seq: 'DESC' }, take: limit })).map(toView);
  }

  /** Re-computes the whole chain, page by page. */
  async verify(): Promise<ChainVerdict> {
    const all: AuditEventEntity[] = [];
    for (let after = 0; ; ) {
      const page = await this.events.find({ where: { seq: MoreThan(after) }, order: { seq: 'ASC' }, take: 5000 });
      all.push(...page);
      if (page.length < 5000) break;
      after = page[page.length - 1].seq;
    }
    return verifyChain(all);
  }
}

function toView(e: AuditEventEntity): AuditView {
  return {
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    actor: e.actor,
    action: e.action,
    sessionId: e.sessionId,
    detail: JSON.parse(e.detail) as Record<string, unknown>,
    hash: e.hash,
  };
}
