import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Connection, ServerChannel, Server as SshServer, utils } from 'ssh2';
import { sha256Fingerprint } from '@vigil/ssh-jump';
import { FakeShell } from './fake-shell';

export interface DemoSshServerOptions {
  /** the one account it accepts, with a password made for this boot */
  username: string;
  password: string;
  host: string;
  now: () => number;
  logger: { warn(message: string): void };
  /** how often running programs (tail -f, top) are given the time */
  tickMs?: number;
}

/** More than the jump ever opens for the demo; a flood of local connections is cut. */
const MAX_CONNECTIONS = 16;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The built-in demo target: an ssh2 server on loopback, on a free port, with a host key made for
 * this boot. Its only "shell" is FakeShell (no process is started, no file of the host read);
 * exec, subsystems (sftp), forwarding and agent/X11 requests are all refused.
 */
export class DemoSshServer {
  private constructor(
    private readonly server: SshServer,
    private readonly connections: Set<Connection>,
    readonly port: number,
    /** the OpenSSH-style fingerprint the demo target pins */
    readonly hostKeySha256: string,
  ) {}

  static async start(options: DemoSshServerOptions): Promise<DemoSshServer> {
    const keys = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(keys.public);
    if (parsed instanceof Error) throw parsed;
    const fingerprint = sha256Fingerprint(parsed.getPublicSSH());
    const connections = new Set<Connection>();
    const server = new SshServer({ hostKeys: [keys.private] }, (client) => {
      if (connections.size >= MAX_CONNECTIONS) {
        client.end();
        return;
      }
      connections.add(client);
      client.on('close', () => connections.delete(client));
      serve(client, options);
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    return new DemoSshServer(server, connections, port, fingerprint);
  }

  async close(): Promise<void> {
    for (const client of this.connections) client.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function serve(client: Connection, options: DemoSshServerOptions): void {
  const expected = digest(options.password);
  client.on('error', (error) => options.logger.warn(`demo target connection: ${error.message}`));
  client.on('authentication', (ctx) => {
    const ok = ctx.method === 'password' && ctx.username === options.username && timingSafeEqual(digest(ctx.password), expected);
    if (ok) ctx.accept();
    else ctx.reject(['password']);
  });
  client.on('ready', () => {
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
    client.on('request', (_accept, reject) => reject?.());
    client.on('session', (accept) => {
      const session = accept();
      let size = { cols: 80, rows: 24 };
      let shell: FakeShell | null = null;
      session.on('pty', (acceptPty, _reject, info) => {
        size = { cols: info.cols || 80, rows: info.rows || 24 };
        acceptPty?.();
      });
      session.on('window-change', (acceptChange, _reject, info) => {
        size = { cols: info.cols || size.cols, rows: info.rows || size.rows };
        shell?.resize(size.cols, size.rows);
        acceptChange?.();
      });
      session.on('env', (acceptEnv) => acceptEnv?.());
      session.on('exec', (_accept, reject) => reject?.());
      session.on('subsystem', (_accept, reject) => reject?.());
      session.on('sftp', (_accept, reject) => reject?.());
      session.on('x11', (_accept, reject) => reject?.());
      session.on('auth-agent', (_accept, reject) => reject?.());
      session.on('shell', (acceptShell) => {
        if (shell) return;
        shell = new FakeShell({ user: options.username, host: options.host, now: options.now, size });
        runShell(acceptShell(), shell, options.tickMs ?? 200);
      });
    });
  });
}

function runShell(channel: ServerChannel, shell: FakeShell, tickMs: number): void {
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    channel.exit(0);
    channel.end();
  };
  const write = (text: string) => {
    if (text !== '' && !closed) channel.write(text);
    if (shell.ended) finish();
  };
  const timer = setInterval(() => write(shell.tick()), tickMs);
  timer.unref();
  channel.on('data', (data: Buffer) => write(shell.input(data.toString('utf8'))));
  channel.on('close', () => {
    closed = true;
    clearInterval(timer);
  });
  channel.on('error', () => undefined);
  write(shell.start());
}
