import Database from 'better-sqlite3';
import { activeDuringClause, escapeLike, matchClause, type MatchMode, type SqlFragment } from './access-log-match';

/** A real SQLite table, so the fragments are judged by what they match, not by how they read. */
function table(rows: { name: string; provider?: string; start?: number; end?: number }[]) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (name TEXT, provider TEXT, startDate INTEGER, endDate INTEGER)');
  db.exec('CREATE INDEX ix_t_name_lower ON t (lower(name))');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  for (const r of rows) insert.run(r.name, r.provider ?? null, r.start ?? 0, r.end ?? 0);
  const names = (f: SqlFragment) => (db.prepare(`SELECT name FROM t AS e WHERE ${f.sql} ORDER BY rowid`).all(f.params) as { name: string }[]).map((r) => r.name);
  return { db, names };
}

const NAMES = ['alice', 'Alina', 'ALI', 'bob', 'xali', 'al%ce', 'al_ce', 'alxce', 'a\\b', 'a\\\\b', '%'];
const match = (mode: MatchMode, value: string, columns = ['e.name']) => matchClause('sqlite', columns, { mode, value }, 'user');

describe('escapeLike', () => {
  it('escapes the escape character and both wildcards, nothing else', () => {
    expect(escapeLike('50%_off\\x*?')).toBe('50\\%\\_off\\\\x*?');
  });
});

describe('matchClause on SQLite (executed)', () => {
  const { names } = table(NAMES.map((name) => ({ name })));

  it('prefix is case-insensitive and anchored at the start', () => {
    expect(names(match('prefix', 'ali'))).toEqual(['alice', 'Alina', 'ALI']);
    expect(names(match('prefix', 'ALIC'))).toEqual(['alice']);
  });

  it('contains is case-insensitive anywhere', () => {
    expect(names(match('contains', 'li'))).toEqual(['alice', 'Alina', 'ALI', 'xali']);
  });

  it('exact stays case-sensitive equality', () => {
    expect(names(match('exact', 'alice'))).toEqual(['alice']);
    expect(names(match('exact', 'ALICE'))).toEqual([]);
  });

  it.each(['prefix', 'contains'] as const)("%s: an attacker's % or _ matches only itself, never everything", (mode) => {
    expect(names(match(mode, '%'))).toEqual(mode === 'prefix' ? ['%'] : ['al%ce', '%']);
    // unescaped, `_%` would match every name
    expect(names(match(mode, '_'))).toEqual(mode === 'prefix' ? [] : ['al_ce']);
    expect(names(match(mode, 'al%'))).toEqual(['al%ce']);
    expect(names(match(mode, 'al_'))).toEqual(['al_ce']);
    // a backslash is literal too: it cannot escape the % the query appends
    expect(names(match(mode, 'a\\'))).toEqual(['a\\b', 'a\\\\b']);
    expect(names(match(mode, 'a\\\\'))).toEqual(['a\\\\b']);
  });

  it('several columns match if any does (user or service provider)', () => {
    const t = table([{ name: 'c1', provider: 'db-01' }, { name: 'db-02' }, { name: 'web', provider: 'web' }]);
    expect(t.names(match('prefix', 'db-', ['e.name', 'e.provider']))).toEqual(['c1', 'db-02']);
  });

  it('a prefix search is an index range on lower(column), not a scan', () => {
    const { db } = table(NAMES.map((name) => ({ name })));
    const f = match('prefix', 'ali');
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT name FROM t AS e WHERE ${f.sql}`).all(f.params) as { detail: string }[]).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/SEARCH e USING INDEX ix_t_name_lower \(<expr>>\? AND <expr><\?\)/);
    // while contains cannot use it
    const c = match('contains', 'ali');
    const scan = (db.prepare(`EXPLAIN QUERY PLAN SELECT name FROM t AS e WHERE ${c.sql}`).all(c.params) as { detail: string }[]).map((r) => r.detail);
    expect(scan.join('\n')).toMatch(/SCAN e/);
  });
});

describe('matchClause on PostgreSQL (as sent; executed by test/access-log-search.e2e-spec.ts)', () => {
  it('prefix is a plain LIKE on LOWER(column), without ESCAPE, so the planner sees the literal prefix', () => {
    expect(matchClause('postgres', ['e.user'], { mode: 'prefix', value: 'Al%_' }, 'user')).toEqual({
      sql: 'LOWER(e.user) LIKE :user',
      params: { user: 'al\\%\\_%' },
    });
  });

  it('contains wraps the escaped text in % on every column', () => {
    expect(matchClause('postgres', ['e.client', 'e.serviceProvider'], { mode: 'contains', value: '_' }, 'target')).toEqual({
      sql: "(LOWER(e.client) LIKE :target ESCAPE '\\' OR LOWER(e.serviceProvider) LIKE :target ESCAPE '\\')",
      params: { target: '%\\_%' },
    });
  });
});

describe('activeDuringClause: From/To mean "active during"', () => {
  const HOUR = 3600_000;
  const from = 10 * HOUR;
  const to = 12 * HOUR;
  const sessions = [
    { name: 'ended before from', start: 7 * HOUR, end: 9 * HOUR },
    { name: 'ended exactly at from', start: 8 * HOUR, end: from },
    { name: 'started before from, ended inside', start: 9 * HOUR, end: 11 * HOUR },
    { name: 'inside', start: 10.5 * HOUR, end: 11 * HOUR },
    { name: 'spans the whole window', start: 8 * HOUR, end: 14 * HOUR },
    { name: 'started inside, ended after to', start: 11 * HOUR, end: 13 * HOUR },
    { name: 'started exactly at to', start: to, end: 13 * HOUR },
    { name: 'started after to', start: 12 * HOUR + 1, end: 15 * HOUR },
  ];
  const { names } = table(sessions);

  it('keeps every session that overlaps [from, to], bounds included, and no other', () => {
    expect(names(activeDuringClause(from, to)!)).toEqual([
      'ended exactly at from',
      'started before from, ended inside',
      'inside',
      'spans the whole window',
      'started inside, ended after to',
      'started exactly at to',
    ]);
  });

  it('one bound alone is open on the other side', () => {
    expect(names(activeDuringClause(from, undefined)!)).not.toContain('ended before from');
    expect(names(activeDuringClause(from, undefined)!)).toContain('started after to');
    expect(names(activeDuringClause(undefined, to)!)).toContain('ended before from');
    expect(names(activeDuringClause(undefined, to)!)).not.toContain('started after to');
    expect(activeDuringClause(undefined, undefined)).toBeNull();
  });
});
