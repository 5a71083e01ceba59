import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { PostgresServer, findPostgresBin } from '../../test/support/postgres-server';

/** The settings a benchmark figure must be taken with (issue 13 goal 3): a commit is on disk when acknowledged. */
export const DURABLE_SETTINGS = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } as const;

/** What the server reports for the settings that decide durability (and what a commit costs). */
export const REPORTED_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'wal_level', 'shared_buffers', 'commit_delay'] as const;

/**
 * A throwaway PostgreSQL cluster for benchmarks, with durable settings. The test harness's
 * PostgresServer makes the cluster (initdb) but runs it with fsync off, which is right for tests
 * and wrong for a published figure; so the cluster is initialised there, stopped, and served
 * here with DURABLE_SETTINGS on the command line (which no config file can override).
 */
export class DurablePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(dir: string): Promise<DurablePostgres> {
    const made = await PostgresServer.start(dir);
    await made.stop();
    const bin = findPostgresBin()!;
    const args = [
      '-D', path.join(dir, 'data'),
      '-p', String(made.port),
      '-k', dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=300',
      ...Object.entries(DURABLE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    const postgres = path.join(bin, 'postgres');
    const child = process.getuid?.() === 0 ? spawn('runuser', ['-u', 'postgres', '--', postgres, ...args], { stdio: 'ignore' }) : spawn(postgres, args, { stdio: 'ignore' });
    const server = new DurablePostgres(dir, made.port, child);
    for (const deadline = Date.now() + 30_000; ; ) {
      try {
        execFileSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(made.port)], { stdio: 'ignore' });
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not become ready on port ${made.port}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return server;
  }

  /** The durability settings as the running server reports them (`SHOW`), to print beside the figure. */
  async settings(): Promise<Record<string, string>> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      const out: Record<string, string> = {};
      for (const name of REPORTED_SETTINGS) out[name] = (await client.query(`SHOW ${name}`)).rows[0][name];
      return out;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    // As root the child is `runuser`, which does not forward signals: signal the postmaster itself.
    let postmaster: number | undefined = this.child.pid;
    try {
      postmaster = Number(fs.readFileSync(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) || postmaster;
    } catch {
      // not written yet: the child itself
    }
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      try {
        if (postmaster) process.kill(postmaster, 'SIGINT'); // fast shutdown
      } catch {
        // already gone
      }
      setTimeout(() => this.child.kill('SIGKILL'), 10_000).unref();
    });
  }
}

/** Markdown for settings as reported, e.g. `fsync=on, synchronous_commit=on`; flags any durable one that is off. */
export function describeSettings(settings: Record<string, string>): { text: string; durable: boolean } {
  const durable = Object.entries(DURABLE_SETTINGS).every(([name, value]) => settings[name] === value);
  return { text: Object.entries(settings).map(([name, value]) => `\`${name}=${value}\``).join(', '), durable };
}
