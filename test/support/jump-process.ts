import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './repo-root';

/** The compiled standalone jump server (apps/jump) as a real process. */
export class JumpProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(env: Record<string, string>, timeoutMs = 30_000): Promise<JumpProcess> {
    const root = repoRoot();
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'run-dist.js'), 'apps/jump/src/main.js'], {
      env: { PATH: process.env.PATH ?? '', JUMP_SSH_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`jump did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = (d: Buffer) => {
        output += d.toString();
        const match = /ssh jump listening on (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`jump exited with ${code} before listening:\n${output}`));
      });
    });
    return new JumpProcess(child, port);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
    });
  }
}
