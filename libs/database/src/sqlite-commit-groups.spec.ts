import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { DataSource, DataSourceOptions, EntityManager } from 'typeorm';
import { loadConfig } from '@vigil/config';
import { typeOrmOptions } from './database.module';
import { CommitGroupParticipant, SqliteCommitGroups } from './sqlite-commit-groups';

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

  describe('participants', () => {
    /** Writes one `log:` row per transaction it saw, all of them before the COMMIT, as the audit chainer does. */
    class LogWriter implements CommitGroupParticipant {
      readonly seen: { m: EntityManager; group: object }[] = [];
      readonly commitsSeen: object[] = [];
      failOn: string | null = null;
      failCommit = false;
      private readonly names = new WeakMap<object, string[]>();
      readonly running: boolean[] = [];

      constructor(private readonly groups: SqliteCommitGroups) {}

      async beforeRelease(m: EntityManager, group: object): Promise<void> {
        this.running.push(this.groups.isRunning(m));
        const [{ last }] = (await m.query("SELECT max(name) AS last FROM items WHERE name NOT LIKE 'log:%'")) as { last: string }[];
        if (last === this.failOn) throw new Error(`refusing ${last}`);
        this.seen.push({ m, group });
        this.names.set(group, [...(this.names.get(group) ?? []), last]);
      }

      async beforeCommit(m: EntityManager, group: object): Promise<void> {
        this.commitsSeen.push(group);
        if (this.failCommit) throw new Error('log refused');
        for (const name of this.names.get(group) ?? []) await m.query('INSERT INTO items (name) VALUES (?)', [`log:${name}`]);
      }
    }

    it('joins each transaction in its savepoint and the group before its COMMIT, in one commit', async () => {
      const groups = new SqliteCommitGroups(dataSource);
      const logger = new LogWriter(groups);
      groups.join(logger);
      const answers = await Promise.all(['a', 'b', 'c'].map((name) => groups.run(insert(name))));
      expect(answers).toEqual(['a', 'b', 'c']);
      expect(committedNames()).toEqual(['a', 'b', 'c', 'log:a', 'log:b', 'log:c']);
      expect(commits()).toBe(1);
      // one group: every transaction saw the same group object, and the commit hook ran once for it
      expect(new Set(logger.seen.map((s) => s.group)).size).toBe(1);
      expect(logger.commitsSeen).toEqual([logger.seen[0].group]);
      expect(logger.running).toEqual([true, true, true]);
      expect(logger.seen.some((s) => groups.isRunning(s.m))).toBe(false);
    });

    it('a participant refusing one transaction rolls back that one alone', async () => {
      const groups = new SqliteCommitGroups(dataSource);
      const logger = new LogWriter(groups);
      logger.failOn = 'b';
      groups.join(logger);
      const results = await Promise.allSettled(['a', 'b', 'c'].map((name) => groups.run(insert(name))));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason.message).toBe('refusing b');
      expect(committedNames()).toEqual(['a', 'c', 'log:a', 'log:c']);
    });

    it('a participant refusing the commit fails the whole group, alone or together, and nothing of it is kept', async () => {
      const groups = new SqliteCommitGroups(dataSource);
      const logger = new LogWriter(groups);
      logger.failCommit = true;
      groups.join(logger);
      const together = await Promise.allSettled(['a', 'b'].map((name) => groups.run(insert(name))));
      expect(together.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await expect(groups.run(insert('alone'))).rejects.toThrow('log refused');
      expect(committedNames()).toEqual([]);
      logger.failCommit = false;
      await expect(groups.run(insert('later'))).resolves.toBe('later');
      expect(committedNames()).toEqual(['later', 'log:later']);
    });
  });
});
