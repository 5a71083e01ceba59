import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './repo-root';

const ROOT = repoRoot();
const START = path.join(ROOT, 'scripts', 'start.js');

/** The compiled gateway as a real OS process (for crash tests and benchmarks). */
export class GatewayProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly output: () => string,
  ) {}

  static async start(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js'))) {
      throw new Error('dist/ is missing: `npm run build` first (npm test does it in pretest)');
    }
    const child = spawn(process.execPath, [...nodeArgs(), START], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', JUMP_SSH_PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with ${code} before listening:\n${output}`));
      });
    });
    return new GatewayProcess(child, url, () => output);
  }

  /** SIGKILL: no shutdown hooks, no flush, exactly like a crash or an OOM kill. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }
}

/** VIGIL_GATEWAY_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the gateway's node, for profiling benchmarks. */
function nodeArgs(): string[] {
  return (process.env.VIGIL_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
}
