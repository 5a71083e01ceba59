import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DaemonProcess } from './daemon-process';
import { freePort } from './ports';
import { repoRoot } from './repo-root';

const XRDP = '/usr/sbin/xrdp';

/**
 * A real RDP server for guacd to drive: Debian's `xrdp` in the foreground on a free loopback port,
 * configured by `vendor/xrdp-loopback.ini` to autorun its VNC backend against a running `Xvnc`.
 * No sesman, no PAM, no system user: guacd logs in with any name and password. It uses the
 * package's key and certificate in /etc/xrdp. Its log goes to a file in a temporary folder
 * (removed at stop), read for failure messages.
 */
export class XrdpServer {
  private constructor(
    private readonly daemon: DaemonProcess,
    private readonly dir: string,
    readonly port: number,
    /** Milliseconds from spawn to listening, for the report. */
    readonly startMs: number,
  ) {}

  /** What guacd's RDP client needs to log in (xrdp offers no NLA, and `security=rdp` fails its MAC check). */
  get connectArgs(): Record<string, string> {
    return { hostname: '127.0.0.1', port: String(this.port), username: 'na', password: 'x', 'ignore-cert': 'true', security: 'any' };
  }

  static async start(vncPort: number): Promise<XrdpServer> {
    if (!fs.existsSync(XRDP)) throw new Error(`${XRDP} not found: run \`node scripts/prepare-test-env.js\` (installs xrdp and xorgxrdp)`);
    const template = fs.readFileSync(path.join(repoRoot(), 'vendor', 'xrdp-loopback.ini'), 'utf8');
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-xrdp-'));
      const logFile = path.join(dir, 'xrdp.log');
      const configFile = path.join(dir, 'xrdp.ini');
      fs.writeFileSync(configFile, configure(template, { port, vncPort, logFile }));
      const started = Date.now();
      const daemon = DaemonProcess.spawn('xrdp', XRDP, ['--nodaemon', '--config', configFile]);
      const server = new XrdpServer(daemon, dir, port, 0);
      try {
        // It logs "listening to port" before binding; this line comes once it listens.
        await daemon.waitUntil(() => /xrdp_listen_pp done/.test(server.logs()), 15_000, `listener (log: ${server.logs()})`);
        return new XrdpServer(daemon, dir, port, Date.now() - started);
      } catch (error) {
        const bindFailed = /trans_listen_address failed/.test(server.logs());
        await server.stop();
        // Another process took the port between freePort() and xrdp's bind: try another.
        if (attempt >= 3 || !bindFailed) throw new Error(`${(error as Error).message}\nxrdp log:\n${server.logs()}`);
      }
    }
  }

  /** xrdp's log file (connections, the VNC backend's handshake) and anything it printed. */
  logs(): string {
    let file = '';
    try {
      file = fs.readFileSync(path.join(this.dir, 'xrdp.log'), 'utf8');
    } catch {
      // not written yet, or removed at stop
    }
    return file + this.daemon.logs();
  }

  /** Stops xrdp and the processes it forked for connections (its process group), then removes its folder. */
  async stop(): Promise<void> {
    await this.daemon.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The vendored configuration with this run's ports and log file; fails if the template changed shape. */
function configure(template: string, { port, vncPort, logFile }: { port: number; vncPort: number; logFile: string }): string {
  const replacements: Array<[RegExp, string]> = [
    [/^port=tcp:\/\/127\.0\.0\.1:\d+$/m, `port=tcp://127.0.0.1:${port}`],
    [/^LogFile=.*$/m, `LogFile=${logFile}`],
    [/^(\[vnc5\][^[]*?)^port=\d+$/m, `$1port=${vncPort}`],
  ];
  let config = template;
  for (const [pattern, value] of replacements) {
    if (!pattern.test(config)) throw new Error(`vendor/xrdp-loopback.ini has no line matching ${pattern}`);
    config = config.replace(pattern, value);
  }
  return config;
}
