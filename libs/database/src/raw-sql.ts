import type { EntityManager } from 'typeorm';

/**
 * Hand-written SQL for the registry's hot path (open, heartbeat, end), where TypeORM's query
 * builder cost more than the database work itself. Statements are written with `?` placeholders
 * and numbered (`$1`...) for PostgreSQL.
 */
export class RawSql {
  private readonly numbered = new Map<string, string>();

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
}
