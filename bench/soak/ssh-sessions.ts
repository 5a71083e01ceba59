import { Client, ClientChannel } from 'ssh2';
import type { Socket } from 'socket.io-client';
import { attachView, connectLive } from '../ssh/live-client';

export interface LiveLoad {
  /** bytes of terminal output the /live viewers received since the last `take()` */
  takeBytes(): number;
  viewers: number;
  lost: number;
  close(): Promise<void>;
}

function connect(port: number, username: string, privateKey: Buffer): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username, privateKey, readyTimeout: 30_000, keepaliveInterval: 15_000 });
  });
}

/**
 * `count` long SSH sessions through the jump (ssh2 clients in this process as the users), each
 * printing a line every 200 ms for the whole run, and `viewersEach` /live viewers attached to
 * each in view mode.
 */
export async function startSshSessions(options: {
  url: string;
  jumpPort: number;
  login: string;
  privateKey: Buffer;
  viewerToken: string;
  count: number;
  viewersEach: number;
  sessionIds: () => Promise<string[]>;
}): Promise<LiveLoad> {
  const clients: Client[] = [];
  const sockets: Socket[] = [];
  let bytes = 0;
  let closing = false;
  const load: LiveLoad = {
    takeBytes: () => {
      const n = bytes;
      bytes = 0;
      return n;
    },
    viewers: 0,
    lost: 0,
    close: async () => {
      closing = true;
      sockets.forEach((s) => s.close());
      clients.forEach((c) => c.end());
    },
  };
  for (let i = 0; i < options.count; i++) {
    const client = await connect(options.jumpPort, options.login, options.privateKey);
    clients.push(client);
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm', cols: 120, rows: 40 }, (err, ch) => (err ? reject(err) : resolve(ch))),
    );
    channel.resume(); // the user's terminal reads everything
    channel.write(`while :; do echo "soak-${i} $(date +%s.%N) the quick brown fox jumps over the lazy dog"; sleep 0.2; done\n`);
  }
  let ids: string[] = [];
  for (const deadline = Date.now() + 30_000; ids.length < options.count && Date.now() < deadline; ) {
    ids = await options.sessionIds();
    if (ids.length < options.count) await new Promise((r) => setTimeout(r, 100));
  }
  if (ids.length < options.count) throw new Error(`only ${ids.length} of ${options.count} SSH sessions registered`);
  for (const sessionId of ids) {
    for (let v = 0; v < options.viewersEach; v++) {
      const socket = await connectLive(options.url, options.viewerToken);
      socket.on('output', (p: { data: string }) => (bytes += p.data.length));
      socket.on('disconnect', () => {
        if (!closing) load.lost++;
      });
      await attachView(socket, sessionId);
      sockets.push(socket);
      load.viewers++;
    }
  }
  return load;
}
