import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, Repository } from 'typeorm';
import { Clock } from '@vigil/common';
import { UnitOfWork } from '@vigil/database';
import { AuditEventEntity, AuditHeadEntity } from './audit-event.entity';
import { ChainVerdict, ChainVerifier, chainHash } from './hash-chain';

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
  // accounts, credentials and targets (who changed what)
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'user.create',
  'user.update',
  'user.disable',
  'user.delete',
  'user.password-change',
  'user.password-reset',
  'agent.create',
  'agent.revoke',
  'agent.rotate',
  'ssh-key.add',
  'ssh-key.remove',
  'target.create',
  'target.update',
  'target.delete',
  'target.repin',
  'target.grants',
  // the SSH jump's door
  'jump.login',
  'jump.login-refused',
  'jump.forward',
  // recordings
  'recording.view',
  'recording.failed',
  // access keys and the SSM-compatible API (every call, refused ones with errorCode)
  'access-key.create',
  'access-key.update',
  'access-key.delete',
  'ssm.DescribeSessions',
  'ssm.TerminateSession',
  'ssm.StartSession',
  'ssm.ResumeSession',
  // the SSM importer's AWS sources (libs/ssm-import)
  'ssm-import.create',
  'ssm-import.update',
  'ssm-import.delete',
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

interface PendingRecord {
  entry: AuditRecord;
  at: number;
  resolve: (view: AuditView) => void;
  reject: (error: unknown) => void;
}

/** `GET /api/audit/verify`: the chain's verdict and the head it was checked against. */
export interface AuditVerdict extends ChainVerdict {
  head: { seq: number; hash: string };
}

/** Records read per page while verifying. */
const VERIFY_PAGE = 5000;

/** Records appended in one transaction at most (bounds the transaction, not the queue's wait). */
const MAX_BATCH = 500;

/**
 * The tamper-evident audit trail: an append-only hash chain. Appends are group-committed: the
 * records that arrive while a batch is being written go together in the next transaction, which
 * locks the chain's head once for all of them. The chain is one sequence across every gateway
 * (the head row lock on PostgreSQL), and under load it costs one transaction per batch instead of
 * one per record.
 */
@Injectable()
export class AuditService {
  private queue: PendingRecord[] = [];
  private writing = false;

  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    @InjectRepository(AuditHeadEntity) private readonly heads: Repository<AuditHeadEntity>,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Resolves once the record is committed. */
  record(entry: AuditRecord): Promise<AuditView> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, at: this.clock.now(), resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const saved = await this.append(batch);
          saved.forEach((event, i) => batch[i].resolve(toView(event)));
        } catch (error) {
          batch.forEach((p) => p.reject(error));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private append(batch: PendingRecord[]): Promise<AuditEventEntity[]> {
    const { sql } = this.uow;
    return this.uow.run(async (m) => {
      const lock = this.uow.isPostgres ? ' FOR UPDATE' : '';
      const [head] = await sql.rows<{ seq: string | number; hash: string }>(m, `SELECT seq, hash FROM audit_head WHERE id = 1${lock}`, []);
      if (!head) throw new Error('audit_head row missing: migrations did not run');
      let seq = Number(head.seq);
      let hash = head.hash;
      const events = batch.map(({ entry, at }) => {
        const fields = {
          seq: ++seq,
          at,
          actor: entry.actor,
          action: entry.action,
          sessionId: entry.sessionId ?? null,
          detail: JSON.stringify(entry.detail ?? {}),
        };
        const event = m.create(AuditEventEntity, { ...fields, prevHash: hash, hash: chainHash(hash, fields) });
        hash = event.hash;
        return event;
      });
      // Chunked: SQLite limits bound parameters per statement.
      for (let i = 0; i < events.length; i += 100) {
        const chunk = events.slice(i, i + 100);
        const values = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
        const params = chunk.flatMap((e) => [e.seq, e.at, e.actor, e.action, e.sessionId, e.detail, e.prevHash, e.hash]);
        await sql.run(m, `INSERT INTO audit_events (seq, at, actor, action, session_id, detail, prev_hash, hash) VALUES ${values}`, params);
      }
      await sql.run(m, 'UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [seq, hash]);
      return events;
    });
  }

  async forSession(sessionId: string): Promise<AuditView[]> {
    return (await this.events.find({ where: { sessionId }, order: { seq: 'ASC' }, take: 10_000 })).map(toView);
  }

  async recent(limit: number): Promise<AuditView[]> {
    return (await this.events.find({ order: { seq: 'DESC' }, take: limit })).map(toView);
  }

  /**
   * Re-computes the whole chain, page by page, and checks that it ends exactly at the stored head
   * (a rewrite with recomputed hashes no longer reaches the head's hash; deleted last records fall
   * short of its seq). The head is read first: records and head are committed together, so every
   * record up to it is there, and records appended meanwhile (beyond it) are left for next time.
   */
  async verify(): Promise<AuditVerdict> {
    const head = await this.readHead();
    const verifier = new ChainVerifier([{ seq: head.seq, hash: head.hash, source: 'head' }]);
    for (let after = 0; after < head.seq; ) {
      const page = await this.events.find({ where: { seq: Between(after + 1, head.seq) }, order: { seq: 'ASC' }, take: VERIFY_PAGE });
      if (page.length === 0 || !verifier.addAll(page)) break;
      after = page[page.length - 1].seq;
    }
    const verdict = verifier.finish();
    const headView = { seq: head.seq, hash: head.hash };
    if (!verdict.ok) return { ...verdict, head: headView };

    // Records past the head: appended since we read it (the head has moved on), or written
    // behind Vigil's back (no head covers them).
    const [last] = await this.events.find({ order: { seq: 'DESC' }, take: 1 });
    if (last && last.seq > head.seq) {
      const now = await this.readHead();
      if (last.seq > now.seq) return { ok: false, checked: verdict.checked, brokenAt: now.seq + 1, reason: 'beyond-head', head: headView };
    }
    return { ...verdict, head: headView };
  }

  private async readHead(): Promise<AuditHeadEntity> {
    const head = await this.heads.findOneBy({ id: 1 });
    if (!head) throw new Error('audit_head row missing: migrations did not run');
    return head;
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
