import * as net from 'node:net';
import { encodeInstruction, GuacamoleParser, type GuacamoleInstruction } from './guacamole-protocol';

/** A decoded image stream (`img` + `blob`s + `end`). */
export interface ReceivedImage {
  layer: number;
  mimetype: string;
  x: number;
  y: number;
  data: Buffer;
  /** Milliseconds since the client's `ready`. */
  atMs: number;
}

export interface HandshakeOptions {
  /** A protocol name (`vnc`, `rdp`) for a new connection, or `$<connection id>` to join one. */
  select: string;
  /** Connect arguments by name; guacd's `args` decides the order, anything it doesn't name is left out. */
  args: Record<string, string>;
  width?: number;
  height?: number;
  timeoutMs?: number;
}

/**
 * A Guacamole client speaking directly to guacd over TCP, like guacamole-lite does for a browser:
 * the handshake, `sync` acknowledgements (guacd throttles a client that never answers them), and
 * a log of every instruction received for the test to wait on. It declares no image formats, so
 * guacd sends PNG only, which a test can measure (IHDR).
 */
export class GuacdClient {
  readonly received: Array<GuacamoleInstruction & { atMs: number }> = [];
  readonly images: ReceivedImage[] = [];
  connectionId = '';
  /** The `args` guacd sent: the protocol version first, then the argument names. */
  offeredArgs: string[] = [];
  private readonly parser = new GuacamoleParser();
  private readonly streams = new Map<string, { layer: number; mimetype: string; x: number; y: number; chunks: Buffer[] }>();
  private readonly waiters = new Set<() => void>();
  private readyAt = 0;
  private closed = false;
  private failure?: Error;
  /** guacd drops a user it has heard nothing from for 15 s; guacamole-common-js sends `nop` every 5 s. */
  private readonly keepalive = setInterval(() => this.send('nop'), 5_000);

  private constructor(private readonly socket: net.Socket) {
    this.keepalive.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      this.closed = true;
      clearInterval(this.keepalive);
      this.wake();
    });
  }

  /** Connects and completes the handshake: resolves after `ready`, rejects on guacd's `error`. */
  static async connect(host: string, port: number, options: HandshakeOptions): Promise<GuacdClient> {
    const socket = net.connect(port, host);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new GuacdClient(socket);
    try {
      await client.handshake(options);
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return client;
  }

  send(opcode: string, ...args: Array<string | number | boolean>): void {
    if (!this.closed && this.socket.writable) this.socket.write(encodeInstruction(opcode, ...args));
  }

  /** A mouse event (`mouse,x,y,buttons`) as a browser sends it. */
  mouse(x: number, y: number, buttons = 0): void {
    this.send('mouse', x, y, buttons);
  }

  /** Resolves with the first received instruction (from index `from`) that matches, or rejects with what did arrive. */
  async waitFor(match: (i: GuacamoleInstruction) => boolean, what: string, timeoutMs = 15_000, from = 0): Promise<GuacamoleInstruction & { atMs: number }> {
    return this.until(() => this.received.slice(from).find(match), what, timeoutMs);
  }

  /** Resolves with the first image (from index `from`) that matches. */
  async waitForImage(match: (image: ReceivedImage) => boolean, what: string, timeoutMs = 15_000, from = 0): Promise<ReceivedImage> {
    return this.until(() => this.images.slice(from).find(match), what, timeoutMs);
  }

  /** Sends `disconnect` and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.send('disconnect');
    this.socket.end();
    await this.until(() => (this.closed ? true : undefined), 'socket close', 5_000).catch(() => this.socket.destroy());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Opcodes received so far, for failure messages. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const i of this.received) counts.set(i.opcode, (counts.get(i.opcode) ?? 0) + 1);
    const errors = this.received.filter((i) => i.opcode === 'error').map((i) => i.args.join(' / '));
    return `${[...counts].map(([op, n]) => `${op}×${n}`).join(' ')}${errors.length ? `; errors: ${errors.join('; ')}` : ''}${this.failure ? `; ${this.failure.message}` : ''}`;
  }

  private async handshake(options: HandshakeOptions): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    this.send('select', options.select);
    const offer = await this.waitFor((i) => i.opcode === 'args' || i.opcode === 'error', '`args`', timeoutMs);
    if (offer.opcode === 'error') throw new Error(`guacd refused select ${options.select}: ${offer.args.join(' / ')}`);
    this.offeredArgs = offer.args;
    const [version, ...names] = offer.args;
    this.send('size', options.width ?? 1024, options.height ?? 768, 96);
    this.send('audio');
    this.send('video');
    this.send('image');
    this.send('timezone', 'UTC');
    // Protocol 1.1+: the first connect value is the version we speak (guacd's own here).
    this.send('connect', version.startsWith('VERSION_') ? version : 'VERSION_1_5_0', ...names.map((name) => options.args[name] ?? ''));
    const answer = await this.waitFor((i) => i.opcode === 'ready' || i.opcode === 'error', '`ready`', timeoutMs);
    if (answer.opcode === 'error') throw new Error(`guacd refused the connection: ${answer.args.join(' / ')}`);
    this.connectionId = answer.args[0];
    this.readyAt = Date.now();
  }

  private onData(chunk: Buffer): void {
    let instructions: GuacamoleInstruction[];
    try {
      instructions = this.parser.push(chunk);
    } catch (error) {
      this.fail(error as Error);
      this.socket.destroy();
      return;
    }
    const atMs = this.readyAt ? Date.now() - this.readyAt : 0;
    for (const instruction of instructions) {
      this.received.push({ ...instruction, atMs });
      this.track(instruction, atMs);
    }
    if (instructions.length) this.wake();
  }

  private track({ opcode, args }: GuacamoleInstruction, atMs: number): void {
    if (opcode === 'sync') this.send('sync', args[0]);
    else if (opcode === 'img') {
      // img,stream,mask,layer,mimetype,x,y
      this.streams.set(args[0], { layer: Number(args[2]), mimetype: args[3], x: Number(args[4]), y: Number(args[5]), chunks: [] });
    } else if (opcode === 'blob') {
      this.streams.get(args[0])?.chunks.push(Buffer.from(args[1], 'base64'));
    } else if (opcode === 'end') {
      const stream = this.streams.get(args[0]);
      if (!stream) return;
      this.streams.delete(args[0]);
      this.images.push({ layer: stream.layer, mimetype: stream.mimetype, x: stream.x, y: stream.y, data: Buffer.concat(stream.chunks), atMs });
    }
  }

  private until<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) done(() => resolve(found));
        else if (this.closed || this.failure) done(() => reject(new Error(`connection ${this.closed ? 'closed' : 'failed'} before ${what}; received: ${this.summary()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${this.summary()}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Where each drawing instruction names its destination layer (0 is the visible screen). */
const DESTINATION_LAYER: Record<string, number> = { img: 2, cfill: 1, rect: 0, copy: 6, transfer: 6 };

/** True for an instruction that draws on the default layer, the screen. */
export function drawsOnScreen({ opcode, args }: GuacamoleInstruction): boolean {
  const index = DESTINATION_LAYER[opcode];
  return index !== undefined && args[index] === '0';
}

/** Width and height from a PNG's IHDR chunk, or null if `data` is not a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (data.length < 24 || !data.subarray(0, 8).equals(signature) || data.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}
