/**
 * What an idle socket.io connection keeps, with the patched ws and engine.io
 * (patches/ws+8.21.3.patch, patches/engine.io+6.6.12.patch) and Vigil's adapter
 * (slimHandshakeRequest): a real engine behind Vigil's adapter, real clients. The mask and the
 * collected request fail on the unpatched packages; the handshake cases show what the slim copy
 * still serves.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { INestApplicationContext } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { Manager, io as connect } from 'socket.io-client';
import { WebSocket, WebSocketServer } from 'ws';
import { VigilIoAdapter } from './vigil-io-adapter';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

describe('ws receiver (patched): the frame mask does not outlive its frame', () => {
  let httpServer: http.Server;
  let wss: WebSocketServer;
  let port: number;

  beforeAll(async () => {
    httpServer = http.createServer();
    wss = new WebSocketServer({ server: httpServer });
    wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
    port = await listen(httpServer);
  });

  afterAll(async () => {
    wss.close();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  it('after each masked frame the receiver holds no view of the chunk it came in; messages of every length form round-trip', async () => {
    const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client.once('open', resolve));
    const server = (await serverSide) as WebSocket & { _receiver: { _mask?: Buffer } };
    try {
      // 7-bit, 16-bit and 64-bit lengths, an empty one, and several frames in one TCP write
      const sizes = [0, 1, 125, 126, 65_535, 65_536, 200_000];
      for (const size of sizes) {
        const payload = Buffer.alloc(size, size % 251);
        const echoed = new Promise<Buffer>((resolve) => client.once('message', (data) => resolve(data as Buffer)));
        client.send(payload);
        await expect(echoed).resolves.toEqual(payload);
        expect(server._receiver._mask).toBeUndefined();
      }
      const received: string[] = [];
      const all = new Promise<void>((resolve) => {
        const onMessage = (data: unknown) => {
          received.push(String(data));
          if (received.length === 3) {
            client.off('message', onMessage);
            resolve();
          }
        };
        client.on('message', onMessage);
      });
      for (const text of ['a', 'bb', 'ccc']) client.send(text);
      await all;
      expect(received).toEqual(['a', 'bb', 'ccc']);
      expect(server._receiver._mask).toBeUndefined();
      // a fragmented message (two frames, each masked) still reassembles
      const whole = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
      client.send('frag', { fin: false });
      client.send('mented', { fin: true });
      await expect(whole).resolves.toBe('fragmented');
      expect(server._receiver._mask).toBeUndefined();
    } finally {
      client.terminate();
    }
  });
});

describe('engine.io (patched) behind VigilIoAdapter: an accepted connection keeps a slim copy of its upgrade request, not the request', () => {
  let httpServer: http.Server;
  let io: Server;
  let url: string;

  beforeAll(async () => {
    httpServer = http.createServer();
    url = `http://127.0.0.1:${await listen(httpServer)}`;
    io = new VigilIoAdapter(httpServer as unknown as INestApplicationContext, null).createIOServer(0, { transports: ['websocket'] } as never);
  });

  afterAll(async () => {
    io.close();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  const connected = (namespace: string) => new Promise<Socket>((resolve) => io.of(namespace).once('connection', resolve));

  it('handshakes of both namespaces of one connection still carry the headers, url and query; the TCP socket stays reachable', async () => {
    const manager = new Manager(url, { transports: ['websocket'], extraHeaders: { 'user-agent': 'vigil-spec/1.0' }, query: { probe: 'yes' } });
    try {
      const onLive = connected('/live');
      manager.socket('/live').connect();
      const server = await onLive;
      expect(server.conn.request).not.toBeInstanceOf(http.IncomingMessage);
      expect(server.handshake.headers['user-agent']).toBe('vigil-spec/1.0');
      expect(server.handshake.query.probe).toBe('yes');
      expect(server.handshake.url).toMatch(/^\/socket\.io\/\?/);
      expect(server.handshake.secure).toBe(false);
      expect(server.request.socket.remotePort).toBeGreaterThan(0);

      // a second namespace over the same connection builds its handshake from the slim copy
      const onSessions = connected('/sessions');
      manager.socket('/sessions').connect();
      const second = await onSessions;
      expect(second.conn).toBe(server.conn);
      expect(second.handshake.headers['user-agent']).toBe('vigil-spec/1.0');
      expect(second.handshake.query.probe).toBe('yes');
    } finally {
      manager.engine?.close();
    }
  });

  it('keeps only what it names: no stream state, no raw header list', async () => {
    const onLive = connected('/live');
    const manager = new Manager(url, { transports: ['websocket'] });
    try {
      manager.socket('/live').connect();
      const server = await onLive;
      expect(Object.keys(server.conn.request).sort()).toEqual(['_query', 'connection', 'headers', 'method', 'socket', 'url']);
      expect(server.conn.request.method).toBe('GET');
    } finally {
      manager.engine?.close();
    }
  });

  it('the IncomingMessage of the upgrade is garbage once the socket is connected, while the connection lives on', async () => {
    let upgrade: WeakRef<http.IncomingMessage> | undefined;
    const onUpgrade = (request: http.IncomingMessage) => (upgrade = new WeakRef(request));
    httpServer.prependListener('upgrade', onUpgrade);
    const onLive = connected('/live');
    const client = connect(`${url}/live`, { transports: ['websocket'], extraHeaders: { 'user-agent': 'vigil-spec/2.0' } });
    try {
      const server = await onLive;
      httpServer.off('upgrade', onUpgrade);
      expect(upgrade?.deref()).toBeInstanceOf(http.IncomingMessage);
      for (let i = 0; i < 5 && upgrade?.deref(); i++) {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
      }
      expect(upgrade?.deref()).toBeUndefined();
      // the connection still works and still knows what it was asked with
      expect(server.handshake.headers['user-agent']).toBe('vigil-spec/2.0');
      const heard = new Promise<unknown>((resolve) => server.once('ping-me', resolve));
      client.emit('ping-me', { n: 1 });
      await expect(heard).resolves.toEqual({ n: 1 });
      const told = new Promise<unknown>((resolve) => client.once('pong-you', resolve));
      server.emit('pong-you', { n: 2 });
      await expect(told).resolves.toEqual({ n: 2 });
    } finally {
      client.close();
    }
  });
});
