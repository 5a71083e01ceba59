import Database from 'better-sqlite3';
import { SEED } from '../registry/seed-access-log';

const TYPES = ['CONSOLE', 'WebSSO', 'ESSO', 'PAM', 'PAM_RDP', 'PAM_SSH'];

/**
 * The access-log rows bench/registry/seed-access-log.ts makes (same owners, users, clients and
 * shape), inserted by SQLite itself: one `INSERT … SELECT` over a recursive counter per chunk, no
 * per-row call from JavaScript. Row g ends at a point of the year given by a permutation of g, so
 * a run stopped after any chunk still spreads its rows over the whole year.
 */
export function bulkSeedSqliteChunk(db: Database.Database, from: number, to: number, plannedRows: number, now: number): void {
  const span = SEED.days * 24 * 3600_000;
  const step = span / plannedRows;
  const typeCase = `CASE x % 6 ${TYPES.map((t, i) => `WHEN ${i} THEN '${t}'`).join(' ')} END`;
  const end = `(${now - span} + CAST(((x * 7919) % ${plannedRows}) * ${step} AS INTEGER))`;
  db.prepare(
    `INSERT INTO access_log (id, agent_id, external_id, type, status, user_name, device, client, port, service_url,
       account_name, service_provider, owner, start_date, end_date, duration_seconds, end_reason)
     WITH RECURSIVE g(x) AS (SELECT ${from} UNION ALL SELECT x + 1 FROM g WHERE x < ${to - 1})
     SELECT printf('00000000-0000-4000-8000-%012x', x), 'seed-agent', 'seed-' || x, ${typeCase}, 'Terminated',
       'user-' || (x % ${SEED.users}), '10.0.' || (x % 250) || '.' || (x % 200), 'client-' || (x % ${SEED.clients}), 22,
       'ssh://client-' || (x % ${SEED.clients}), 'root', 'corp-idp', 'owner-' || (x % ${SEED.owners}),
       ${end} - 1800000, ${end}, 1800, 'ended'
     FROM g`,
  ).run();
}

export interface SeedOutcome {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** the budget ran out before `plannedRows` */
  stopped: boolean;
  /** the access log's secondary indexes, dropped for the inserts and built again after */
  indexes: number;
  indexSeconds: number;
}

/**
 * Seeds up to `plannedRows` in chunks, stopping when the next chunk would likely overrun
 * `budgetSeconds` (of inserting). The secondary indexes are dropped first and built again after
 * from their own stored definitions (one sorted build each instead of 10 M random B-tree inserts):
 * the schema the gateway made, whatever it is, is what the searches run on.
 */
export function bulkSeedSqlite(file: string, plannedRows: number, now: number, budgetSeconds: number, onChunk?: (rows: number, rate: number) => void): SeedOutcome {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // seeding only: the gateway is stopped, a crash here just means reseeding
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const chunk = 500_000;
  let rows = 0;
  db.pragma('cache_size = -262144'); // 256 MiB for the index builds
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_log' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  let indexSeconds = 0;
  try {
    while (rows < plannedRows) {
      const rate = rows / Math.max(elapsed(), 1e-3);
      if (rows > 0 && elapsed() + Math.min(chunk, plannedRows - rows) / rate > budgetSeconds) break;
      const to = Math.min(plannedRows, rows + chunk);
      db.transaction(() => bulkSeedSqliteChunk(db, rows, to, plannedRows, now))();
      rows = to;
      onChunk?.(rows, rows / elapsed());
    }
  } finally {
    const building = performance.now();
    for (const index of indexes) db.exec(index.sql);
    db.exec('ANALYZE');
    indexSeconds = (performance.now() - building) / 1000;
    db.close();
  }
  const seconds = elapsed();
  return { rows, seconds, rowsPerSecond: rows / seconds, stopped: rows < plannedRows, indexes: indexes.length, indexSeconds };
}
