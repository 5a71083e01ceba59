import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from '@vigil/database';
import { EventRule, StoredTarget } from './event-rule';

interface RuleRow {
  id: string;
  name: string;
  description: string | null;
  event_pattern: string;
  enabled: boolean | number;
  targets: string;
  created_at: string | number;
  updated_at: string | number;
}

const COLUMNS = 'id, name, description, event_pattern, enabled, targets, created_at, updated_at';

/** `event_rules`, in both dialects. Writes take the caller's transaction (with its audit record). */
@Injectable()
export class RuleStore {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async insert(m: EntityManager, rule: EventRule): Promise<void> {
    await this.uow.sql.run(m, `INSERT INTO event_rules (${COLUMNS}, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [...this.values(rule), rule.name.toLowerCase()]);
  }

  async update(m: EntityManager, rule: EventRule): Promise<void> {
    await this.uow.sql.run(m, 'UPDATE event_rules SET name = ?, name_key = ?, description = ?, event_pattern = ?, enabled = ?, targets = ?, updated_at = ? WHERE id = ?', [
      rule.name,
      rule.name.toLowerCase(),
      rule.description,
      JSON.stringify(rule.eventPattern),
      this.bool(rule.enabled),
      JSON.stringify(rule.targets),
      rule.updatedAt,
      rule.id,
    ]);
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await this.uow.sql.run(m, 'DELETE FROM event_rules WHERE id = ?', [id]);
  }

  /** Inside a transaction: the row as that transaction sees it (PostgreSQL: locked for the change). */
  async getWithin(m: EntityManager, id: string): Promise<EventRule | null> {
    const lock = this.uow.isPostgres ? ' FOR UPDATE' : '';
    const [row] = await this.uow.sql.rows<RuleRow>(m, `SELECT ${COLUMNS} FROM event_rules WHERE id = ?${lock}`, [id]);
    return row ? toRule(row) : null;
  }

  /** The rules of the deliveries just claimed, in the claiming transaction. */
  async getManyWithin(m: EntityManager, ids: string[]): Promise<EventRule[]> {
    if (ids.length === 0) return [];
    return (await this.uow.sql.rows<RuleRow>(m, `SELECT ${COLUMNS} FROM event_rules WHERE id IN (${ids.map(() => '?').join(', ')})`, ids)).map(toRule);
  }

  async nameTaken(m: EntityManager, name: string, exceptId: string | null): Promise<boolean> {
    const rows = await this.uow.sql.rows<{ id: string }>(m, 'SELECT id FROM event_rules WHERE name_key = ?', [name.toLowerCase()]);
    return rows.some((r) => r.id !== exceptId);
  }

  /**
   * Enabled rules' ids and versions, in the chaining transaction (compiled patterns are cached by
   * version). PostgreSQL: FOR SHARE, so a rule being changed or deleted (FOR UPDATE) and the
   * deliveries made from it are ordered: a delete never misses deliveries inserted behind it.
   */
  async enabledWithin(m: EntityManager): Promise<RuleRowVersion[]> {
    const share = this.uow.isPostgres ? ' FOR SHARE' : '';
    const rows = await this.uow.sql.rows<{ id: string; updated_at: string | number; event_pattern: string; targets: string }>(
      m,
      `SELECT id, updated_at, event_pattern, targets FROM event_rules WHERE enabled = ?${share}`,
      [this.bool(true)],
    );
    return rows.map((r) => ({ id: r.id, updatedAt: Number(r.updated_at), eventPattern: r.event_pattern, targets: r.targets }));
  }

  async get(id: string): Promise<EventRule | null> {
    const [row] = await this.read(`SELECT ${COLUMNS} FROM event_rules WHERE id = ?`, [id]);
    return row ? toRule(row) : null;
  }

  async list(): Promise<EventRule[]> {
    return (await this.read(`SELECT ${COLUMNS} FROM event_rules ORDER BY name_key`, [])).map(toRule);
  }

  private read(sql: string, params: unknown[]): Promise<RuleRow[]> {
    return this.dataSource.query(this.uow.sql.text(sql), params);
  }

  private values(rule: EventRule): unknown[] {
    return [rule.id, rule.name, rule.description, JSON.stringify(rule.eventPattern), this.bool(rule.enabled), JSON.stringify(rule.targets), rule.createdAt, rule.updatedAt];
  }

  private bool(value: boolean): boolean | number {
    return this.uow.isPostgres ? value : Number(value);
  }
}

export interface RuleRowVersion {
  id: string;
  updatedAt: number;
  eventPattern: string;
  targets: string;
}

function toRule(row: RuleRow): EventRule {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    eventPattern: JSON.parse(row.event_pattern) as Record<string, unknown>,
    enabled: row.enabled === true || Number(row.enabled) === 1,
    targets: JSON.parse(row.targets) as StoredTarget[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
