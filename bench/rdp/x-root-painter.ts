import * as net from 'node:net';

/**
 * Paints an X display's root window one solid colour, at a known time, by speaking the X11 core
 * protocol itself over the display's Unix socket (what `xsetroot -solid` does, without spawning a
 * process per change, whose start-up jitter would blur the figure, and without x11-xserver-utils,
 * which the test machine does not install). Xvnc runs without X access control, so the setup
 * carries no authorisation. Requests: ChangeWindowAttributes(root, background-pixel) + ClearArea
 * (whole root, the repaint VNC then sends), then GetInputFocus, whose reply says X has done both.
 */
export class XRootPainter {
  private buffer = Buffer.alloc(0);
  private readonly replies: Array<(error?: Error) => void> = [];

  private constructor(
    private readonly socket: net.Socket,
    readonly root: number,
    readonly depth: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.failAll(new Error('X connection closed')));
    socket.on('error', (error) => this.failAll(error));
  }

  static connect(display: number, timeoutMs = 5_000): Promise<XRootPainter> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(`/tmp/.X11-unix/X${display}`);
      const timer = setTimeout(() => fail(new Error(`X display :${display}: no setup reply within ${timeoutMs} ms`)), timeoutMs);
      let received = Buffer.alloc(0);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 8) return;
        const total = 8 + 4 * received.readUInt16LE(6);
        if (received.length < total) return;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', fail);
        if (received[0] !== 1) return fail(new Error(`X display :${display} refused the connection: ${received.subarray(8, 8 + received[1]).toString()}`));
        const setup = parseSetup(received.subarray(0, total));
        const painter = new XRootPainter(socket, setup.root, setup.depth);
        if (received.length > total) painter.onData(received.subarray(total));
        resolve(painter);
      };
      socket.on('data', onData);
      socket.once('error', fail);
      // Byte order 'l' (little endian), protocol 11.0, no authorisation.
      const request = Buffer.alloc(12);
      request[0] = 0x6c;
      request.writeUInt16LE(11, 2);
      socket.write(request);
    });
  }

  /**
   * Sets the root background to `rgb` (0xRRGGBB: the pixel value of Xvnc's 24-bit TrueColor root
   * visual) and clears the whole root to it; resolves once X has processed both.
   */
  paint(rgb: number): Promise<void> {
    if (this.depth !== 24) throw new Error(`root depth ${this.depth}: only 24-bit TrueColor pixels are written`);
    const change = Buffer.alloc(16);
    change[0] = 2; // ChangeWindowAttributes
    change.writeUInt16LE(4, 2);
    change.writeUInt32LE(this.root, 4);
    change.writeUInt32LE(0x2, 8); // CWBackPixel
    change.writeUInt32LE(rgb >>> 0, 12);
    const clear = Buffer.alloc(16);
    clear[0] = 61; // ClearArea, exposures false, x y 0, width height 0: the whole window
    clear.writeUInt16LE(4, 2);
    clear.writeUInt32LE(this.root, 4);
    const focus = Buffer.alloc(4);
    focus[0] = 43; // GetInputFocus: a round trip
    focus.writeUInt16LE(1, 2);
    return new Promise((resolve, reject) => {
      this.replies.push((error) => (error ? reject(error) : resolve()));
      this.socket.write(Buffer.concat([change, clear, focus]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 32) {
      const kind = this.buffer[0];
      // Replies may carry extra 4-byte units; errors and events are 32 bytes.
      const length = kind === 1 ? 32 + 4 * this.buffer.readUInt32LE(4) : 32;
      if (this.buffer.length < length) return;
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (kind === 1) this.replies.shift()?.();
      else if (kind === 0) this.replies.shift()?.(new Error(`X error ${message[1]} on request opcode ${message[10]}`));
    }
  }

  private failAll(error: Error): void {
    for (const settle of this.replies.splice(0)) settle(error);
  }
}

/** The first screen's root window and depth from the connection setup reply. */
function parseSetup(reply: Buffer): { root: number; depth: number } {
  const vendorLength = reply.readUInt16LE(24);
  const formats = reply[29];
  const screen = 40 + Math.ceil(vendorLength / 4) * 4 + 8 * formats;
  return { root: reply.readUInt32LE(screen), depth: reply[screen + 38] };
}
