import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from './ports';

/** Finds PostgreSQL's server binaries (Debian keeps them out of PATH). */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb'))) return bin;
  }
  return null;
}


/**
 * A throwaway PostgreSQL cluster on loopback, owned by this test run. As root, the server runs
 * as the `postgres` user (initdb refuses root).
 */
export class PostgresServer {
  private process?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(dir: string): Promise<PostgresServer> {
    const bin = findPostgresBin();
    if (!bin) throw new Error('PostgreSQL server binaries not found: run `node scripts/prepare-test-env.js` (installs postgresql)');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const run = (cmd: string, args: string[]) =>
      asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
    run(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const server = new PostgresServer(dir, await freePort(), bin);
    await server.resume();
    return server;
  }

  /** Starts the server (again, after `stop`) on the same data folder and port, and waits until it accepts connections. */
  async resume(): Promise<void> {
    const args = [
      '-D', path.join(this.dir, 'data'),
      '-p', String(this.port),
      '-k', this.dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=300',
    ];
    const postgres = path.join(this.bin, 'postgres');
    this.process = process.getuid?.() === 0
      ? spawn('runuser', ['-u', 'postgres', '--', postgres, ...args], { stdio: 'ignore' })
      : spawn(postgres, args, { stdio: 'ignore' });
    await this.waitReady();
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        execFileSync(path.join(this.bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port)], { stdio: 'ignore' });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`PostgreSQL did not become ready on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // As root the child is `runuser`, which does not forward signals: signal the postmaster itself.
    const postmaster = this.postmasterPid() ?? child.pid;
    const signal = (name: NodeJS.Signals) => {
      try {
        if (postmaster) process.kill(postmaster, name);
      } catch {
        // already gone
      }
    };
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      signal('SIGINT'); // fast shutdown
      setTimeout(() => {
        signal('SIGKILL');
        child.kill('SIGKILL');
      }, 10_000).unref();
    });
  }

  /** The running server's process id, from the first line of `postmaster.pid`. */
  private postmasterPid(): number | null {
    try {
      const pid = Number(fs.readFileSync(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }
}
