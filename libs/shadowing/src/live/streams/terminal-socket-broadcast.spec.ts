import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, Socket as ClientSocket } from 'socket.io-client';
import type { LiveClusterRelay } from '../live-cluster-relay';
import { LiveNamespace, LiveSocket, liveRoom } from '../live-socket';
import { TerminalSocketBroadcast } from './terminal-socket-broadcast';

/**
 * TerminalSocketBroadcast.output over a real socket.io server and socket.io-client viewers: the
 * prebuilt frame written to each viewer's connection must decode as the same `output` event, and
 * keep its place behind events socket.io still holds for that viewer.
 */
describe('TerminalSocketBroadcast output (real socket.io)', () => {
  let http: HttpServer;
  let ioServer: Server;
  let live: LiveNamespace;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeEach(async () => {
    http = createServer();
    ioServer = new Server(http, { transports: ['websocket'] });
    live = ioServer.of('/live') as unknown as LiveNamespace;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await new Promise<void>((resolve) => ioServer.close(() => resolve()));
  });

  /** A connected viewer: its client socket, its server socket, and every event it receives in order. */
  async function viewer(): Promise<{ client: ClientSocket; server: LiveSocket; received: [string, unknown][] }> {
    const connected = new Promise<LiveSocket>((resolve) => live.once('connection', (s: LiveSocket) => resolve(s)));
    const client = io(`${url}/live`, { transports: ['websocket'], reconnection: false, forceNew: true });
    clients.push(client);
    const received: [string, unknown][] = [];
    client.onAny((event: string, payload: unknown) => received.push([event, payload]));
    const server = await connected;
    await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
    return { client, server, received };
  }

  async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('delivers each batch, exactly, to the viewers in the session room and to no one else', async () => {
    const broadcast = new TerminalSocketBroadcast(live, () => null);
    const a = await viewer();
    const b = await viewer();
    const outsider = await viewer();
    await a.server.join(liveRoom('s1'));
    await b.server.join(liveRoom('s1'));
    await outsider.server.join(liveRoom('s2'));
    const batches = ['plain', '€ 😀 \u001b[1mbold\u001b[0m "q" \\ \r\n', 'z'.repeat(70_000), ''];
    for (const data of batches) broadcast.output('s1', data);
    for (const v of [a, b]) {
      await until(() => v.received.length === batches.length, 'all batches');
      expect(v.received).toEqual(batches.map((data) => ['output', { sessionId: 's1', data }]));
    }
    // an event sent after the batches arrives after them: the outsider's room got nothing meanwhile
    outsider.server.emit('resize', { sessionId: 's2', cols: 1, rows: 1 });
    await until(() => outsider.received.length > 0, 'the outsider event');
    expect(outsider.received).toEqual([['resize', { sessionId: 's2', cols: 1, rows: 1 }]]);
  });

  it('keeps a batch behind events socket.io is still holding for that viewer', async () => {
    const broadcast = new TerminalSocketBroadcast(live, () => null);
    const v = await viewer();
    await v.server.join(liveRoom('s1'));
    // The first emit goes to the websocket at once; until its write completes, engine.io holds
    // later packets in its own buffer. A batch written past that buffer would overtake them.
    const big = 'r'.repeat(300_000);
    v.server.emit('resync', { sessionId: 's1', cols: 80, rows: 24, screen: big });
    v.server.emit('resync', { sessionId: 's1', cols: 80, rows: 24, screen: 'second' });
    const held = (v.server.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
    broadcast.output('s1', 'after both');
    await until(() => v.received.length === 3, 'three events');
    expect(v.received.map(([event, payload]) => `${event}:${(payload as { screen?: string; data?: string }).screen?.slice(0, 6) ?? (payload as { data: string }).data}`)).toEqual([
      'resync:rrrrrr',
      'resync:second',
      'output:after both',
    ]);
    // the case under test really happened: the second resync was still queued in engine.io
    expect(held).toBeGreaterThan(0);
  });

  it('with a cluster relay, sends through the adapter (the room may span gateways)', async () => {
    const relay = {} as LiveClusterRelay;
    const broadcast = new TerminalSocketBroadcast(live, () => relay);
    const v = await viewer();
    await v.server.join(liveRoom('s1'));
    const emitted: unknown[] = [];
    const to = live.to.bind(live);
    jest.spyOn(live, 'to').mockImplementation((room) => {
      const operator = to(room);
      const emit = operator.emit.bind(operator);
      jest.spyOn(operator, 'emit').mockImplementation(((event: string, payload: unknown) => {
        emitted.push([room, event, payload]);
        return emit(event as 'output', payload as { sessionId: string; data: string });
      }) as typeof operator.emit);
      return operator;
    });
    broadcast.output('s1', 'via adapter');
    await until(() => v.received.length === 1, 'the batch');
    expect(emitted).toEqual([[liveRoom('s1'), 'output', { sessionId: 's1', data: 'via adapter' }]]);
    expect(v.received).toEqual([['output', { sessionId: 's1', data: 'via adapter' }]]);
  });
});
