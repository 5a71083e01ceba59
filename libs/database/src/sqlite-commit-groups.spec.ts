import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { DataSource, DataSourceOptions, EntityManager } from 'typeorm';
import { loadConfig } from '@vigil/config';
import { typeOrmOptions } from './database.module';
import { SqliteCommitGroups } from './sqlite-commit-groups';

describe('SqliteCommitGroups', () => {
  let dir: string;
  let dataSource: DataSource;
  /** every statement the groups sent, in order */
  let statements: string[];
  /** a second connection to the same file: sees only what is committed */
  let outside: Database.Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-groups-'));
    const options = typeOrmOptions(loadConfig({ VIGIL_DATA_DIR: dir })) as DataSourceOptions;
    dataSource = await new DataSource({ ...options, entities: [] }).initialize();
    await dataSource.query('CREATE TABLE items (name TEXT PRIMARY KEY)');
    statements = [];
    // better-sqlite3 has one connection: TypeORM hands out the same runner every time
    const runner = dataSource.createQueryRunner();
    {
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        statements.push(sql);
        return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
    }
    expect(dataSource.createQueryRunner()).toBe(runner);
    outside = new Database(path.join(dir, 'vigil.sqlite'), { readonly: true });
  });

  afterEach(async () => {
    outside.close();
    await dataSource.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (name: string) => (m: EntityManager) => m.query('INSERT INTO items (name) VALUES (?)', [name]).then(() => name);
  const committedNames = () => (outside.prepare('SELECT name FROM items ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const commits = () => statements.filter((s) => s === 'COMMIT').length;

  it('runs transactions asked for together under one COMMIT, and answers each only once it is committed', async () => {
    const groups = new SqliteCommitGroups(dataSource);
    const seenAtAnswer: string[][] = [];
    const names = ['a', 'b', 'c', 'd', 'e'];
    const answers = await Promise.all(
      names.map((name) =>
        groups.run(insert(name)).then((value) => {
          seenAtAnswer.push(committedNames());
          return value;
        }),
      ),
    );
    expect(answers).toEqual(names);
    expect(commits()).toBe(1);
    // every caller, answered, can already read all of the group from another connection
    expect(seenAtAnswer).toEqual(names.map(() => names));
  });

  it('rolls back only the transaction that failed, and gives its caller its own error', async () => {
    const groups = new SqliteCommitGroups(dataSource);
    const results = await Promise.allSettled([
      groups.run(insert('a')),
      groups.run(async (m) => {
        await m.query('INSERT INTO items (name) VALUES (?)', ['half-done']);
        throw new Error('refused halfway');
      }),
      groups.run(insert('a')), // the first 'a' is earlier in the same group
      groups.run(insert('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused halfway');
    expect((results[2] as PromiseRejectedResult).reason.message).toMatch(/UNIQUE/);
    expect(committedNames()).toEqual(['a', 'b']);
    expect(commits()).toBe(1);
  });

  it('bounds a group, and the rest waits for the next commit', async () => {
    const groups = new SqliteCommitGroups(dataSource, 3);
    const names = Array.from({ length: 7 }, (_, i) => `n${i}`);
    await Promise.all(names.map((name) => groups.run(insert(name))));
    expect(committedNames()).toEqual(names);
    expect(commits()).toBe(3); // 3 + 3 + 1
  });

  it('fails what ran in a transaction SQLite ended, and runs what had not started in the next one', async () => {
    const groups = new SqliteCommitGroups(dataSource);
    const results = await Promise.allSettled([
      groups.run(insert('before')),
      groups.run(async (m) => {
        await m.query('ROLLBACK'); // as SQLite does itself on a full disk or an I/O error
        throw new Error('disk full');
      }),
      groups.run(insert('after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('disk full');
    expect(committedNames()).toEqual(['after']);
  });

  it('keeps serving after a failed group, and a single transaction runs without savepoints', async () => {
    const groups = new SqliteCommitGroups(dataSource);
    await expect(groups.run(async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    await expect(groups.run(insert('x'))).resolves.toBe('x');
    expect(committedNames()).toEqual(['x']);
    expect(statements.some((s) => s.startsWith('SAVEPOINT'))).toBe(false);
  });
});
