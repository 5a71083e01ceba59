import { WebSocket } from 'ws';

/**
 * A `/live` viewer that speaks the socket.io v5 / engine.io v4 wire protocol over a bare `ws`
 * connection and hands each frame's raw bytes to `onFrame` undecoded (the shadow-delay bench's
 * viewers, and a viewer that can stop reading in the tests).
 *
 * Why not socket.io-client here: the shadow-delay bench runs hundreds of viewers in one process,
 * and socket.io-client JSON-parses every frame for every viewer (500 viewers × 1 MB/s is 500 MB/s of
 * JSON.parse on one core). That measured the load generator, not the gateway. A browser viewer
 * decodes only its own stream; the floor's `ws` clients do not decode either.
 * The protocol framing is the real one: the gateway cannot tell this client from socket.io-client.
 */
export class LiveWireViewer {
  private nextAck = 1;
  private readonly acks = new Map<number, (payload: string) => void>();

  private constructor(
    private readonly ws: WebSocket,
    private onFrame: (data: Buffer) => void,
  ) {}

  /** Opens the websocket, joins the `/live` namespace with `token`, resolves once connected. */
  static connect(url: string, token: string, timeoutMs = 30_000): Promise<LiveWireViewer> {
    const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    const viewer = new LiveWireViewer(ws, () => undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no /live connect within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };
      ws.once('error', fail);
      ws.on('message', (data: Buffer) => {
        // engine.io: 0 open, 2 ping, 4 message; socket.io inside: 0 connect, 2 event, 3 ack, 4 error
        const type = data[0];
        if (type === 0x30) {
          ws.send(`40/live,${JSON.stringify({ token })}`);
        } else if (type === 0x32) {
          ws.send('3');
        } else if (type === 0x34) {
          if (data[1] === 0x32) viewer.onFrame(data);
          else if (data[1] === 0x33) viewer.settleAck(data.toString('utf8'));
          else if (data[1] === 0x30) {
            clearTimeout(timer);
            resolve(viewer);
          } else if (data[1] === 0x34) fail(new Error(`connect refused: ${data.toString('utf8')}`));
        }
      });
    });
  }

  /** Attaches in view mode; resolves with the ack's raw JSON text (`{"ok":true,...}`). */
  attachView(sessionId: string, timeoutMs = 60_000): Promise<string> {
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no attach ack within ${timeoutMs} ms`)), timeoutMs);
      this.acks.set(id, (payload) => {
        clearTimeout(timer);
        if (!payload.startsWith('[{"ok":true')) reject(new Error(`attach refused: ${payload.slice(0, 200)}`));
        else resolve(payload);
      });
      this.ws.send(`42/live,${id}${JSON.stringify(['attach', { sessionId, mode: 'view' }])}`);
    });
  }

  /** Every event frame from now on (`42/live,["output",{...}]` and the others), undecoded. */
  onEventFrame(listener: (data: Buffer) => void): void {
    this.onFrame = listener;
  }

  /** Stops reading the socket (a viewer on a stalled network), or reads again. */
  setReading(reading: boolean): void {
    const socket = (this.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    if (reading) socket.resume();
    else socket.pause();
  }

  close(): void {
    this.ws.terminate();
  }

  private settleAck(frame: string): void {
    // `43/live,<id>[...]`
    const match = /^43\/live,(\d+)/.exec(frame);
    if (!match) return;
    const id = Number(match[1]);
    const settle = this.acks.get(id);
    this.acks.delete(id);
    settle?.(frame.slice(match[0].length));
  }
}
