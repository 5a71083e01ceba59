import type { EntityManager } from 'typeorm';
import { RawSql } from './raw-sql';

function fakeManager(records: unknown[] = []) {
  const query = jest.fn(async (_sql: string, _params: unknown[], _structured: boolean) => ({ records, affected: 1 }));
  return { m: { queryRunner: { query } } as unknown as EntityManager, query };
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
    expect(query.mock.calls[0][0]).toBe('WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), w1 AS (DELETE FROM b WHERE id = $3) INSERT INTO c (z) VALUES ($4)');
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
    expect(query.mock.calls[0][0]).toBe(
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
});
