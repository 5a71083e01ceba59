/**
 * The capacity bench's users, in their own process (forked with IPC, so the load generator's
 * event loop is neither the gateway's nor the bench's): N ssh2 clients with a PTY shell each, each
 * typing one key per second (a rotating upper-case letter) and timing until its echo comes back
 * through the output stream (the scripted target prints 10 lowercase lines per second meanwhile).
 * Messages in: `open`, `measure`, `close`; out: `opened`, `measured`.
 */
import * as fs from 'node:fs';
import { Client, type ClientChannel } from 'ssh2';

export type LoadRequest =
  | { type: 'open'; count: number; port: number; username: string; privateKeyPath: string; concurrency: number; cipher: string }
  | { type: 'measure'; seconds: number }
  | { type: 'close' };

export type LoadReply =
  | { type: 'opened'; open: number; failed: number; firstError?: string }
  | { type: 'measured'; samples: number[]; unanswered: number; outputBytes: number; open: number; lost: number };

const KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

class TypingUser {
  private pending: { key: string; at: number } | null = null;
  private keyIndex = 0;
  private timer?: NodeJS.Timeout;
  closed = false;

  constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    private readonly sink: { sample(ms: number): void; unanswered(): void; bytes(n: number): void },
  ) {
    channel.on('data', (data: Buffer) => {
      sink.bytes(data.length);
      if (this.pending && data.includes(this.pending.key)) {
        sink.sample(performance.now() - this.pending.at);
        this.pending = null;
      }
    });
    channel.on('close', () => this.stop());
    // A random phase: 1,000 users do not all type in the same millisecond.
    setTimeout(() => {
      if (this.closed) return;
      this.type();
      this.timer = setInterval(() => this.type(), 1000);
    }, Math.random() * 1000);
  }

  private type(): void {
    if (this.pending) {
      this.sink.unanswered(); // no echo within a second: counted, and the key is not retyped
      this.pending = null;
    }
    const key = KEYS[this.keyIndex++ % KEYS.length];
    this.pending = { key, at: performance.now() };
    this.channel.write(key);
  }

  stop(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  end(): void {
    this.stop();
    this.client.end();
  }
}

function openUser(request: Extract<LoadRequest, { type: 'open' }>, privateKey: Buffer, sink: ConstructorParameters<typeof TypingUser>[2]): Promise<TypingUser> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('error', reject);
    client.once('ready', () => {
      client.shell({ term: 'xterm', cols: 120, rows: 40 }, (err, channel) => {
        if (err) return reject(err);
        resolve(new TypingUser(client, channel, sink));
      });
    });
    client.connect({
      host: '127.0.0.1',
      port: request.port,
      username: request.username,
      privateKey,
      readyTimeout: 60_000,
      keepaliveInterval: 30_000,
      algorithms: { cipher: [request.cipher] as never },
    });
  });
}

function main(): void {
  const users: TypingUser[] = [];
  let samples: number[] = [];
  let unanswered = 0;
  let outputBytes = 0;
  let counting = false;
  const sink = {
    sample: (ms: number) => counting && samples.push(ms),
    unanswered: () => counting && unanswered++,
    bytes: (n: number) => (outputBytes += n),
  };
  const reply = (message: LoadReply) => process.send!(message);
  process.on('message', async (request: LoadRequest) => {
    if (request.type === 'open') {
      const privateKey = fs.readFileSync(request.privateKeyPath);
      let failed = 0;
      let firstError: string | undefined;
      let next = 0;
      await Promise.all(
        Array.from({ length: request.concurrency }, async () => {
          while (next < request.count) {
            next++;
            try {
              users.push(await openUser(request, privateKey, sink));
            } catch (error) {
              failed++;
              firstError ??= (error as Error).message;
            }
          }
        }),
      );
      reply({ type: 'opened', open: users.filter((u) => !u.closed).length, failed, ...(firstError ? { firstError } : {}) });
    } else if (request.type === 'measure') {
      samples = [];
      unanswered = 0;
      outputBytes = 0;
      counting = true;
      await new Promise((r) => setTimeout(r, request.seconds * 1000));
      counting = false;
      const open = users.filter((u) => !u.closed).length;
      reply({ type: 'measured', samples, unanswered, outputBytes, open, lost: users.length - open });
    } else {
      users.forEach((u) => u.end());
      setTimeout(() => process.exit(0), 500);
    }
  });
}

if (require.main === module) main();
