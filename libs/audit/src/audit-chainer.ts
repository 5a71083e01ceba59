import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox, UnitOfWork, insertRowsSql } from '@vigil/database';
import { AuditView, derivedColumns, toAuditView } from './audit-view';
import { chainHash } from './hash-chain';

/** Outbox rows chained per transaction at most. */
const MAX_BATCH = 500;
/** Rows per INSERT statement (SQLite bounds the parameters of one statement). */
const INSERT_CHUNK = 60;
const EVENT_COLUMNS = 'seq, at, actor, action, session_id, detail, prev_hash, hash, event_id, event_name, event_source, user_name, source_ip, error_code, read_only';
/** After a failed pass (database unreachable), the next one waits this long at first, doubling. */
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * Runs inside the transaction that chains records: whatever it writes commits with them or not
 * at all (libs/events creates its deliveries here, so no chained event is ever without them).
 */
export interface AuditChainHook {
  onChained(m: EntityManager, records: AuditView[]): Promise<void>;
}

interface OutboxRow {
  id: string;
  at: string | number;
  actor: string;
  action: string;
  session_id: string | null;
  detail: string;
}

/**
 * Moves committed records from the transactional outbox into the hash chain. Each pass locks the
 * chain's head (FOR UPDATE on PostgreSQL: one chainer at a time across gateways, one sequence),
 * takes the oldest outbox rows, appends them with their hashes, deletes them from the outbox and
 * moves the head, all in one transaction. Writers never wait for this: their record is already
 * durable in the outbox. Wakes when this process commits a record, polls for other processes'.
 */
@Injectable()
export class AuditChainer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuditChainer.name);
  private readonly hooks: AuditChainHook[] = [];
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
    private readonly config: VigilConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.outbox.onAppended(() => void this.drain().catch(() => undefined));
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
  }

  addHook(hook: AuditChainHook): void {
    this.hooks.push(hook);
  }

  /**
   * Chains every record committed before the call. A pass already running may have read the
   * outbox before such a record committed, so a caller arriving during a pass gets the next one.
   */
  drain(): Promise<void> {
    if (!this.running) {
      this.running = this.passes().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.drain();
      });
    return this.queued;
  }

  private async passes(): Promise<void> {
    try {
      while ((await this.chainBatch()) === MAX_BATCH) {
        // a full batch: more may be waiting
      }
      this.retryMs = RETRY_MIN_MS;
    } catch (error) {
      this.logger.warn(`chaining audit records failed, retrying in ${this.retryMs} ms: ${(error as Error).message}`);
      this.schedule(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      throw error;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain()
        .catch(() => undefined)
        .finally(() => this.schedule(this.config.audit.chainPollMs));
    }, delayMs);
    this.timer.unref();
  }

  private chainBatch(): Promise<number> {
    const { sql } = this.uow;
    return this.uow.run(async (m) => {
      const lock = this.uow.isPostgres ? ' FOR UPDATE' : '';
      const [head] = await sql.rows<{ seq: string | number; hash: string }>(m, `SELECT seq, hash FROM audit_head WHERE id = 1${lock}`, []);
      if (!head) throw new Error('audit_head row missing: migrations did not run');
      const rows = await sql.rows<OutboxRow>(m, 'SELECT id, at, actor, action, session_id, detail FROM audit_outbox ORDER BY id LIMIT ?', [MAX_BATCH]);
      if (rows.length === 0) return 0;

      let seq = Number(head.seq);
      let hash = head.hash;
      const views: AuditView[] = [];
      const params: unknown[][] = [];
      for (const row of rows) {
        const fields = { seq: ++seq, at: Number(row.at), actor: row.actor, action: row.action, sessionId: row.session_id, detail: row.detail };
        const prevHash = hash;
        hash = chainHash(prevHash, fields);
        const view = toAuditView({ ...fields, hash });
        const derived = derivedColumns(view);
        views.push(view);
        params.push([
          fields.seq,
          fields.at,
          fields.actor,
          fields.action,
          fields.sessionId,
          fields.detail,
          prevHash,
          hash,
          derived.eventId,
          derived.eventName,
          derived.eventSource,
          derived.userName,
          derived.sourceIp,
          derived.errorCode,
          this.uow.isPostgres ? derived.readOnly : derived.readOnly === null ? null : Number(derived.readOnly),
        ]);
      }
      const moveHead = { sql: 'UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', params: [seq, hash] };
      if (this.uow.isPostgres) {
        // the records in, the outbox rows out, the head moved: one round trip (three distinct
        // tables; the ids were read under the head's lock, so no other chainer is moving them)
        await sql.runAll(m, [
          insertRowsSql({ sql: `INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES (${EVENT_COLUMNS.split(',').map(() => '?').join(', ')})`, rows: params }),
          { sql: 'DELETE FROM audit_outbox WHERE id = ANY(?::varchar[])', params: [rows.map((r) => r.id)] },
          moveHead,
        ]);
      } else {
        for (let i = 0; i < params.length; i += INSERT_CHUNK) {
          const chunk = params.slice(i, i + INSERT_CHUNK);
          await sql.run(m, `INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, chunk.flat());
        }
        for (let i = 0; i < rows.length; i += 500) {
          const ids = rows.slice(i, i + 500).map((r) => r.id);
          await sql.run(m, `DELETE FROM audit_outbox WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
        }
        await sql.run(m, moveHead.sql, moveHead.params);
      }
      for (const hook of this.hooks) await hook.onChained(m, views);
      return rows.length;
    });
  }
}
