import type { EntityManager } from 'typeorm';
import { RawSql, insertRowsSql } from './raw-sql';

function fakeManager(records: unknown[] = []) {
  const query = jest.fn(async (_sql: string | { name: string; text: string }, _params: unknown[], _structured: boolean) => ({ records, affected: 1 }));
  return { m: { queryRunner: { query } } as unknown as EntityManager, query };
}

/** The SQL text of a query as sent: PostgreSQL's come as named statements ({ name, text }). */
function textOf(query: string | { name: string; text: string }): string {
  return typeof query === 'string' ? query : query.text;
}

describe('RawSql', () => {
  it('sends several PostgreSQL writes as one statement, parameters numbered across them', async () => {
    const { m, query } = fakeManager();
    await new RawSql(true).runAll(m, [
      { sql: 'INSERT INTO a (x, y) VALUES (?, ?)', params: [1, 2] },
      { sql: 'DELETE FROM b WHERE id = ?', params: ['b1'] },
      { sql: 'INSERT INTO c (z) VALUES (?)', params: [3] },
    ]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(textOf(query.mock.calls[0][0])).toBe('WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), w1 AS (DELETE FROM b WHERE id = $3) INSERT INTO c (z) VALUES ($4)');
    expect(query.mock.calls[0][1]).toEqual([1, 2, 'b1', 3]);
  });

  it('runs them one after another on SQLite, with its own placeholders', async () => {
    const { m, query } = fakeManager();
    await new RawSql(false).runAll(m, [
      { sql: 'INSERT INTO a (x) VALUES (?)', params: [1] },
      { sql: 'DELETE FROM b WHERE id = ?', params: ['b1'] },
    ]);
    expect(query.mock.calls.map((c) => [c[0], c[1]])).toEqual([
      ['INSERT INTO a (x) VALUES (?)', [1]],
      ['DELETE FROM b WHERE id = ?', ['b1']],
    ]);
  });

  it('makes the inserts of rowsIf depend on the guard, and returns what the guard returned', async () => {
    const { m, query } = fakeManager([{ id: 'k1' }]);
    const rows = await new RawSql(true).rowsIf(m, { sql: 'INSERT INTO k (id) VALUES (?) ON CONFLICT DO NOTHING RETURNING id', params: ['k1'] }, [
      { sql: 'INSERT INTO s (id, n) VALUES (?, ?)', params: ['s1', 7] },
      { sql: 'INSERT INTO o (id) VALUES (?)', params: ['o1'] },
    ]);
    expect(rows).toEqual([{ id: 'k1' }]);
    expect(textOf(query.mock.calls[0][0])).toBe(
      'WITH g AS (INSERT INTO k (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id), ' +
        'w0 AS (INSERT INTO s (id, n) SELECT $2, $3 FROM g), w1 AS (INSERT INTO o (id) SELECT $4 FROM g) SELECT * FROM g',
    );
    expect(query.mock.calls[0][1]).toEqual(['k1', 's1', 7, 'o1']);
  });

  it('refuses in rowsIf what it cannot make conditional: multi-row inserts, other writes, SQLite', async () => {
    const { m, query } = fakeManager();
    const guard = { sql: 'DELETE FROM g WHERE id = ? RETURNING id', params: ['g1'] };
    await expect(new RawSql(true).rowsIf(m, guard, [{ sql: 'INSERT INTO o (id) VALUES (?), (?)', params: [1, 2] }])).rejects.toThrow(/single-row/);
    await expect(new RawSql(true).rowsIf(m, guard, [{ sql: 'UPDATE o SET x = ?', params: [1] }])).rejects.toThrow(/single-row/);
    await expect(new RawSql(false).rowsIf(m, guard, [])).rejects.toThrow(/PostgreSQL only/);
    expect(query).not.toHaveBeenCalled();
  });
  it('turns the rows of a single-row INSERT into one JSON parameter typed by the table, any number of rows', () => {
    const statement = insertRowsSql({ sql: 'INSERT INTO t (id, n, at) VALUES (?, ?, ?)', rows: [['a', 1, null], ['b"\'; DROP', undefined, 3]] });
    expect(statement.sql).toBe('INSERT INTO t (id, n, at) SELECT r."id", r."n", r."at" FROM json_populate_recordset(NULL::t, ?::json) r');
    // values travel as data, never as SQL text, whatever they contain
    expect(JSON.parse(statement.params[0] as string)).toEqual([
      { id: 'a', n: 1, at: null },
      { id: 'b"\'; DROP', n: null, at: 3 },
    ]);
    // a string cut inside an emoji goes as U+FFFD (as a UTF-8 parameter would), not as an escape PostgreSQL refuses
    const cut = insertRowsSql({ sql: 'INSERT INTO t (id) VALUES (?)', rows: [['ab\ud83d'], ['\ud83d\ude00']] });
    expect(cut.params[0]).toBe(JSON.stringify([{ id: 'ab\ufffd' }, { id: '\ud83d\ude00' }]));
    expect(cut.params[0]).not.toMatch(/\\ud83d/);
    expect(() => insertRowsSql({ sql: 'INSERT INTO t (id, n) VALUES (?, ?)', rows: [['a']] })).toThrow(/1 values for 2 columns/);
    expect(() => insertRowsSql({ sql: 'INSERT INTO t (id, n) VALUES (?)', rows: [] })).toThrow(/differ in number/);
    expect(() => insertRowsSql({ sql: 'INSERT INTO t (id) VALUES (?), (?)', rows: [] })).toThrow(/single-row/);
  });

  it('makes the many-row inserts of rowsIfMany depend row by row on what the guard returned', async () => {
    const { m, query } = fakeManager([{ id: 's1' }]);
    const rows = await new RawSql(true).rowsIfMany(m, { sql: 'DELETE FROM open WHERE id = ANY(?) RETURNING id', params: [['s1', 's2']] }, 'id', [
      { sql: 'INSERT INTO log (id, n) VALUES (?, ?)', rows: [['s1', 1], ['s2', 2]], match: 'id' },
      { sql: 'INSERT INTO empty (id) VALUES (?)', rows: [], match: 'id' },
      { sql: 'INSERT INTO outbox (eid, session_id) VALUES (?, ?)', rows: [['e1', 's1']], match: 'session_id' },
    ]);
    expect(rows).toEqual([{ id: 's1' }]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(textOf(query.mock.calls[0][0])).toBe(
      'WITH g AS (DELETE FROM open WHERE id = ANY($1) RETURNING id), ' +
        'w0 AS (INSERT INTO log (id, n) SELECT r."id", r."n" FROM json_populate_recordset(NULL::log, $2::json) r WHERE r."id" IN (SELECT "id" FROM g)), ' +
        'w1 AS (INSERT INTO outbox (eid, session_id) SELECT r."eid", r."session_id" FROM json_populate_recordset(NULL::outbox, $3::json) r WHERE r."session_id" IN (SELECT "id" FROM g)) ' +
        'SELECT * FROM g',
    );
    expect(query.mock.calls[0][1]).toEqual([['s1', 's2'], JSON.stringify([{ id: 's1', n: 1 }, { id: 's2', n: 2 }]), JSON.stringify([{ eid: 'e1', session_id: 's1' }])]);
    // another batch size, the same statement text (PostgreSQL parses one text, whatever the batch)
    const sql = new RawSql(true);
    const guard = (ids: string[]) => ({ sql: 'DELETE FROM open WHERE id = ANY(?) RETURNING id', params: [ids] });
    await sql.rowsIfMany(m, guard(['a']), 'id', [{ sql: 'INSERT INTO log (id, n) VALUES (?, ?)', rows: [['a', 1]], match: 'id' }]);
    await sql.rowsIfMany(m, guard(['a', 'b', 'c']), 'id', [{ sql: 'INSERT INTO log (id, n) VALUES (?, ?)', rows: [['a', 1], ['b', 2], ['c', 3]], match: 'id' }]);
    expect(query.mock.calls[2][0]).toEqual(query.mock.calls[1][0]);
    expect(JSON.parse(query.mock.calls[2][1][1] as string)).toHaveLength(3);
    await expect(new RawSql(false).rowsIfMany(m, { sql: 'x', params: [] }, 'id', [])).rejects.toThrow(/PostgreSQL only/);
  });

  it('sends PostgreSQL statements as named (prepared) statements, named by their text, a bounded number of them', async () => {
    const { m, query } = fakeManager();
    const a = new RawSql(true);
    await a.run(m, 'DELETE FROM t WHERE id = ?', ['x']);
    await a.run(m, 'DELETE FROM t WHERE id = ?', ['y']);
    await a.run(m, 'DELETE FROM u WHERE id = ?', ['x']);
    // another RawSql (another service) on the same pooled connection names the same text alike,
    // which node-postgres requires: one name, one text per connection
    await new RawSql(true).run(m, 'DELETE FROM t WHERE id = ?', ['z']);
    const sent = query.mock.calls.map((c) => c[0] as { name: string; text: string });
    expect(sent[0]).toEqual({ name: expect.stringMatching(/^vigil_[0-9a-f]{24}$/), text: 'DELETE FROM t WHERE id = $1' });
    expect(sent[1].name).toBe(sent[0].name);
    expect(sent[3].name).toBe(sent[0].name);
    expect(sent[2].name).not.toBe(sent[0].name);
    expect(query.mock.calls.map((c) => c[1])).toEqual([['x'], ['y'], ['x'], ['z']]);

    // past 200 distinct texts (say, IN lists of every length) the rest run unnamed
    query.mockClear();
    const many = new RawSql(true);
    for (let n = 1; n <= 205; n++) await many.run(m, `DELETE FROM t WHERE id IN (${Array(n).fill('?').join(', ')})`, Array(n).fill('x'));
    const kinds = query.mock.calls.map((c) => typeof c[0]);
    expect(kinds.filter((k) => k === 'object')).toHaveLength(200);
    expect(kinds.slice(200)).toEqual(['string', 'string', 'string', 'string', 'string']);
    // the texts named before keep their names
    await many.run(m, 'DELETE FROM t WHERE id IN (?)', ['x']);
    expect(typeof query.mock.calls[205][0]).toBe('object');
  });

  it('sends PostgreSQL statements as their text with prepared statements off (a pooler that cannot keep them)', async () => {
    const { m, query } = fakeManager();
    await new RawSql(true, { preparedStatements: false }).run(m, 'DELETE FROM t WHERE id = ?', ['x']);
    expect(query.mock.calls[0][0]).toBe('DELETE FROM t WHERE id = $1');
  });

  it('sends SQLite statements as their text (better-sqlite3 caches its prepared statements itself)', async () => {
    const { m, query } = fakeManager();
    await new RawSql(false).rows(m, 'SELECT id FROM t WHERE id = ?', ['x']);
    expect(query.mock.calls[0][0]).toBe('SELECT id FROM t WHERE id = ?');
  });
});
