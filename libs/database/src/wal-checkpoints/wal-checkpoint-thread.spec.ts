import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointThread } from './wal-checkpoint-thread';

/** Rows in the database file alone, as a copy without its WAL would read them. */
function rowsInDatabaseFile(file: string, scratch: string): number {
  const copy = path.join(scratch, `copy-${Date.now()}-${Math.random()}.sqlite`);
  fs.copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointThread', () => {
  let dir: string;
  let file: string;
  let writer: Database.Database;
  let thread: WalCheckpointThread | undefined;
  let lost: string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-wal-'));
    file = path.join(dir, 'db.sqlite');
    writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    // the writer never checkpoints by itself here: whatever reaches the database file, the thread copied
    writer.pragma('wal_autocheckpoint = 0');
    // a writer that would fail at once, rather than wait, if the thread ever held a lock it needs
    writer.pragma('busy_timeout = 0');
    writer.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT)');
    // the empty table in the database file itself, so that a copy of the file alone can be read
    writer.pragma('wal_checkpoint(TRUNCATE)');
    lost = [];
  });

  afterEach(async () => {
    await thread?.stop();
    thread = undefined;
    if (writer.open) writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const insert = (count: number) => {
    const statement = writer.prepare('INSERT INTO items (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < count; i++) statement.run('x'.repeat(200));
    })();
  };

  it('copies committed pages into the database file, off the writer', async () => {
    for (let i = 0; i < 20; i++) insert(100);
    expect(rowsInDatabaseFile(file, dir)).toBe(0);

    thread = new WalCheckpointThread({ file, intervalMs: 20 }, (reason) => lost.push(reason));
    thread.start();
    await until(() => (thread!.progress?.copiedFrames ?? 0) > 0 && thread!.progress!.copiedFrames === thread!.progress!.walFrames, 10_000);

    expect(rowsInDatabaseFile(file, dir)).toBe(2000);
    expect(lost).toEqual([]);
  });

  it('never makes the writer wait: commits go on while it checkpoints', async () => {
    thread = new WalCheckpointThread({ file, intervalMs: 1 }, (reason) => lost.push(reason));
    thread.start();
    const started = Date.now();
    let commits = 0;
    let checkpointsSeen = 0;
    let lastSeen = thread.progress;
    while (Date.now() - started < 1_500) {
      insert(20); // busy_timeout 0: a lock held by the thread would throw SQLITE_BUSY here
      commits++;
      if (thread.progress !== lastSeen) {
        lastSeen = thread.progress;
        checkpointsSeen++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(commits).toBeGreaterThan(50);
    expect(checkpointsSeen).toBeGreaterThan(5);
    expect((writer.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n).toBe(commits * 20);
  });

  it('lets the writer be the last connection to close, which removes the WAL', async () => {
    insert(100);
    thread = new WalCheckpointThread({ file, intervalMs: 20 }, (reason) => lost.push(reason));
    thread.start();
    await until(() => thread!.progress !== undefined, 10_000);
    await thread.stop();
    writer.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(lost).toEqual([]);
  });

  it('reports a thread that could not run, and leaves the writer working', async () => {
    thread = new WalCheckpointThread({ file: path.join(dir, 'missing.sqlite'), intervalMs: 20 }, (reason) => lost.push(reason));
    thread.start();
    await until(() => lost.length > 0, 10_000);
    expect(lost[0]).toMatch(/WAL checkpoint thread (crashed|exited)/);
    insert(10);
    expect((writer.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n).toBe(10);
    expect(fs.existsSync(path.join(dir, 'missing.sqlite'))).toBe(false);
  });
});
