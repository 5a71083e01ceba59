/**
 * The thinnest ssh2 man-in-the-middle relay: the baseline the Vigil jump is judged against
 * (issue 13 goal 1). An ssh2 `Server` that lets anyone in (any method, `none` included: no
 * identity, no registry, no recording, no viewer, no policy) and pipes each session channel to
 * an ssh2 `Client` connected to the target with the target key, with the same ssh2 defaults the
 * jump's upstream leg uses (libs/ssh-jump/src/upstream-connect.ts passes no `algorithms`).
 *
 * Runs as its own process (like the gateway, so it gets its own core share):
 * `node scripts/run-dist.js bench/ssh/bare-relay.js` with env RELAY_TARGET_PORT,
 * RELAY_TARGET_KEY (file), RELAY_HOST_KEY (file), RELAY_TARGET_USER; it prints
 * `bare relay listening on <port>` and, per upstream handshake, `upstream cipher <name>`.
 */
import * as fs from 'node:fs';
import { Client, type ClientChannel, type Connection, type PseudoTtyInfo, Server, type ServerChannel } from 'ssh2';

interface RelayOptions {
  targetHost: string;
  targetPort: number;
  targetUser: string;
  targetKey: Buffer;
  hostKey: Buffer;
  /** offered to the OpenSSH client (the jump's own default list, so the client leg negotiates alike) */
  serverCiphers: string[];
  onUpstreamCipher?: (cipher: string) => void;
}

/** Starts the relay on 127.0.0.1:<free port>; resolves with the server and its port. */
export function startBareRelay(options: RelayOptions): Promise<{ server: Server; port: number }> {
  const server = new Server({ hostKeys: [options.hostKey], algorithms: { cipher: options.serverCiphers as never } }, (conn) => relay(conn, options));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function relay(conn: Connection, options: RelayOptions): void {
  let upstream: Client | undefined;
  conn.on('error', () => upstream?.end());
  conn.on('close', () => upstream?.end());
  conn.on('authentication', (ctx) => ctx.accept());
  conn.on('ready', () => {
    const client = new Client();
    upstream = client;
    client.on('error', () => conn.end());
    client.on('close', () => conn.end());
    client.on('handshake', (negotiated: { cs: { cipher: string } }) => options.onUpstreamCipher?.(negotiated.cs.cipher));
    const connected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    client.connect({ host: options.targetHost, port: options.targetPort, username: options.targetUser, privateKey: options.targetKey, tryKeyboard: false });
    conn.on('session', (accept) => {
      const session = accept();
      let pty: PseudoTtyInfo | undefined;
      session.on('pty', (acceptPty, _reject, info) => {
        pty = info;
        acceptPty?.();
      });
      const open = (acceptChannel: () => ServerChannel, run: (cb: (err: Error | undefined, ch: ClientChannel) => void) => void) => {
        const down = acceptChannel();
        void connected.then(() =>
          run((err, up) => {
            if (err) {
              down.exit(255);
              down.end();
              return;
            }
            pipeChannels(down, up);
          }),
        );
      };
      const ptyOption = () => (pty ? { pty: { term: pty.term, cols: pty.cols, rows: pty.rows, width: pty.width, height: pty.height } } : {});
      session.on('exec', (acceptExec, _reject, info) => open(acceptExec, (cb) => client.exec(info.command, ptyOption(), cb)));
      session.on('shell', (acceptShell) => open(acceptShell, (cb) => client.shell(pty ? ptyOption().pty! : false, cb)));
    });
  });
}

/** Both directions with backpressure (`pipe`), stderr, and the exit status passed on. */
function pipeChannels(down: ServerChannel, up: ClientChannel): void {
  up.pipe(down);
  up.stderr.pipe(down.stderr);
  down.pipe(up);
  up.on('exit', (code: number | null, signal?: string) => {
    if (typeof code === 'number') down.exit(code);
    else if (signal) down.exit(signal, false, '');
  });
  up.on('close', () => down.end());
  down.on('close', () => up.close());
}

if (require.main === module) {
  const env = process.env;
  startBareRelay({
    targetHost: '127.0.0.1',
    targetPort: Number(env.RELAY_TARGET_PORT),
    targetUser: env.RELAY_TARGET_USER ?? 'root',
    targetKey: fs.readFileSync(env.RELAY_TARGET_KEY!),
    hostKey: fs.readFileSync(env.RELAY_HOST_KEY!),
    serverCiphers: (env.RELAY_SERVER_CIPHERS ?? 'aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr').split(','),
    onUpstreamCipher: (cipher) => process.stdout.write(`upstream cipher ${cipher}\n`),
  }).then(
    ({ port }) => process.stdout.write(`bare relay listening on ${port}\n`),
    (error: Error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
