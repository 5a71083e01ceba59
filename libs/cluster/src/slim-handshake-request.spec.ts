import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { Manager } from 'socket.io-client';
import { VigilIoAdapter } from './vigil-io-adapter';

/** A real socket.io server made by Vigil's adapter, and a real client over the websocket transport. */
describe('VigilIoAdapter: a connection keeps a slim copy of its first HTTP request', () => {
  let httpServer: http.Server;
  let io: Server;
  let url: string;

  beforeAll(async () => {
    httpServer = http.createServer();
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    const adapter = new VigilIoAdapter(httpServer as unknown as INestApplicationContext, null);
    io = adapter.createIOServer(0, { transports: ['websocket'] } as never);
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
});
