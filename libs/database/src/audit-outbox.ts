import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, Clock, CloudTrailBody, MonotonicUuidv7, isAuditAction, toCloudTrailBody } from '@vigil/common';
import type { InsertRows, SqlStatement } from './raw-sql';
import { RecentAuditBodies } from './recent-audit-bodies';
import { UnitOfWork } from './unit-of-work';

/** Rows inserted per statement (SQLite bounds the parameters of one statement). */
const INSERT_CHUNK = 100;
const OUTBOX_COLUMNS = 'id, at, actor, action, session_id, detail';
const OUTBOX_ROW = '(?, ?, ?, ?, ?, ?)';
/** One outbox row: what statementsWithin chunks, and rowsIfMany batches. */
export const INSERT_OUTBOX_ROW = `INSERT INTO audit_outbox (${OUTBOX_COLUMNS}) VALUES ${OUTBOX_ROW}`;

export interface OutboxAppended {
  eventIds: string[];
}

/** One record as the outbox stores it (audit_outbox's columns), before the chain gives it a place. */
export interface OutboxRecord {
  id: string;
  at: number;
  actor: string;
  action: string;
  sessionId: string | null;
  /** the CloudTrail body, JSON */
  detail: string;
  /** the body `detail` was serialised from, when this process wrote it (not read back from the outbox) */
  body?: CloudTrailBody;
}

/**
 * The audit trail's transactional outbox. A change and the record that describes it are written
 * in one transaction: `appendWithin(m, ...)` inserts the record into `audit_outbox` inside the
 * caller's transaction, so both commit or neither does. libs/audit's chainer then moves committed
 * rows into the hash chain (one sequence across gateways) without holding up the writer: the
 * chain's head lock is taken by the chainer only, never in a registry transaction.
 *
 * SQLite needs no outbox in the process that chains: every transaction already holds the
 * database's one write lock (BEGIN IMMEDIATE), so the chainer's head costs it no waiting. Once
 * the chainer has said so (`chainInTransactions`), the records of a transaction are kept here
 * instead, and the chainer appends them to the chain inside that same transaction
 * (`takeWithin`, from its commit-group participant): one INSERT into audit_events instead of an
 * INSERT into the outbox, a second transaction that reads, chains and deletes it, and its commit.
 */
@Injectable()
export class AuditOutbox {
  private readonly wakers = new Set<() => void>();
  private readonly ids = new MonotonicUuidv7();
  /** SQLite: records of running transactions, for the chainer to chain before each one ends */
  private readonly held = new WeakMap<EntityManager, OutboxRecord[]>();
  private chainedInTransactions = false;
  /** outbox rows' bodies, for the chainer reading them back (bodyOf) */
  private readonly recentBodies = new RecentAuditBodies();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Adds the entries to the caller's transaction; returns their event ids. */
  async appendWithin(m: EntityManager, entries: AuditEntry | AuditEntry[]): Promise<string[]> {
    const { statements, eventIds } = this.statementsWithin(m, entries);
    for (const { sql, params } of statements) await this.uow.sql.run(m, sql, params);
    return eventIds;
  }

  /**
   * The INSERTs appendWithin would run, for a caller that sends them with its own writes in one
   * round trip (RawSql.runAll). The caller must run them in `m`'s transaction: the chainer is
   * woken when that transaction commits.
   */
  statementsWithin(m: EntityManager, entries: AuditEntry | AuditEntry[]): { statements: SqlStatement[]; eventIds: string[] } {
    const { insert, eventIds } = this.rowsWithin(m, entries);
    const statements: SqlStatement[] = [];
    for (let i = 0; i < insert.rows.length; i += INSERT_CHUNK) {
      const chunk = insert.rows.slice(i, i + INSERT_CHUNK);
      statements.push({
        sql: `INSERT INTO audit_outbox (${OUTBOX_COLUMNS}) VALUES ${chunk.map(() => OUTBOX_ROW).join(', ')}`,
        params: chunk.flat(),
      });
    }
    return { statements, eventIds };
  }

  /**
   * The outbox rows of the entries as the single-row INSERT and its rows, for a caller batching
   * many transactions' writes into one statement (RawSql.rowsIfMany). Same contract as
   * statementsWithin: they must be written in `m`'s transaction (or statement).
   */
  rowsWithin(m: EntityManager, entries: AuditEntry | AuditEntry[]): { insert: InsertRows; eventIds: string[] } {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return { insert: { sql: INSERT_OUTBOX_ROW, rows: [] }, eventIds: [] };
    const now = this.clock.now();
    const records = list.map((entry): OutboxRecord => {
      if (!isAuditAction(entry.action)) throw new Error(`unknown audit action ${String(entry.action)}`);
      const id = this.ids.next(now);
      const body = toCloudTrailBody(entry, id);
      return { id, at: now, actor: entry.actor.slice(0, 128), action: entry.action, sessionId: entry.sessionId ?? null, detail: JSON.stringify(body), body };
    });
    const eventIds = records.map((r) => r.id);
    if (this.chainedInTransactions && this.uow.inSqliteTransaction(m)) {
      this.holdWithin(m, records);
      return { insert: { sql: INSERT_OUTBOX_ROW, rows: [] }, eventIds };
    }
    this.uow.afterCommit(m, () => this.wake());
    for (const r of records) this.recentBodies.remember(r.id, r.detail, r.body!);
    const rows = records.map((r) => [r.id, r.at, r.actor, r.action, r.sessionId, r.detail]);
    return { insert: { sql: INSERT_OUTBOX_ROW, rows }, eventIds };
  }

  /**
   * SQLite, called by the chainer: from now on the records of a running transaction are held for
   * `takeWithin` instead of written to the outbox (the chainer has joined every transaction).
   */
  chainInTransactions(): void {
    this.chainedInTransactions = true;
  }

  /** Records to be chained in `m`'s transaction before it ends (the chainer's own outbox reads too). */
  holdWithin(m: EntityManager, records: OutboxRecord[]): void {
    const list = this.held.get(m);
    if (list) list.push(...records);
    else this.held.set(m, records);
  }

  /**
   * The body of an outbox row this process wrote, if `detail` is still exactly what it wrote and
   * the body is still kept (RecentAuditBodies): the chainer then need not parse `detail`.
   */
  bodyOf(id: string, detail: string): CloudTrailBody | undefined {
    return this.recentBodies.take(id, detail);
  }

  /** The records held for `m`'s transaction, in the order they were written; they are no longer held. */
  takeWithin(m: EntityManager): OutboxRecord[] {
    const list = this.held.get(m);
    if (!list) return [];
    this.held.delete(m);
    return list;
  }

  /** Writes the entries in a transaction of their own (reads and refusals: nothing else changes). */
  append(entries: AuditEntry | AuditEntry[]): Promise<string[]> {
    return this.uow.run((m) => this.appendWithin(m, entries));
  }

  /** The chainer subscribes here to run as soon as records commit. */
  onAppended(waker: () => void): () => void {
    this.wakers.add(waker);
    return () => this.wakers.delete(waker);
  }

  private wake(): void {
    for (const waker of this.wakers) waker();
  }
}
