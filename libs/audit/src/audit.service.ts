import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditEntry, Clock } from '@vigil/common';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox } from '@vigil/database';
import { AuditChainer } from './audit-chainer';
import { AuditCheckpointEntity, AuditEventEntity, AuditHeadEntity } from './audit-event.entity';
import { AuditSigningKey } from './audit-signing-key';
import { AuditView, derivedColumns, toAuditView } from './audit-view';
import { Checkpoint, checkpointSignatureValid } from './checkpoint-signature';
import { ChainAnchor, ChainVerdict, ChainVerifier } from './hash-chain';

export { AUDIT_ACTIONS, type AuditAction } from '@vigil/common';

/** `GET /api/audit` and LookupEvents filters; every field optional but `limit`. Newest first. */
export interface AuditFilter {
  /** epoch ms, inclusive */
  from?: number;
  /** epoch ms, inclusive */
  to?: number;
  eventName?: string;
  eventSource?: string;
  /** userIdentity.userName of a Vigil user */
  user?: string;
  sessionId?: string;
  sourceIp?: string;
  errorsOnly?: boolean;
  readOnly?: boolean;
  eventId?: string;
  accessKeyId?: string;
  /** a resource's name (session id, target name, ...) */
  resourceName?: string;
  /** internal actions (`viewer.join`, ...) */
  actions?: string[];
  limit: number;
  /** keyset paging: records with a smaller seq than this */
  beforeSeq?: number;
}

export interface AuditPage {
  items: AuditView[];
  /** pass as `beforeSeq` for the next page; absent on the last page */
  nextBeforeSeq?: number;
}

/** `GET /api/audit/verify`: the chain's verdict, the head and the newest signed checkpoint it was checked against. */
export interface AuditVerdict extends ChainVerdict {
  head: { seq: number; hash: string };
  checkpoint: { seq: number; hash: string; at: string; keyId: string } | null;
  checkpoints: { total: number; verified: number; untrusted: number };
  signingKeyId: string;
}

/** Records read per page while verifying. */
const VERIFY_PAGE = 5000;
/** A record older than this many checkpoint intervals (plus a margin) must be covered by a signed checkpoint. */
const CHECKPOINT_COVERAGE_INTERVALS = 3;
/** ...plus one interval, at most this much: a checkpoint may be running late */
const CHECKPOINT_COVERAGE_MARGIN_MS = 10_000;

