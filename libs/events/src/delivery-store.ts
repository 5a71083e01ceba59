import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MonotonicUuidv7 } from '@vigil/common';
import { UnitOfWork } from '@vigil/database';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A delivery to create: one (envelope, rule, target). */
export interface NewDelivery {
  ruleId: string;
  targetId: string;
  eventId: string;
  detailType: string;
  auditSeq: number;
  subSeq: number;
  orderKey: string;
  envelope: string;
}

/** A delivery this gateway holds the lease of. */
export interface ClaimedDelivery {
  id: string;
  ruleId: string;
  targetId: string;
  eventId: string;
  envelope: string;
  /** including the attempt about to be made */
  attempts: number;
  firstAttemptAt: number;
  createdAt: number;
}

export interface AttemptOutcome {
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface SettleItem {
  delivery: ClaimedDelivery;
  outcome: AttemptOutcome;
  settlement: Settlement;
}

/** What becomes of a delivery after an attempt. */
export type Settlement =
  | { status: 'delivered' }
  | { status: 'pending'; nextAttemptAt: number }
  | { status: 'dead' }
  /** its rule was deleted: the row goes, like the rule's other deliveries */
  | { status: 'dropped' };

export interface DeliveryView {
  id: string;
  ruleId: string;
  targetId: string;
  eventId: string;
  detailType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface AttemptView {
  attempt: number;
  at: string;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
}

export interface DeliveryFilter {
  ruleId?: string;
  status?: DeliveryStatus;
  limit: number;
  /** id of the last row served: rows older than it */
  beforeId?: string;
}

interface DeliveryRow {
  id: string;
  rule_id: string;
  target_id: string;
  event_id: string;
  detail_type: string;
  status: DeliveryStatus;
  attempts: number | string;
  next_attempt_at: number | string;
  last_status_code: number | null;
  last_error: string | null;
  last_latency_ms: number | null;
  created_at: number | string;
  delivered_at: number | string | null;
}

interface ClaimRow {
  id: string;
  rule_id: string;
  target_id: string;
  event_id: string;
  envelope: string;
  attempts: number | string;
  first_attempt_at: number | string;
  created_at: number | string;
}

/** Rows per INSERT (SQLite bounds the parameters of one statement: 11 each). */
const INSERT_CHUNK = 80;
const ERROR_LENGTH = 512;

/**
 * Only the oldest pending delivery of a (target, order key) may be attempted: a session's events
 * reach a target in order even across retries and gateways. Delivered and dead rows do not block.
 */
const HEAD_OF_ITS_QUEUE = `NOT EXISTS (
  SELECT 1 FROM event_deliveries p
  WHERE p.target_id = d.target_id AND p.order_key = d.order_key AND p.status = 'pending'
    AND (p.audit_seq < d.audit_seq OR (p.audit_seq = d.audit_seq AND p.sub_seq < d.sub_seq)))`;

const CLAIM_RETURNS = 'id, rule_id, target_id, event_id, envelope, attempts, first_attempt_at, created_at';

/** `event_deliveries` and `event_delivery_attempts`; every dialect branch of libs/events is here. */
@Injectable()
export class DeliveryStore {
  private readonly ids = new MonotonicUuidv7();

  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** In the chaining transaction; a (event, rule, target) already there is left as it is. */
  async insertWithin(m: EntityManager, deliveries: NewDelivery[], now: number): Promise<void> {
    for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
      const chunk = deliveries.slice(i, i + INSERT_CHUNK);
      const params = chunk.flatMap((d) => [this.ids.next(now), d.ruleId, d.targetId, d.eventId, d.detailType, d.auditSeq, d.subSeq, d.orderKey, now, now, d.envelope]);
      await this.uow.sql.run(
        m,
        'INSERT INTO event_deliveries (id, rule_id, target_id, event_id, detail_type, audit_seq, sub_seq, order_key, next_attempt_at, created_at, envelope, status, attempts) VALUES ' +
          chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0)").join(', ') +
          ' ON CONFLICT DO NOTHING',
        params,
      );
    }
  }

