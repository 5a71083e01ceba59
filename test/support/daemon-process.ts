import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * A server process a suite starts and stops (guacd, Xvnc, xrdp). It runs in its own process group
 * because guacd and xrdp fork a process per connection: stopping the group by its id (the leader's
 * PID) ends those too, where stopping the leader alone could leave one behind. Its output is kept
 * (the last 64 KB) for failure messages.
 */
export class DaemonProcess {
  private output = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-64 * 1024);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    track(this);
  }

  static spawn(name: string, command: string, args: string[], options: Pick<SpawnOptions, 'env' | 'cwd'> & { extraFds?: number } = {}): DaemonProcess {
    const extra = Array.from({ length: options.extraFds ?? 0 }, () => 'pipe' as const);
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...extra] });
    return new DaemonProcess(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** stdout and stderr so far (interleaved), for failure messages. */
  logs(): string {
    return this.output;
  }

  /** The pipe at file descriptor `fd` (see `extraFds`), e.g. Xvnc's `-displayfd`. */
  pipe(fd: number): NodeJS.ReadableStream {
    const stream = this.child.stdio[fd];
    if (!stream || !('on' in stream)) throw new Error(`${this.name}: no pipe at fd ${fd}`);
    return stream as NodeJS.ReadableStream;
  }

  /**
   * Resolves once `ready()` holds (checked on each output chunk and every 50 ms); rejects with the
   * output if the process exits first or the time is up.
   */
  waitUntil(ready: (output: string) => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.child.removeListener('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const check = async (): Promise<void> => {
        try {
          if (!settled && (await ready(this.output))) finish();
        } catch (error) {
          finish(error as Error);
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        // Let the last output chunks arrive before reporting them.
        setTimeout(() => finish(new Error(`${this.name} exited (${code ?? signal}) before ${what}; output:\n${this.output}`)), 50);
      };
      const timer = setTimeout(() => finish(new Error(`${this.name}: no ${what} after ${timeoutMs} ms; output:\n${this.output}`)), timeoutMs);
      const poll = setInterval(() => void check(), 50);
      this.child.once('exit', onExit);
      void check();
    });
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  async stop(graceMs = 5_000): Promise<void> {
    untrack(this);
    if (this.running) {
      this.signalGroup('SIGTERM');
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // Per-connection children outlive a leader that exited on its own: end them by the group id.
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // the group is gone
    }
  }

  /** At worker exit, for whatever a failed suite left running (synchronous: no await there). */
  killSync(): void {
    this.signalGroup('SIGKILL');
  }
}

// The exit hook is installed only while something runs: jest loads this module once per test file.
const live = new Set<DaemonProcess>();
const killLeftovers = (): void => {
  for (const daemon of live) daemon.killSync();
};
function track(daemon: DaemonProcess): void {
  if (live.size === 0) process.once('exit', killLeftovers);
  live.add(daemon);
}
function untrack(daemon: DaemonProcess): void {
  if (live.delete(daemon) && live.size === 0) process.removeListener('exit', killLeftovers);
}