/**
 * The tamper-evident audit trail: records committed through the outbox (libs/database) and
 * chained by AuditChainer; reading, filtering and verifying them (hash chain, stored head and
 * Ed25519-signed checkpoints).
 */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    @InjectRepository(AuditHeadEntity) private readonly heads: Repository<AuditHeadEntity>,
    @InjectRepository(AuditCheckpointEntity) private readonly checkpointRows: Repository<AuditCheckpointEntity>,
    private readonly outbox: AuditOutbox,
    private readonly chainer: AuditChainer,
    private readonly signingKey: AuditSigningKey,
    private readonly config: VigilConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes a record in a transaction of its own and resolves once it is chained. For records that
   * describe a change, write them in the change's transaction instead (AuditOutbox.appendWithin).
   */
  async record(entry: AuditEntry): Promise<AuditView> {
    const [eventId] = await this.outbox.append(entry);
    await this.chainer.drain();
    const row = await this.events.findOneBy({ eventId });
    if (!row) throw new Error(`audit record ${eventId} was not chained`);
    return toAuditView(row);
  }

  /** Chains everything committed so far: read-your-writes for the caller. */
  settle(): Promise<void> {
    return this.chainer.drain();
  }

  async query(filter: AuditFilter): Promise<AuditPage> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), 1000);
    const qb = this.events.createQueryBuilder('e');
    applyFilter(qb, filter, this.events.manager.connection.options.type === 'postgres');
    const rows = await qb.orderBy('e.seq', 'DESC').take(limit + 1).getMany();
    const items = rows.slice(0, limit).map(toAuditView);
    return rows.length > limit ? { items, nextBeforeSeq: items[items.length - 1].seq } : { items };
  }

  async forSession(sessionId: string): Promise<AuditView[]> {
    return (await this.events.find({ where: { sessionId }, order: { seq: 'ASC' }, take: 10_000 })).map(toAuditView);
  }

  async recent(limit: number): Promise<AuditView[]> {
    return (await this.events.find({ order: { seq: 'DESC' }, take: limit })).map(toAuditView);
  }

  async checkpoints(limit = 1000): Promise<Checkpoint[]> {
    return (await this.checkpointRows.find({ order: { seq: 'DESC' }, take: limit })).map((c) => ({ ...c }));
  }

  /** Every chained record in seq order, page by page, exactly as stored (for offline verification). */
  async *storedRecords(): AsyncIterable<AuditEventEntity[]> {
    const head = await this.readHead();
    for (let after = 0; after < head.seq; ) {
      const page = await this.events.find({ where: { seq: Between(after + 1, head.seq) }, order: { seq: 'ASC' }, take: VERIFY_PAGE });
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1].seq;
    }
  }

  get signingKeyId(): string {
    return this.signingKey.keyId;
  }

  get signingPublicKeyPem(): string {
    return this.signingKey.publicKeyPem;
  }

  /**
   * Re-computes the whole chain, page by page, and checks that it passes through every signed
   * checkpoint and ends exactly at the stored head. The head and the checkpoints are read first:
   * records appended meanwhile (beyond them) are left for next time. Each record's filter columns
   * must agree with its hashed body.
   */
  async verify(): Promise<AuditVerdict> {
    await this.chainer.drain().catch(() => undefined);
    const head = await this.readHead();
    const stored = (await this.checkpointRows.find({ order: { seq: 'ASC' } })).filter((c) => c.seq <= head.seq);
    const ours = stored.filter((c) => c.keyId === this.signingKey.keyId);
    const forged = ours.find((c) => !checkpointSignatureValid(this.signingKey.publicKey, c));
    const trusted = ours.filter((c) => c !== forged && checkpointSignatureValid(this.signingKey.publicKey, c));
    const newest = trusted[trusted.length - 1] ?? null;
    const base = {
      head: { seq: head.seq, hash: head.hash },
      checkpoint: newest ? { seq: newest.seq, hash: newest.hash, at: new Date(newest.at).toISOString(), keyId: newest.keyId } : null,
      checkpoints: { total: stored.length, verified: trusted.length, untrusted: stored.length - ours.length },
      signingKeyId: this.signingKey.keyId,
    };
    if (forged) return { ok: false, checked: 0, brokenAt: forged.seq, reason: 'checkpoint-signature', ...base };

    const anchors: ChainAnchor[] = [{ seq: head.seq, hash: head.hash, source: 'head' }, ...trusted.map((c) => ({ seq: c.seq, hash: c.hash, source: 'checkpoint' as const }))];
    const verifier = new ChainVerifier(anchors);
    let derivedBreak: number | undefined;
    for (let after = 0; after < head.seq; ) {
      const page = await this.events.find({ where: { seq: Between(after + 1, head.seq) }, order: { seq: 'ASC' }, take: VERIFY_PAGE });
      if (page.length === 0) break;
      let good = true;
      for (const row of page) {
        if (!verifier.add(row)) {
          good = false;
          break;
        }
        if (!derivedColumnsAgree(row)) {
          derivedBreak = row.seq;
          good = false;
          break;
        }
      }
      if (derivedBreak !== undefined) return { ok: false, checked: derivedBreak - 1, brokenAt: derivedBreak, reason: 'record-mismatch', ...base };
      if (!good) break;
      after = page[page.length - 1].seq;
    }
    const verdict = verifier.finish();
    if (!verdict.ok) return { ...verdict, ...base };

    const uncovered = await this.oldestUncovered(newest?.seq ?? 0, head.seq);
    if (uncovered !== null) return { ok: false, checked: verdict.checked, brokenAt: uncovered, reason: 'checkpoint-missing', ...base };

    // Records past the head: appended since we read it (the head has moved on), or written
    // behind Vigil's back (no head covers them).
    const [last] = await this.events.find({ order: { seq: 'DESC' }, take: 1 });
    if (last && last.seq > head.seq) {
      const now = await this.readHead();
      if (last.seq > now.seq) return { ok: false, checked: verdict.checked, brokenAt: now.seq + 1, reason: 'beyond-head', ...base };
    }
    return { ...verdict, ...base };
  }

  /** The first record after `coveredSeq` that is too old not to be covered by a checkpoint, if any. */
  private async oldestUncovered(coveredSeq: number, headSeq: number): Promise<number | null> {
    if (coveredSeq >= headSeq) return null;
    const [first] = await this.events.find({ where: { seq: Between(coveredSeq + 1, headSeq) }, order: { seq: 'ASC' }, take: 1 });
    if (!first) return null;
    const interval = this.config.audit.checkpointIntervalMs;
    const deadline = this.clock.now() - CHECKPOINT_COVERAGE_INTERVALS * interval - Math.min(interval, CHECKPOINT_COVERAGE_MARGIN_MS);
    return first.at < deadline ? first.seq : null;
  }

  private async readHead(): Promise<AuditHeadEntity> {
    const head = await this.heads.findOneBy({ id: 1 });
    if (!head) throw new Error('audit_head row missing: migrations did not run');
    return head;
  }
}

