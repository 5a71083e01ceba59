import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { VigilConfig } from '@vigil/config';
import { AuditOutbox, CommitGroupParticipant, OutboxRecord, UnitOfWork, insertRowsSql } from '@vigil/database';
import { AuditView, auditViewOfBody, derivedColumns, toAuditView } from './audit-view';
import { chainHash } from './hash-chain';

/** Outbox rows chained per transaction at most. */
const MAX_BATCH = 500;
/** Rows per INSERT statement (SQLite bounds the parameters of one statement). */
const INSERT_CHUNK = 60;
const EVENT_COLUMNS = 'seq, at, actor, action, session_id, detail, prev_hash, hash, event_id, event_name, event_source, user_name, source_ip, error_code, read_only';
const EVENT_ROW = `(${EVENT_COLUMNS.split(',').map(() => '?').join(', ')})`;
const INSERT_EVENT_ROW = `INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES ${EVENT_ROW}`;
const MOVE_HEAD = 'UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1';
/**
 * drainRecent reads the outbox from this long before the newest record this process chained.
 * Why not all of it: on PostgreSQL the outbox is a queue (rows inserted, then deleted once
 * chained), and until vacuum removes the deleted rows a read from its start wades through all of
 * them — measured at 21 ms a pass (a sequential scan of 80 MB) after a few seconds of 2,000
 * registry cycles/s. A record is in the window if its transaction committed within this long of
 * taking its id (uuid v7: the time comes first); the others wait for the next full pass.
 */
const RECENT_WINDOW_MS = 2_000;
/**
 * A pass woken by a local commit starts no sooner than this after the previous pass started. A
 * PostgreSQL pass costs six round trips whatever it carries (begin, the head's lock, the outbox
 * read, the write, the event rules, commit): under 2,000 registry cycles/s passes ran back to back,
 * ~65 a second with ~55 records each, and were half of the gateway's round trips to the database.
 * Spaced, each carries more; an idle gateway's record is still chained at once.
 */
export const RECENT_PASS_SPACING_MS = 25;
/** After a failed pass (database unreachable), the next one waits this long at first, doubling. */
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * Runs inside the transaction that chains records: whatever it writes commits with them or not
 * at all (libs/events creates its deliveries here, so no chained event is ever without them).
 */
export interface AuditChainHook {
  /** `records` builds the chained records' views when called (once: later calls return the same array). */
  onChained(m: EntityManager, records: () => AuditView[]): Promise<void>;
}

interface ChainHead {
  seq: number;
  hash: string;
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
 *
 * On SQLite the records of this process skip the outbox: the chainer joins every transaction
 * (UnitOfWork.joinSqliteTransactions): the records each transaction wrote get their places as it
 * ends, and the whole group's are written before its COMMIT, so a record is in the chain exactly
 * when its change commits. Every SQLite transaction holds the database's write lock (BEGIN
 * IMMEDIATE) already, so the head costs no extra waiting; it is read once per commit group and
 * written back once. The outbox is still read, for records written before the chainer joined (at
 * boot), by a process without a chainer, or by a process of an older version.
 */
