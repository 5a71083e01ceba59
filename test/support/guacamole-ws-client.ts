import WebSocket from 'ws';
import { encodeInstruction, GuacamoleParser, type GuacamoleInstruction } from './guacamole-protocol';
import type { ReceivedImage } from './guacd-client';

export interface TunnelOptions {
  /** query parameters besides the token (a browser adds width, height, dpi...) */
  query?: Record<string, string>;
  origin?: string;
  timeoutMs?: number;
}

/**
 * A browser's side of the Guacamole WebSocket tunnel, without the browser: opens
 * `ws://gateway/guacamole?token=...`, waits for guacamole-lite's connection id (an instruction
 * with an empty opcode, sent on guacd's `ready`), acknowledges `sync`s and sends `nop` every 5 s
 * like guacamole-common-js, and logs what arrives for the test to wait on.
 */
export class GuacamoleWsClient {
  readonly received: Array<GuacamoleInstruction & { at: number }> = [];
  readonly images: ReceivedImage[] = [];
  connectionId = '';
  closedAt = 0;
  closeCode = 0;
  private readonly parser = new GuacamoleParser();
  private readonly streams = new Map<string, { layer: number; mimetype: string; x: number; y: number; chunks: Buffer[] }>();
  private readonly waiters = new Set<() => void>();
  private readonly keepalive: NodeJS.Timeout;

  private constructor(private readonly ws: WebSocket) {
    this.keepalive = setInterval(() => this.send('nop'), 5_000);
    this.keepalive.unref();
    ws.on('message', (data: Buffer) => this.onData(data));
    ws.on('close', (code) => {
      this.closedAt = Date.now();
      this.closeCode = code;
      clearInterval(this.keepalive);
      this.wake();
    });
    ws.on('error', () => this.wake());
  }

  /** Opens the tunnel; resolves once the WebSocket is open (not yet `ready`). Rejects with the HTTP status of a refused upgrade. */
  static open(baseUrl: string, path: string, token: string, options: TunnelOptions = {}): Promise<GuacamoleWsClient> {
    const query = new URLSearchParams({ token, width: '1024', height: '768', dpi: '96', ...options.query });
    const url = `${baseUrl.replace(/^http/, 'ws')}${path}?${query.toString()}`;
    return GuacamoleWsClient.openUrl(url, options);
  }

  static openUrl(url: string, options: TunnelOptions = {}): Promise<GuacamoleWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: options.origin ? { Origin: options.origin } : {}, handshakeTimeout: options.timeoutMs ?? 15_000 });
      ws.once('open', () => resolve(new GuacamoleWsClient(ws)));
      ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode} ${body.trim()}`), { status: response.statusCode, body })));
        response.on('error', () => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode })));
      });
      ws.once('error', (error) => reject(Object.assign(error, { status: 0 })));
    });
  }

  /** Opens and waits for guacd's `ready` (the connection id), or rejects with the error instruction. */
  static async connect(baseUrl: string, path: string, token: string, options: TunnelOptions = {}): Promise<GuacamoleWsClient> {
    const client = await GuacamoleWsClient.open(baseUrl, path, token, options);
    try {
      const ready = await client.waitFor((i) => i.opcode === '' || i.opcode === 'error', 'ready', options.timeoutMs ?? 30_000);
      if (ready.opcode === 'error') throw new Error(`tunnel error: ${ready.args.join(' / ')}`);
      client.connectionId = ready.args[0];
    } catch (error) {
      client.ws.terminate();
      throw error;
    }
    return client;
  }

  send(opcode: string, ...args: Array<string | number>): void {
    this.sendRaw(encodeInstruction(opcode, ...args));
  }

  sendRaw(text: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  mouse(x: number, y: number, buttons = 0): void {
    this.send('mouse', x, y, buttons);
  }

  get isClosed(): boolean {
    return this.closedAt > 0;
  }

  async waitFor(match: (i: GuacamoleInstruction) => boolean, what: string, timeoutMs = 15_000): Promise<GuacamoleInstruction & { at: number }> {
    return this.until(() => this.received.find(match), what, timeoutMs, true);
  }

  async waitForImage(match: (image: ReceivedImage) => boolean, what: string, timeoutMs = 15_000): Promise<ReceivedImage> {
    return this.until(() => this.images.find(match), what, timeoutMs, true);
  }

  /** Resolves with the close time once the server closed the tunnel. */
  async waitClosed(timeoutMs = 15_000): Promise<number> {
    return this.until(() => (this.closedAt ? this.closedAt : undefined), 'close', timeoutMs, false);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.send('disconnect');
      this.ws.close(1000);
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const i of this.received) counts.set(i.opcode, (counts.get(i.opcode) ?? 0) + 1);
    const errors = this.received.filter((i) => i.opcode === 'error').map((i) => i.args.join(' / '));
    return `${[...counts].map(([op, n]) => `${op || "''"}×${n}`).join(' ')}${errors.length ? `; errors: ${errors.join('; ')}` : ''}${this.closedAt ? `; closed ${this.closeCode}` : ''}`;
  }

  private onData(data: Buffer): void {
    let instructions: GuacamoleInstruction[];
    try {
      instructions = this.parser.push(data);
    } catch {
      this.ws.terminate();
      return;
    }
    const at = Date.now();
    for (const instruction of instructions) {
      this.received.push({ ...instruction, at });
      const { opcode, args } = instruction;
      if (opcode === 'sync') this.send('sync', args[0]);
      else if (opcode === 'img') this.streams.set(args[0], { layer: Number(args[2]), mimetype: args[3], x: Number(args[4]), y: Number(args[5]), chunks: [] });
      else if (opcode === 'blob') this.streams.get(args[0])?.chunks.push(Buffer.from(args[1], 'base64'));
      else if (opcode === 'end') {
        const stream = this.streams.get(args[0]);
        if (stream) {
          this.streams.delete(args[0]);
          this.images.push({ layer: stream.layer, mimetype: stream.mimetype, x: stream.x, y: stream.y, data: Buffer.concat(stream.chunks), atMs: at });
        }
      }
    }
    if (instructions.length) this.wake();
  }

  private until<T>(find: () => T | undefined, what: string, timeoutMs: number, failOnClose: boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) done(() => resolve(found));
        else if (failOnClose && this.closedAt) done(() => reject(new Error(`tunnel closed before ${what}; received: ${this.summary()}`)));
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

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
