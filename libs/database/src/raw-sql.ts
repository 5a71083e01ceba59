import { hash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** One write, `?` placeholders. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** Distinct combined statements kept (their texts vary only with the audit outbox's row count). */
const MAX_COMBINED = 256;

/**
 * PostgreSQL: statement texts run as named (prepared) statements at most, per process. Each pooled
 * connection keeps the ones it has run (a few KiB each on the server), so texts that vary with a
 * row count must not name an unbounded number of them; past this, texts run unnamed.
 */
const MAX_PREPARED = 200;

/** Many rows for one single-row `INSERT INTO t (cols) VALUES (?, ...)`, each row its params in that order. */
export interface InsertRows {
  sql: string;
  rows: unknown[][];
}

const SINGLE_ROW_INSERT = /^INSERT INTO (\w+) \(([^)]*)\) VALUES \(([^)]*)\)$/;

/** Parsed INSERTs and their many-row texts, by statement and filter: a handful of fixed texts. */
const manyRowTexts = new Map<string, { table: string; columns: string[]; sql: string }>();

function manyRowInsert(sql: string, where: string): { table: string; columns: string[]; sql: string } {
  const key = `${sql}\u0000${where}`;
  const cached = manyRowTexts.get(key);
  if (cached) return cached;
  const match = SINGLE_ROW_INSERT.exec(sql);
  if (!match) throw new Error(`takes single-row INSERT ... VALUES (...) statements, not: ${sql.slice(0, 60)}`);
  const columns = match[2].split(',').map((c) => c.trim());
  if (match[3].split(',').length !== columns.length) throw new Error(`columns and values differ in number: ${sql.slice(0, 60)}`);
  const table = match[1];
  const text = `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.map((c) => `r."${c}"`).join(', ')} FROM json_populate_recordset(NULL::${table}, ?::json) r${where}`;
  const parsed = { table, columns, sql: text };
  if (manyRowTexts.size >= MAX_COMBINED) manyRowTexts.clear();
  manyRowTexts.set(key, parsed);
  return parsed;
}

/**
 * A lone UTF-16 surrogate (a string cut inside an emoji) as U+FFFD, which is what a parameter
 * sent as UTF-8 becomes; in JSON it would be a `\ud83d` escape that PostgreSQL refuses, failing
 * the whole statement for one bad character.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SURROGATE = /[\ud800-\udfff]/;

function wellFormed(value: unknown): unknown {
  if (value === undefined) return null;
  return typeof value === 'string' && SURROGATE.test(value) ? value.replace(LONE_SURROGATE, '\ufffd') : value;
}

/**
 * PostgreSQL: the rows of a single-row INSERT as one parameter (a JSON array of objects by column
 * name) and the `INSERT ... SELECT` that inserts them all, `?` standing for that parameter.
 * `json_populate_recordset(NULL::table, ...)` types every value from the table's own column, as
 * `VALUES ($1, ...)` does, whatever the number of rows: one statement text for any batch size.
 */
export function insertRowsSql(insert: InsertRows, where = ''): SqlStatement {
  const { table, columns, sql } = manyRowInsert(insert.sql, where);
  const objects = insert.rows.map((row) => {
    if (row.length !== columns.length) throw new Error(`a row of ${row.length} values for ${columns.length} columns of ${table}`);
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) object[columns[i]] = wellFormed(row[i]);
    return object;
  });
  return { sql, params: [JSON.stringify(objects)] };
}

/** A named statement as node-postgres takes it. */
interface PreparedQuery {
  name: string;
  text: string;
}

/**
 * Hand-written SQL for the registry's hot path (open, heartbeat, end), where TypeORM's query
 * builder cost more than the database work itself. Statements are written with `?` placeholders
 * and numbered (`$1`...) for PostgreSQL.
 */
export class RawSql {
  private readonly numbered = new Map<string, string>();
  private readonly combined = new Map<string, string>();
  private readonly prepared = new Map<string, PreparedQuery>();

  private readonly preparedStatements: boolean;

  constructor(
    private readonly postgres: boolean,
    /** PostgreSQL: run statements named (default); off for a pooler that does not keep them */
    options: { preparedStatements?: boolean } = {},
  ) {
    this.preparedStatements = postgres && options.preparedStatements !== false;
  }

  /**
   * PostgreSQL: the text as a named statement, so each connection parses and plans it once, not
   * on every execution: planning the registry's multi-CTE writes measured ~15 % of their server
   * time (pg_stat_statements with track_planning). node-postgres prepares a named query on a
   * connection the first time and then only binds and executes it. TypeORM's query runner takes
   * the query as a string and passes it to node-postgres as it is, which also accepts a query
   * object: its error wrapping and structured result stay. SQLite (better-sqlite3 caches its
   * prepared statements itself) gets the text, and so does PostgreSQL with them off.
   */
  private query(text: string): string {
    if (!this.preparedStatements) return text;
    let named = this.prepared.get(text);
    if (!named) {
      if (this.prepared.size >= MAX_PREPARED) return text;
      // named by the text itself: another RawSql on the same pooled connection names it alike
      named = { name: `vigil_${hash('sha1', text).slice(0, 24)}`, text };
      this.prepared.set(text, named);
    }
    return named as unknown as string;
  }

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
    const result = await m.queryRunner!.query(this.query(this.text(sql)), params, true);
    return (result.records ?? []) as T[];
  }

  /** Executes a write; returns the number of rows it changed. */
  async run(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
    const result = await m.queryRunner!.query(this.query(this.text(sql)), params, true);
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
    await m.queryRunner!.query(this.query(text), statements.flatMap((s) => s.params), true);
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
    const result = await m.queryRunner!.query(this.query(text), [guard.params, ...inserts.map((s) => s.params)].flat(), true);
    return (result.records ?? []) as T[];
  }

  /**
   * PostgreSQL only, rowsIf for a batch: `guard` (a write with RETURNING `guardKey`, any number of
   * rows) and many-row INSERTs, each row kept only if its `match` column is one of the keys the
   * guard returned; one statement (one round trip, one commit outside a transaction), atomic.
   * Returns the guard's rows. Distinct tables only, as for rowsIf.
   */
  async rowsIfMany<T>(m: EntityManager, guard: SqlStatement, guardKey: string, inserts: (InsertRows & { match: string })[]): Promise<T[]> {
    if (!this.postgres) throw new Error('rowsIfMany is PostgreSQL only');
    const parts = [guard, ...inserts.filter((i) => i.rows.length > 0).map((i) => insertRowsSql(i, ` WHERE r."${i.match}" IN (SELECT "${guardKey}" FROM g)`))];
    const key = `many\u0000${parts.map((p) => p.sql).join('\u0000')}`;
    let text = this.combined.get(key);
    if (!text) {
      let n = 0;
      const number = (sql: string) => sql.replace(/\?/g, () => `$${++n}`);
      text = `WITH g AS (${number(parts[0].sql)})${parts
        .slice(1)
        .map((part, i) => `, w${i} AS (${number(part.sql)})`)
        .join('')} SELECT * FROM g`;
      if (this.combined.size >= MAX_COMBINED) this.combined.clear();
      this.combined.set(key, text);
    }
    const result = await m.queryRunner!.query(this.query(text), parts.flatMap((p) => p.params), true);
    return (result.records ?? []) as T[];
  }
}
