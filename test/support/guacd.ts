import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DaemonProcess } from './daemon-process';
import { freePort } from './ports';
import { repoRoot } from './repo-root';

export const GUACD_VERSION = '1.6.0';

/** Where `scripts/build-guacd.js` installs guacd (gitignored, reused between runs). */
export function guacdPrefix(): string {
  return path.join(repoRoot(), '.cache', `guacd-${GUACD_VERSION}`);
}

/**
 * Makes sure guacd is built: a no-op (~0.1 s) when the cache is complete, else the ~35 s build,
 * which waits for one already running in another worker. Call it from `beforeAll` with a timeout
 * that allows for the build.
 */
export function ensureGuacdBuilt(): void {
  const script = path.join(repoRoot(), 'scripts', 'build-guacd.js');
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (result.status !== 0) {
    throw new Error(`guacd is not available (node scripts/build-guacd.js exited ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

/**
 * The real guacd on a free loopback port, in the foreground, logging to stderr (kept for failure
 * messages). libguac dlopen()s the protocol plugins from its own lib folder, which it only finds
 * through LD_LIBRARY_PATH (the build sets no RUNPATH): without it, guacd answers every connection
 * with `Support for protocol "vnc" is not installed`.
 */
export class Guacd {
  readonly host = '127.0.0.1';

  private constructor(
    private readonly daemon: DaemonProcess,
    readonly port: number,
    /** Milliseconds from spawn to listening, for the report. */
    readonly startMs: number,
  ) {}

  static async start(): Promise<Guacd> {
    ensureGuacdBuilt();
    const prefix = guacdPrefix();
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const started = Date.now();
      const daemon = DaemonProcess.spawn(
        'guacd',
        path.join(prefix, 'sbin', 'guacd'),
        ['-f', '-b', '127.0.0.1', '-l', String(port), '-L', 'info'],
        { env: { ...process.env, LD_LIBRARY_PATH: path.join(prefix, 'lib') } },
      );
      try {
        await daemon.waitUntil((out) => new RegExp(`Listening on host 127\\.0\\.0\\.1, port ${port}\\b`).test(out), 15_000, 'listening line');
        return new Guacd(daemon, port, Date.now() - started);
      } catch (error) {
        await daemon.stop();
        // Another process took the port between freePort() and guacd's bind: try another.
        if (attempt >= 3 || !/Unable to bind socket/.test(daemon.logs())) throw error;
      }
    }
  }

  /** guacd's log so far (connections, protocol errors, FreeRDP's messages). */
  logs(): string {
    return this.daemon.logs();
  }

  /** guacd takes 1-3 s to exit after SIGTERM; SIGKILL after 8 s. */
  stop(): Promise<void> {
    return this.daemon.stop(8_000);
  }
}
