import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bulkSeedSqlite } from '../../bench/capacity/bulk-seed';
import { cpuCores, cpuSecondsFromStat, rssBytesFromStatus } from '../../bench/capacity/proc-stats';
import { percentiles } from '../../bench/capacity/registry-phases';
import { floodText, outputLine } from '../../bench/capacity/scripted-target';
import { describeSettings } from '../../bench/registry/durable-postgres';

describe('/proc parsing', () => {
  it('reads utime + stime after a command name with spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (node (vigil) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0';
    expect(cpuSecondsFromStat(stat, 100)).toBe(3);
  });

  it('refuses a stat line it cannot read instead of returning NaN', () => {
    expect(() => cpuSecondsFromStat('garbage', 100)).toThrow('unreadable');
  });

  it('reads VmRSS in bytes', () => {
    expect(rssBytesFromStatus('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nRssAnon:\t 1 kB\n')).toBe(204800 * 1024);
    expect(() => rssBytesFromStatus('Name:\tnode\n')).toThrow('VmRSS');
  });

  it('turns two CPU readings into cores busy', () => {
    expect(cpuCores({ cpu: 10, at: 0 }, { cpu: 11.5, at: 2000 })).toBe(0.75);
  });
});

describe('scripted target output', () => {
  it('never contains an upper-case letter (the typed keys are found in the stream by being upper case)', () => {
    for (let n = 0; n < 50; n++) expect(outputLine(n, n * 37)).not.toMatch(/[A-Z]/);
    expect(floodText(10_000)).not.toMatch(/[A-Z]/);
  });

  it('floods at least the bytes asked for, in whole lines', () => {
    const text = floodText(10_000);
    expect(text.length).toBeGreaterThanOrEqual(10_000);
    expect(text.length).toBeLessThan(10_000 + outputLine(0, 999).length);
    expect(text.endsWith('\r\n')).toBe(true);
  });
});

describe('percentiles', () => {
  it('gives nearest-rank p50/p95 and the max, NaN when empty', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(samples)).toEqual({ p50: 50, p95: 95, max: 100, samples: 100 });
    expect(percentiles([]).p95).toBeNaN();
  });
});

describe('describeSettings (PostgreSQL disclosure)', () => {
  it('calls a cluster durable only when fsync, synchronous_commit and full_page_writes are all on', () => {
    expect(describeSettings({ fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', wal_sync_method: 'fdatasync' })).toEqual({
      text: '`fsync=on`, `synchronous_commit=on`, `full_page_writes=on`, `wal_sync_method=fdatasync`',
      durable: true,
    });
    expect(describeSettings({ fsync: 'on', synchronous_commit: 'off', full_page_writes: 'on' }).durable).toBe(false);
    expect(describeSettings({ fsync: 'off', synchronous_commit: 'on', full_page_writes: 'on' }).durable).toBe(false);
    expect(describeSettings({}).durable).toBe(false);
  });
});

describe('bulkSeedSqlite', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-seed-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function makeLog(file: string): void {
    const db = new Database(file);
    db.exec(`CREATE TABLE access_log (id varchar(36) PRIMARY KEY, agent_id text, external_id text, type text, status text,
      user_name text, device text, client text, port integer, service_url text, account_name text, service_provider text,
      owner text, start_date bigint, end_date bigint, duration_seconds integer, end_reason text)`);
    db.exec('CREATE INDEX ix_owner_end ON access_log (owner, end_date, id)');
    db.exec('CREATE INDEX ix_user_prefix ON access_log (lower(user_name))');
    db.close();
  }

  it('inserts every planned row once, spread over the year, and rebuilds the indexes it dropped', () => {
    const file = path.join(dir, 'log.sqlite');
    makeLog(file);
    const now = 1_800_000_000_000;
    const chunks: number[] = [];
    const outcome = bulkSeedSqlite(file, 1_200, now, 600, (rows) => chunks.push(rows));
    expect(outcome).toMatchObject({ rows: 1_200, stopped: false, indexes: 2 });
    expect(chunks).toEqual([1_200]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, COUNT(DISTINCT owner) AS owners FROM access_log').get()).toEqual({ n: 1_200, ids: 1_200, owners: 200 });
    const { first, last } = db.prepare('SELECT MIN(end_date) AS first, MAX(end_date) AS last FROM access_log').get() as { first: number; last: number };
    expect(first).toBeGreaterThanOrEqual(now - 365 * 24 * 3600_000);
    expect(last).toBeLessThanOrEqual(now);
    expect(last - first).toBeGreaterThan(360 * 24 * 3600_000); // the whole year, not the first days of it
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all();
    expect(indexes).toEqual([{ name: 'ix_owner_end' }, { name: 'ix_user_prefix' }]);
    expect(db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM access_log WHERE owner = 'owner-7' ORDER BY end_date`).all()).toEqual(
      expect.arrayContaining([expect.objectContaining({ detail: expect.stringContaining('ix_owner_end') })]),
    );
    db.close();
  });
});
