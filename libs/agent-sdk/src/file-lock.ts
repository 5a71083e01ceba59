import * as fs from 'node:fs';
import { QueueLockedError } from './errors';

/** An empty lock file older than this lost its writer (a live one writes its pid at once). */
const EMPTY_LOCK_GRACE_MS = 250;

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number): void => void Atomics.wait(SLEEP, 0, 0, ms);

/**
 * A cross-process mutex on a lock file (O_EXCL create). Several processes share one queue folder
 * (a PAM hook per login plus a `watch` daemon), so appends and compactions must not interleave.
 * Held for microseconds (a read or an fsync'd append), never across a network call. A lock left
 * by a dead process (its pid gone) or older than `staleMs` is taken over.
 */
export class FileLock {
  constructor(
    readonly path: string,
    private readonly waitMs = 2_000,
    private readonly staleMs = 10_000,
  ) {}

  run<T>(fn: () => T): T {
    this.acquire();
    try {
      return fn();
    } finally {
      fs.rmSync(this.path, { force: true });
    }
  }

  private acquire(): void {
    const deadline = Date.now() + this.waitMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
      try {
        const fd = fs.openSync(this.path, 'wx', 0o600);
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (this.isStale()) {
        fs.rmSync(this.path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new QueueLockedError(this.path);
      sleepSync(pause);
    }
  }

  private isStale(): boolean {
    try {
      const stat = fs.statSync(this.path);
      if (Date.now() - stat.mtimeMs > this.staleMs) return true;
      const pid = Number(fs.readFileSync(this.path, 'utf8'));
      // No pid yet: being written right now (microseconds), or its writer was killed between the
      // create and the write (SIGKILL during a flush): after EMPTY_LOCK_GRACE_MS it is the latter.
      if (!Number.isInteger(pid) || pid <= 0) return Date.now() - stat.mtimeMs > EMPTY_LOCK_GRACE_MS;
      // run() is synchronous and never re-entrant: a lock bearing our pid is a dead namesake's.
      if (pid === process.pid) return true;
      process.kill(pid, 0);
      return false;
    } catch (error) {
      // ESRCH: the holder died; ENOENT: released meanwhile (the next open succeeds).
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
