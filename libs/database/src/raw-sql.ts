import type { EntityManager } from 'typeorm';

/** One write, `?` placeholders. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** Distinct combined statements kept (their texts vary only with the audit outbox's row count). */
const MAX_COMBINED = 256;

/**
 * Hand-written SQL for the registry's hot path (open, heartbeat, end), where TypeORM's query
 * builder cost more than the database work itself. Statements are written with `?` placeholders
 * and numbered (`$1`...) for PostgreSQL.
 */
export class RawSql {
  private readonly numbered = new Map<string, string>();
  private readonly combined = new Map<string, string>();

  constructor(private readonly postgres: boolean) {}

  text(sql: string): string {
    if (!this.postgres) return sql;
    let cached = this.numbered.get(sql);
    if (!cached) {
      let n = 0;
      cached = sql.replace(/\?/g, () => `$${++n}`);
      this.numbered.set(sql, cached);
    }
    return cached;
  }

  async rows<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
    const result = await m.queryRunner!.query(this.text(sql), params, true);
    return (result.records ?? []) as T[];
  }

  /** Executes a write; returns the number of rows it changed. */
  async run(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
    const result = await m.queryRunner!.query(this.text(sql), params, true);
    return result.affected ?? 0;
  }

  /**
   * Several writes in one round trip on PostgreSQL: one statement whose parts are data-modifying
   * CTEs (`WITH w0 AS (INSERT ...), w1 AS (DELETE ...) INSERT ...`), atomic like any statement.
   * On SQLite (in-process, no round trip to save) they run one after another. The parts of one
   * PostgreSQL statement do not see each other's changes: give it writes to distinct tables only.
   */
  async runAll(m: EntityManager, statements: SqlStatement[]): Promise<void> {
    if (!this.postgres || statements.length === 1) {
      for (const { sql, params } of statements) await this.run(m, sql, params);
      return;
    }
    if (statements.length === 0) return;
    const key = statements.map((s) => s.sql).join('\u0000');
    let text = this.combined.get(key);
    if (!text) {
      let n = 0;
      const numbered = statements.map((s) => s.sql.replace(/\?/g, () => `$${++n}`));
      const last = numbered.pop()!;
      text = `WITH ${numbered.map((sql, i) => `w${i} AS (${sql})`).join(', ')} ${last}`;
      if (this.combined.size >= MAX_COMBINED) this.combined.clear();
      this.combined.set(key, text);
    }
    await m.queryRunner!.query(text, statements.flatMap((s) => s.params), true);
  }

  /**
   * PostgreSQL only: `guard` (a write with RETURNING, at most one row) and single-row INSERTs that
   * happen only if the guard returned a row, as one statement (one round trip, atomic even
   * outside a transaction: UnitOfWork.runStatement). Returns the guard's rows: none means nothing
   * was written. The parts do not see each other's changes: distinct tables only.
   */
  async rowsIf<T>(m: EntityManager, guard: SqlStatement, inserts: SqlStatement[]): Promise<T[]> {
    if (!this.postgres) throw new Error('rowsIf is PostgreSQL only');
    const key = `if\u0000${guard.sql}\u0000${inserts.map((s) => s.sql).join('\u0000')}`;
    let text = this.combined.get(key);
    if (!text) {
      let n = 0;
      const number = (sql: string) => sql.replace(/\?/g, () => `$${++n}`);
      const parts = [`g AS (${number(guard.sql)})`];
      inserts.forEach((insert, i) => {
        const match = /^(INSERT INTO \w+ \([^)]*\)) VALUES \(([^)]*)\)$/.exec(insert.sql);
        if (!match) throw new Error(`rowsIf takes single-row INSERT ... VALUES (...) statements, not: ${insert.sql.slice(0, 60)}`);
        // INSERT ... SELECT: PostgreSQL types each parameter from its target column, as with VALUES
        parts.push(`w${i} AS (${number(`${match[1]} SELECT ${match[2]} FROM g`)})`);
      });
      text = `WITH ${parts.join(', ')} SELECT * FROM g`;
      if (this.combined.size >= MAX_COMBINED) this.combined.clear();
      this.combined.set(key, text);
    }
    const result = await m.queryRunner!.query(text, [guard.params, ...inserts.map((s) => s.params)].flat(), true);
    return (result.records ?? []) as T[];
  }
}