@Injectable()
export class AuditChainer implements OnModuleInit, OnApplicationShutdown, CommitGroupParticipant {
  private readonly logger = new Logger(AuditChainer.name);
  private readonly hooks: AuditChainHook[] = [];
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** whether the queued pass must read the whole outbox (someone called drain()) */
  private queuedFull = false;
  /** PostgreSQL: the newest outbox id this process chained, where drainRecent's window ends */
  private newestChained: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** a spaced drainRecent waiting for its turn */
  private recentTimer: NodeJS.Timeout | null = null;
  private lastPassStartedAt = Number.NEGATIVE_INFINITY;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  /** SQLite: records are chained inside the transaction that wrote them (beforeRelease) */
  private inTransactions = false;
  /** SQLite: a commit group's records placed in the chain, and the head after them, until beforeCommit writes them */
  private readonly groupChains = new WeakMap<object, { head: ChainHead; params: unknown[][]; views: (() => AuditView)[] }>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: AuditOutbox,
    private readonly config: VigilConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.outbox.onAppended(() => this.drainRecentSpaced());
    if (this.uow.joinSqliteTransactions(this)) {
      this.inTransactions = true;
      this.outbox.chainInTransactions();
    }
    this.schedule(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.recentTimer) clearTimeout(this.recentTimer);
  }

  addHook(hook: AuditChainHook): void {
    this.hooks.push(hook);
  }

  /**
   * Chains every record committed before the call. A pass already running may have read the
   * outbox before such a record committed, so a caller arriving during a pass gets the next one.
   */
  drain(): Promise<void> {
    return this.request(true);
  }

  /**
   * After this process committed records: a pass over the recent end of the outbox only
   * (recentBound), which is where they are. drain() and the poll read it all, for what this
   * misses (another gateway's records, a transaction slower to commit than RECENT_WINDOW_MS).
   */
  private drainRecent(): Promise<void> {
    return this.request(false);
  }

  /** drainRecent, RECENT_PASS_SPACING_MS after the previous pass started at the soonest. */
  private drainRecentSpaced(): void {
    if (this.recentTimer || this.stopped) return;
    const wait = this.lastPassStartedAt + RECENT_PASS_SPACING_MS - performance.now();
    if (wait <= 0) {
      void this.drainRecent().catch(() => undefined);
      return;
    }
    this.recentTimer = setTimeout(() => {
      this.recentTimer = null;
      void this.drainRecent().catch(() => undefined);
    }, wait);
  }

  private request(full: boolean): Promise<void> {
    if (!this.running) {
      this.lastPassStartedAt = performance.now();
      this.running = this.passes(full).finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queuedFull ||= full;
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        const queuedFull = this.queuedFull;
        this.queuedFull = false;
        return this.request(queuedFull);
      });
    return this.queued;
  }

  private async passes(full: boolean): Promise<void> {
    try {
      while ((await this.chainBatch(full)) === MAX_BATCH) {
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

  /**
   * SQLite: gives the records `m`'s transaction wrote (AuditOutbox holds them) their places in
   * the chain, before it ends; beforeCommit writes them. Only computes: an INSERT here would run
   * inside the transaction's savepoint, where SQLite first copies every page it changes (the
   * savepoint's journal): for audit_events and its five indexes ~45 µs a record measured, against
   * ~10–15 µs a record in one INSERT of the whole group's records outside the savepoints.
   */
  async beforeRelease(m: EntityManager, group: object): Promise<void> {
    const records = this.outbox.takeWithin(m);
    if (records.length === 0) return;
    let state = this.groupChains.get(group);
    if (!state) {
      state = { head: await this.readHead(m), params: [], views: [] };
      this.groupChains.set(group, state);
    }
    const placed = this.place(state.head, records);
    state.head = placed.head;
    state.params.push(...placed.params);
    state.views.push(...placed.views);
  }

  /**
   * SQLite: the group's records into audit_events, their deliveries (hooks) and the head moved,
   * before the group commits: if any of it fails, no transaction of the group commits, so no
   * change is ever without its record.
   */
  async beforeCommit(m: EntityManager, group: object): Promise<void> {
    const state = this.groupChains.get(group);
    if (!state) return;
    await this.insertEvents(m, state.params);
    // the head right behind the records: a reader on this one connection (verify) sees them apart only briefly
    await this.uow.sql.run(m, MOVE_HEAD, [state.head.seq, state.head.hash]);
    await this.runHooks(m, state.views);
  }

  private chainBatch(full: boolean): Promise<number> {
    const { sql } = this.uow;
    return this.uow.run(async (m) => {
      if (this.inTransactions) {
        // SQLite: rows another process left in the outbox, chained by beforeRelease in this transaction
        const rows = await this.readOutbox(m);
        for (let i = 0; i < rows.length; i += 500) {
          const ids = rows.slice(i, i + 500).map((r) => r.id);
          await sql.run(m, `DELETE FROM audit_outbox WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
        }
        this.outbox.holdWithin(m, rows);
        return rows.length;
      }
      // PostgreSQL: the head's row lock makes this the one chainer across gateways
      const head = await this.readHead(m, ' FOR UPDATE');
      const rows = await this.readOutbox(m, full ? null : recentBound(this.newestChained));
      if (rows.length === 0) return 0;
      const placed = this.place(head, rows);
      // the records in, the outbox rows out, the head moved: one round trip (three distinct
      // tables; the ids were read under the head's lock, so no other chainer is moving them)
      await sql.runAll(m, [
        insertRowsSql({ sql: INSERT_EVENT_ROW, rows: placed.params }),
        { sql: 'DELETE FROM audit_outbox WHERE id = ANY(?::varchar[])', params: [rows.map((r) => r.id)] },
        { sql: MOVE_HEAD, params: [placed.head.seq, placed.head.hash] },
      ]);
      await this.runHooks(m, placed.views);
      const newest = rows[rows.length - 1].id;
      this.uow.afterCommit(m, () => {
        if (this.newestChained === null || newest > this.newestChained) this.newestChained = newest;
      });
      return rows.length;
    });
  }

  /** The hooks, with the views built only if one asks for them (most batches match no rule: none is enabled). */
  private async runHooks(m: EntityManager, views: (() => AuditView)[]): Promise<void> {
    let built: AuditView[] | null = null;
    const records = () => (built ??= views.map((view) => view()));
    for (const hook of this.hooks) await hook.onChained(m, records);
  }

  private async readHead(m: EntityManager, lock = ''): Promise<ChainHead> {
    const [head] = await this.uow.sql.rows<{ seq: string | number; hash: string }>(m, `SELECT seq, hash FROM audit_head WHERE id = 1${lock}`, []);
    if (!head) throw new Error('audit_head row missing: migrations did not run');
    return { seq: Number(head.seq), hash: head.hash };
  }

  /** The oldest outbox rows, or the oldest of those whose id sorts after `after`. */
  private async readOutbox(m: EntityManager, after: string | null = null): Promise<OutboxRecord[]> {
    const rows =
      after === null
        ? await this.uow.sql.rows<OutboxRow>(m, 'SELECT id, at, actor, action, session_id, detail FROM audit_outbox ORDER BY id LIMIT ?', [MAX_BATCH])
        : await this.uow.sql.rows<OutboxRow>(m, 'SELECT id, at, actor, action, session_id, detail FROM audit_outbox WHERE id > ? ORDER BY id LIMIT ?', [after, MAX_BATCH]);
    return rows.map((row) => ({
      id: row.id,
      at: Number(row.at),
      actor: row.actor,
      action: row.action,
      sessionId: row.session_id,
      detail: row.detail,
      body: this.outbox.bodyOf(row.id, row.detail),
    }));
  }

  /** The records' places after `head`: their audit_events rows, their views, and the head after them. */
  private place(head: ChainHead, records: OutboxRecord[]): { head: ChainHead; params: unknown[][]; views: (() => AuditView)[] } {
    let seq = head.seq;
    let hash = head.hash;
    const views: (() => AuditView)[] = [];
    const params: unknown[][] = [];
    for (const record of records) {
      const fields = { seq: ++seq, at: record.at, actor: record.actor, action: record.action, sessionId: record.sessionId, detail: record.detail };
      const prevHash = hash;
      hash = chainHash(prevHash, fields);
      // a record this process wrote carries its body (held, or remembered by the outbox):
      // no parsing back what was just serialised
      const body = record.body ?? null;
      const view = body ? null : toAuditView({ ...fields, hash });
      const derived = derivedColumns(body ?? view!);
      views.push(() => (body ? auditViewOfBody({ ...fields, hash }, body) : view!));
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
    return { head: { seq, hash }, params, views };
  }

  /** SQLite: the rows in statements of INSERT_CHUNK (SQLite bounds the parameters of one statement). */
  private async insertEvents(m: EntityManager, params: unknown[][]): Promise<void> {
    for (let i = 0; i < params.length; i += INSERT_CHUNK) {
      const chunk = params.slice(i, i + INSERT_CHUNK);
      await this.uow.sql.run(m, `INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES ${chunk.map(() => EVENT_ROW).join(', ')}`, chunk.flat());
    }
  }
}

/**
 * The smallest id prefix of a record written RECENT_WINDOW_MS before `newest`, or null (read all).
 * A uuid v7's first 48 bits are its Unix time in ms, in its first 12 hex digits (with a dash after
 * the eighth): every later id sorts after this prefix, every earlier one before it.
 */
export function recentBound(newest: string | null, windowMs = RECENT_WINDOW_MS): string | null {
  if (newest === null || !/^[0-9a-f]{8}-[0-9a-f]{4}/.test(newest)) return null;
  const ms = parseInt(newest.slice(0, 8) + newest.slice(9, 13), 16) - windowMs;
  if (ms <= 0) return null;
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}