  /**
   * Leases up to `limit` due deliveries for `owner` and counts their attempt, in the caller's
   * transaction. PostgreSQL: one UPDATE ... RETURNING over rows locked with SKIP LOCKED, so
   * gateways claiming at once never take the same row and never wait for each other. SQLite: the
   * UnitOfWork serialises writers (BEGIN IMMEDIATE across processes), so a select then an update
   * is atomic.
   */
  async claimWithin(m: EntityManager, owner: string, now: number, leaseMs: number, limit: number, skipTargets: string[]): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const skip = skipTargets.length > 0 ? ` AND d.target_id NOT IN (${skipTargets.map(() => '?').join(', ')})` : '';
    const due = `d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?) AND ${HEAD_OF_ITS_QUEUE}${skip}`;
    const dueParams = [now, now, ...skipTargets];
    const set = 'lease_until = ?, leased_by = ?, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?)';
    const setParams = [now + leaseMs, owner, now];
    let rows: ClaimRow[];
    if (this.uow.isPostgres) {
      // The planner, misled by a queue's fast-moving statistics, prefers a bitmap scan plus a
      // sort of every due row; the ordered index scan stops at LIMIT and skips dead entries.
      await this.uow.sql.run(m, 'SET LOCAL enable_bitmapscan = off', []);
      rows = await this.uow.sql.rows<ClaimRow>(
        m,
        `UPDATE event_deliveries SET ${set} WHERE id IN (
           SELECT d.id FROM event_deliveries d WHERE ${due}
           ORDER BY d.next_attempt_at, d.audit_seq, d.sub_seq LIMIT ? FOR UPDATE OF d SKIP LOCKED)
         RETURNING ${CLAIM_RETURNS}`,
        [...setParams, ...dueParams, limit],
      );
    } else {
      const ids = await this.uow.sql.rows<{ id: string }>(m, `SELECT d.id FROM event_deliveries d WHERE ${due} ORDER BY d.next_attempt_at, d.audit_seq, d.sub_seq LIMIT ?`, [...dueParams, limit]);
      if (ids.length === 0) return [];
      const list = ids.map((r) => r.id);
      await this.uow.sql.run(m, `UPDATE event_deliveries SET ${set} WHERE id IN (${list.map(() => '?').join(', ')})`, [...setParams, ...list]);
      rows = await this.uow.sql.rows<ClaimRow>(m, `SELECT ${CLAIM_RETURNS} FROM event_deliveries WHERE id IN (${list.map(() => '?').join(', ')})`, list);
    }
    return rows.map((r) => ({
      id: r.id,
      ruleId: r.rule_id,
      targetId: r.target_id,
      eventId: r.event_id,
      envelope: r.envelope,
      attempts: Number(r.attempts),
      firstAttemptAt: Number(r.first_attempt_at),
      createdAt: Number(r.created_at),
    }));
  }

  /**
   * Records attempts and what they made of their deliveries, in the caller's transaction (the
   * worker writes a batch of them at once). A success counts even if our lease ran out meanwhile
   * (the receiver has the event); a failure only while we still hold the lease (else the gateway
   * that took the row over decides). Returns, per item, whether the delivery was changed.
   */
  async settleWithin(m: EntityManager, owner: string, items: SettleItem[]): Promise<boolean[]> {
    const dropped = items.filter((i) => i.settlement.status === 'dropped').map((i) => i.delivery.id);
    if (dropped.length > 0) await this.uow.sql.run(m, `DELETE FROM event_deliveries WHERE id IN (${dropped.map(() => '?').join(', ')})`, dropped);
    const kept = items.filter((i) => i.settlement.status !== 'dropped');
    const values = (item: SettleItem) => {
      const { outcome, settlement } = item;
      return [
        item.delivery.id,
        settlement.status,
        settlement.status === 'pending' ? settlement.nextAttemptAt : outcome.at,
        outcome.statusCode,
        clip(outcome.error),
        outcome.latencyMs,
        settlement.status === 'delivered' ? outcome.at : null,
      ];
    };
    const changedIds = new Set<string>(dropped);
    if (this.uow.isPostgres) {
      // one statement for the whole batch: each row a round trip would cost more than the update
      for (let i = 0; i < kept.length; i += INSERT_CHUNK) {
        const chunk = kept.slice(i, i + INSERT_CHUNK);
        const rows = await this.uow.sql.rows<{ id: string }>(
          m,
          `UPDATE event_deliveries d SET status = v.status, next_attempt_at = v.next_at, lease_until = NULL, leased_by = NULL,
             last_status_code = v.code, last_error = v.error, last_latency_ms = v.latency, delivered_at = v.delivered_at
           FROM (VALUES ${chunk.map(() => '(?::varchar, ?::varchar, ?::bigint, ?::integer, ?::varchar, ?::integer, ?::bigint)').join(', ')})
             AS v(id, status, next_at, code, error, latency, delivered_at)
           WHERE d.id = v.id AND d.status = 'pending' AND (v.status = 'delivered' OR d.leased_by = ?)
           RETURNING d.id`,
          [...chunk.flatMap(values), owner],
        );
        for (const r of rows) changedIds.add(r.id);
      }
    } else {
      for (const item of kept) {
        const ownership = item.settlement.status === 'delivered' ? '' : ' AND leased_by = ?';
        const n = await this.uow.sql.run(
          m,
          `UPDATE event_deliveries SET status = ?, next_attempt_at = ?, lease_until = NULL, leased_by = NULL, last_status_code = ?, last_error = ?, last_latency_ms = ?, delivered_at = ?
           WHERE id = ? AND status = 'pending'${ownership}`,
          [...values(item).slice(1), item.delivery.id, ...(ownership ? [owner] : [])],
        );
        if (n > 0) changedIds.add(item.delivery.id);
      }
    }
    for (let i = 0; i < kept.length; i += INSERT_CHUNK) {
      const chunk = kept.slice(i, i + INSERT_CHUNK);
      await this.uow.sql.run(
        m,
        'INSERT INTO event_delivery_attempts (id, delivery_id, attempt, at, status_code, latency_ms, error, gateway) VALUES ' + chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', '),
        chunk.flatMap(({ delivery, outcome }) => [this.ids.next(outcome.at), delivery.id, delivery.attempts, outcome.at, outcome.statusCode, outcome.latencyMs, clip(outcome.error), owner.slice(0, 64)]),
      );
    }
    return items.map((item) => changedIds.has(item.delivery.id));
  }

  /** Dead deliveries back to pending with a fresh retry budget; the attempt log stays. */
  async redriveWithin(m: EntityManager, selector: { ids?: string[]; ruleId?: string }, now: number): Promise<number> {
    const where: string[] = ["status = 'dead'"];
    const params: unknown[] = [now];
    if (selector.ids) {
      where.push(`id IN (${selector.ids.map(() => '?').join(', ')})`);
      params.push(...selector.ids);
    }
    if (selector.ruleId) {
      where.push('rule_id = ?');
      params.push(selector.ruleId);
    }
    return this.uow.sql.run(
      m,
      `UPDATE event_deliveries SET status = 'pending', attempts = 0, first_attempt_at = NULL, next_attempt_at = ?, lease_until = NULL, leased_by = NULL WHERE ${where.join(' AND ')}`,
      params,
    );
  }

  /** With the rule: its deliveries (pending ones would have nowhere to go) and their log. */
  async deleteForRuleWithin(m: EntityManager, ruleId: string): Promise<void> {
    await this.uow.sql.run(m, 'DELETE FROM event_delivery_attempts WHERE delivery_id IN (SELECT id FROM event_deliveries WHERE rule_id = ?)', [ruleId]);
    await this.uow.sql.run(m, 'DELETE FROM event_deliveries WHERE rule_id = ?', [ruleId]);
  }

  async list(filter: DeliveryFilter): Promise<DeliveryView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.ruleId) {
      where.push('rule_id = ?');
      params.push(filter.ruleId);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.beforeId) {
      where.push('id < ?');
      params.push(filter.beforeId);
    }
    const rows = await this.read<DeliveryRow>(
      `SELECT id, rule_id, target_id, event_id, detail_type, status, attempts, next_attempt_at, last_status_code, last_error, last_latency_ms, created_at, delivered_at
       FROM event_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...params, filter.limit],
    );
    return rows.map(toDeliveryView);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.read<{ id: string }>('SELECT id FROM event_deliveries WHERE id = ?', [id])).length > 0;
  }

  async attempts(deliveryId: string): Promise<AttemptView[]> {
    const rows = await this.read<{ attempt: number | string; at: number | string; status_code: number | null; latency_ms: number | null; error: string | null }>(
      'SELECT attempt, at, status_code, latency_ms, error FROM event_delivery_attempts WHERE delivery_id = ? ORDER BY id LIMIT 1000',
      [deliveryId],
    );
    return rows.map((r) => ({ attempt: Number(r.attempt), at: new Date(Number(r.at)).toISOString(), statusCode: r.status_code === null ? null : Number(r.status_code), latencyMs: r.latency_ms === null ? null : Number(r.latency_ms), error: r.error }));
  }

  async countPending(): Promise<number> {
    const [row] = await this.read<{ n: number | string }>("SELECT COUNT(*) AS n FROM event_deliveries WHERE status = 'pending'", []);
    return Number(row?.n ?? 0);
  }

  private read<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.query(this.uow.sql.text(sql), params);
  }
}

function clip(error: string | null): string | null {
  return error === null ? null : error.slice(0, ERROR_LENGTH);
}

function toDeliveryView(r: DeliveryRow): DeliveryView {
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    ruleId: r.rule_id,
    targetId: r.target_id,
    eventId: r.event_id,
    detailType: r.detail_type,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' ? new Date(Number(r.next_attempt_at)).toISOString() : null,
    lastStatusCode: num(r.last_status_code),
    lastError: r.last_error,
    lastLatencyMs: num(r.last_latency_ms),
    createdAt: new Date(Number(r.created_at)).toISOString(),
    deliveredAt: r.delivered_at === null ? null : new Date(Number(r.delivered_at)).toISOString(),
  };
}
