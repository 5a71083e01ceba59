import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadConfig } from '@vigil/config';
import { typeOrmOptions } from './database.module';
import { UnitOfWork } from './unit-of-work';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Another process writing to the same embedded database (the standalone jump beside a gateway):
 * commits a counter every millisecond until its stop file appears.
 */
const OTHER_PROCESS = `
const fs = require('node:fs');
const Database = require('better-sqlite3');
const [file, stopFile] = process.argv.slice(1);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
const bump = db.prepare('UPDATE counters SET n = n + 1 WHERE name = ?');
process.stdout.write('ready\\n');
let commits = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(stopFile)) {
  db.exec('BEGIN IMMEDIATE');
  bump.run('other');
  db.exec('COMMIT');
  commits++;
  Atomics.wait(pause, 0, 0, 1);
}
process.stdout.write(String(commits));
`;

describe('UnitOfWork on SQLite shared with another process', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-uow-'));
    const options = typeOrmOptions(loadConfig({ VIGIL_DATA_DIR: dir })) as DataSourceOptions;
    dataSource = await new DataSource({ ...options, entities: [] }).initialize();
    await dataSource.query('CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)');
    await dataSource.query(`INSERT INTO counters VALUES ('mine', 0), ('other', 0)`);
  });

  afterEach(async () => {
    await dataSource.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads then writes while the other process commits: no "database is locked", no lost update', async () => {
    const uow = new UnitOfWork(dataSource, loadConfig({ VIGIL_DATA_DIR: dir }));
    const stopFile = path.join(dir, 'stop');
    const other = spawn(process.execPath, ['-e', OTHER_PROCESS, path.join(dir, 'vigil.sqlite'), stopFile], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    other.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve) => other.stdout.once('data', () => resolve()));

    const failures: string[] = [];
    const otherCommits = async () =>
      ((await dataSource.query(`SELECT n FROM counters WHERE name = 'other'`)) as { n: number }[])[0].n;
    // Both sides must really have interleaved, however busy the machine: at least 200 transactions
    // here and 10 commits there (it waits in SQLite's busy handler while this side holds the lock).
    let increments = 0;
    for (const deadline = Date.now() + 30_000; (increments < 200 || (await otherCommits()) < 10) && Date.now() < deadline; increments++) {
      await uow
        .run(async (m) => {
          const [{ n }] = (await m.query(`SELECT n FROM counters WHERE name = 'mine'`)) as { n: number }[];
          // Give the other process time to commit between this transaction's read and its write.
          await sleep(1);
          await m.query(`UPDATE counters SET n = ? WHERE name = 'mine'`, [n + 1]);
        })
        .catch((error: Error) => failures.push(error.message));
      await sleep(1); // and between two transactions (the other process's turn)
    }
    fs.writeFileSync(stopFile, '');
    await new Promise((resolve) => other.once('exit', resolve));

    expect(failures).toEqual([]);
    const rows = (await dataSource.query('SELECT name, n FROM counters ORDER BY name')) as { name: string; n: number }[];
    expect(rows).toEqual([
      { name: 'mine', n: increments },
      { name: 'other', n: Number(output.replace('ready\n', '')) },
    ]);
    expect(rows[1].n).toBeGreaterThanOrEqual(10);
  });

  it('rolls a failed transaction back and keeps serving the next one', async () => {
    const uow = new UnitOfWork(dataSource, loadConfig({ VIGIL_DATA_DIR: dir }));
    await expect(
      uow.run(async (m) => {
        await m.query(`UPDATE counters SET n = 41 WHERE name = 'mine'`);
        throw new Error('refused halfway');
      }),
    ).rejects.toThrow('refused halfway');
    await uow.run((m) => m.query(`UPDATE counters SET n = n + 1 WHERE name = 'mine'`));
    expect(await dataSource.query(`SELECT n FROM counters WHERE name = 'mine'`)).toEqual([{ n: 1 }]);
  });

  it("runs what a commit-group participant registered after the group's commit, and never for a group that did not commit", async () => {
    const uow = new UnitOfWork(dataSource, loadConfig({ VIGIL_DATA_DIR: dir }));
    const ran: string[] = [];
    let refuseCommit = false;
    let seenAtCallback: unknown = null;
    uow.joinSqliteTransactions({
      beforeRelease: async () => undefined,
      beforeCommit: async (m) => {
        if (refuseCommit) throw new Error('refused at commit');
        await m.query(`UPDATE counters SET n = n + 100 WHERE name = 'other'`);
        // like the event-rule hook: wake a worker once what it will read is committed
        uow.afterCommit(m, () => {
          ran.push('after commit');
          seenAtCallback = dataSource.query(`SELECT n FROM counters WHERE name = 'other'`);
        });
      },
    });
    // a group of three and a lone transaction: each group's callback once
    await Promise.all([1, 2, 3].map(() => uow.run((m) => m.query(`UPDATE counters SET n = n + 1 WHERE name = 'mine'`))));
    expect(ran).toEqual(['after commit']);
    expect(await seenAtCallback).toEqual([{ n: 100 }]);
    await uow.run((m) => m.query(`UPDATE counters SET n = n + 1 WHERE name = 'mine'`));
    expect(ran).toEqual(['after commit', 'after commit']);

    refuseCommit = true;
    await expect(uow.run((m) => m.query(`UPDATE counters SET n = n + 1 WHERE name = 'mine'`))).rejects.toThrow('refused at commit');
    await sleep(20);
    expect(ran).toHaveLength(2);
    expect(await dataSource.query(`SELECT n FROM counters ORDER BY name`)).toEqual([{ n: 4 }, { n: 200 }]);
  });
});

