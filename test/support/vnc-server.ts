import * as fs from 'node:fs';
import { DaemonProcess } from './daemon-process';
import { freePort } from './ports';
import { run } from './sshd';

const XVNC = '/usr/bin/Xvnc';
const XDOTOOL = '/usr/bin/xdotool';

export interface Pointer {
  x: number;
  y: number;
}

export interface VncServerOptions {
  width?: number;
  height?: number;
}

/**
 * A real VNC server for guacd to drive: TigerVNC's `Xvnc` on a free loopback port, no VNC
 * authentication, no X over TCP. The X display number is chosen by the X server itself
 * (`-displayfd`), which takes the first number whose lock file it can create: parallel jest
 * workers can never get the same display.
 */
export class VncServer {
  private constructor(
    private readonly daemon: DaemonProcess,
    readonly port: number,
    readonly display: number,
    readonly width: number,
    readonly height: number,
    /** Milliseconds from spawn to listening, for the report. */
    readonly startMs: number,
  ) {}

  /** `DISPLAY` for X clients (xdotool, a clock...) that should draw on or query this screen. */
  get displayName(): string {
    return `:${this.display}`;
  }

  static async start(options: VncServerOptions = {}): Promise<VncServer> {
    if (!fs.existsSync(XVNC)) throw new Error(`${XVNC} not found: run \`node scripts/prepare-test-env.js\` (installs tigervnc-standalone-server)`);
    const width = options.width ?? 1024;
    const height = options.height ?? 768;
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const started = Date.now();
      const daemon = DaemonProcess.spawn(
        'Xvnc',
        XVNC,
        ['-displayfd', '3', '-rfbport', String(port), '-localhost', '-interface', '127.0.0.1', '-nolisten', 'tcp',
          '-SecurityTypes', 'None', '-geometry', `${width}x${height}`, '-depth', '24',
          // The classic grey weave instead of a black root window: guacd's screen starts black,
          // so on a black target the first frame would draw nothing.
          '-retro'],
        { extraFds: 1 },
      );
      let displayText = '';
      daemon.pipe(3).on('data', (chunk: Buffer) => (displayText += chunk.toString()));
      try {
        // The display number arrives once X accepts clients; the log line once VNC listens.
        await daemon.waitUntil(
          (out) => /\n/.test(displayText) && new RegExp(`Listening for VNC connections on .*port ${port}\\b`).test(out),
          15_000,
          'display number and VNC listener',
        );
        return new VncServer(daemon, port, Number(displayText.trim()), width, height, Date.now() - started);
      } catch (error) {
        await daemon.stop();
        // Another process took the port between freePort() and Xvnc's bind: try another.
        if (attempt >= 3 || !/Address already in use|Unable to listen|EADDRINUSE/i.test(daemon.logs())) throw error;
      }
    }
  }

  /** Where the X pointer is, as X itself reports it. */
  async pointer(): Promise<Pointer> {
    const result = await this.xdotool(['getmouselocation', '--shell']);
    const x = /^X=(\d+)$/m.exec(result)?.[1];
    const y = /^Y=(\d+)$/m.exec(result)?.[1];
    if (x === undefined || y === undefined) throw new Error(`xdotool getmouselocation: ${result}`);
    return { x: Number(x), y: Number(y) };
  }

  /** Puts the X pointer somewhere directly (not through VNC), to start from a known place. */
  async movePointer(x: number, y: number): Promise<void> {
    await this.xdotool(['mousemove', '--sync', String(x), String(y)]);
  }

  logs(): string {
    return this.daemon.logs();
  }

  stop(): Promise<void> {
    return this.daemon.stop();
  }

  private async xdotool(args: string[]): Promise<string> {
    if (!fs.existsSync(XDOTOOL)) throw new Error(`${XDOTOOL} not found: run \`node scripts/prepare-test-env.js\` (installs xdotool)`);
    const result = await run(XDOTOOL, args, { env: { DISPLAY: this.displayName }, timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`xdotool ${args.join(' ')} on ${this.displayName} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  }
}