function derivedColumnsAgree(row: AuditEventEntity): boolean {
  let expected;
  try {
    expected = derivedColumns(toAuditView(row));
  } catch {
    return false;
  }
  if (expected.eventId === null) return true; // a record from before v0.5: only its hash speaks for it
  return (
    row.eventId === expected.eventId &&
    row.eventName === expected.eventName &&
    row.eventSource === expected.eventSource &&
    row.userName === expected.userName &&
    row.sourceIp === expected.sourceIp &&
    row.errorCode === expected.errorCode &&
    Boolean(row.readOnly) === expected.readOnly
  );
}

function applyFilter(qb: SelectQueryBuilder<AuditEventEntity>, f: AuditFilter, postgres: boolean): void {
  if (f.beforeSeq !== undefined) qb.andWhere('e.seq < :beforeSeq', { beforeSeq: f.beforeSeq });
  if (f.from !== undefined) qb.andWhere('e.at >= :from', { from: f.from });
  if (f.to !== undefined) qb.andWhere('e.at <= :to', { to: f.to });
  if (f.eventName) qb.andWhere('e.event_name = :eventName', { eventName: f.eventName });
  if (f.eventSource) qb.andWhere('e.event_source = :eventSource', { eventSource: f.eventSource });
  if (f.user) qb.andWhere('e.user_name = :user', { user: f.user });
  if (f.sessionId) qb.andWhere('e.session_id = :sessionId', { sessionId: f.sessionId });
  if (f.sourceIp) qb.andWhere('e.source_ip = :sourceIp', { sourceIp: f.sourceIp });
  if (f.errorsOnly) qb.andWhere('e.error_code IS NOT NULL');
  if (f.readOnly !== undefined) qb.andWhere('e.read_only = :readOnly', { readOnly: postgres ? f.readOnly : Number(f.readOnly) });
  if (f.eventId) qb.andWhere('e.event_id = :eventId', { eventId: f.eventId });
  if (f.actions && f.actions.length > 0) qb.andWhere('e.action IN (:...actions)', { actions: f.actions });
  // Not indexed: the body is searched for the exact JSON field, within whatever else narrows the query.
  if (f.accessKeyId) qb.andWhere("e.detail LIKE :accessKey ESCAPE '\\'", { accessKey: `%${likeLiteral(`"accessKeyId":${JSON.stringify(f.accessKeyId)}`)}%` });
  if (f.resourceName) {
    qb.andWhere("(e.session_id = :resourceName OR e.detail LIKE :resourceLike ESCAPE '\\')", {
      resourceName: f.resourceName,
      resourceLike: `%${likeLiteral(`"name":${JSON.stringify(f.resourceName)},"ARN"`)}%`,
    });
  }
}

/** `text` matched literally inside a LIKE pattern (its own % and _ are not wildcards). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
