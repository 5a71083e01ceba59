import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Terminal } from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';

/** Feeds bytes into a fresh headless terminal and returns its serialized screen (what a user sees). */
export async function screenOf(data: string | Buffer, cols: number, rows: number): Promise<{ screen: string; lines: string[] }> {
  const terminal = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer);
  await new Promise<void>((resolve) => terminal.write(data, resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < terminal.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  const screen = serializer.serialize();
  terminal.dispose();
  return { screen, lines };
}

/** An interactive child process (e.g. `ssh -tt`) with its whole output kept as bytes. */
export class InteractiveProcess {
  private chunks: Buffer[] = [];
  private stdoutChunks: Buffer[] = [];
  readonly exited: Promise<{ code: number | null; at: number }>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.stdoutChunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => this.chunks.push(c));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve({ code, at: Date.now() })));
  }

  static spawn(command: string, args: string[], env: NodeJS.ProcessEnv = {}): InteractiveProcess {
    return new InteractiveProcess(spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  }

  get output(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Only what the remote side sent (the screen), without the local client's own messages. */
  get stdout(): Buffer {
    return Buffer.concat(this.stdoutChunks);
  }

  get text(): string {
    return this.output.toString('utf8');
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  async waitFor(pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = () => (typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text));
    while (!matches()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far: ${JSON.stringify(this.text.slice(-2000))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
