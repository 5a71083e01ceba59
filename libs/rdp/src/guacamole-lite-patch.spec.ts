/**
 * The patched guacamole-lite (patches/guacamole-lite+1.2.0.patch) on the bugs GUACAMOLE.md lists,
 * without guacd: a fake WebSocket, and a guacd port nothing listens on.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { guacamoleLiteToken } from './guacamole-lite-token';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const GuacamoleLite = require('guacamole-lite');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Crypt = require('guacamole-lite/lib/Crypt.js');

class FakeWebSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readonly CLOSING = 2;
  readyState = 1;
  sent: string[] = [];
  closedWith?: number;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
}

const silent = { level: 'ERRORS', stdLog: () => undefined, errorLog: () => undefined };

describe('guacamole-lite 1.2.0 as patched for Vigil', () => {
  const key = randomBytes(32);
  let guacdConnections = 0;
  let guacd: net.Server;
  let guacdPort: number;
  const servers: Array<{ close(): void }> = [];

  beforeAll(async () => {
    // Stands in for guacd: counts who opens a connection (a refused client must not).
    guacd = net.createServer((socket) => {
      guacdConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => guacd.listen(0, '127.0.0.1', resolve));
    guacdPort = (guacd.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    for (const s of servers) s.close();
    await new Promise((resolve) => guacd.close(resolve));
  });

  const server = (callbacks?: object) => {
    const s = new GuacamoleLite({ noServer: true, server: undefined }, { host: '127.0.0.1', port: guacdPort }, { crypt: { cypher: 'AES-256-CBC', key }, log: silent, maxInactivityTime: 0 }, callbacks);
    servers.push(s);
    return s;
  };

  it('decodes its token as UTF-8: a non-ASCII password arrives intact', () => {
    const token = guacamoleLiteToken(key, { type: 'rdp', settings: { password: 'pässwörd-密码-🔑' } });
    expect(new Crypt('AES-256-CBC', key).decrypt(token).connection.settings.password).toBe('pässwörd-密码-🔑');
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['JSON without a connection', Buffer.from(JSON.stringify({ iv: 'AAAAAAAAAAAAAAAAAAAAAA==', value: 'AAAA' })).toString('base64')],
    ['a token array', ['a', 'b']],
  ])('a malformed token (%s): the socket is closed, no unhandled rejection, guacd never contacted', async (_name, token) => {
    const before = guacdConnections;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const ws = new FakeWebSocket();
      const url = Array.isArray(token) ? `/guacamole?${token.map((t) => `token=${t}`).join('&')}` : `/guacamole?token=${encodeURIComponent(token)}`;
      await server().newConnection(ws, { url });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ws.closedWith).toBeDefined();
      expect(guacdConnections).toBe(before);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('an asynchronous processConnectionSettings answer refuses the connection (it used to be ignored)', async () => {
    const before = guacdConnections;
    const ws = new FakeWebSocket();
    const token = guacamoleLiteToken(key, { type: 'vnc', settings: { hostname: 'h' } });
    await server({ processConnectionSettings: (settings: object, callback: (e: unknown, s: object) => void) => setTimeout(() => callback(undefined, settings), 10) })
      .newConnection(ws, { url: `/guacamole?token=${encodeURIComponent(token)}` });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ws.sent.join('')).toContain('CONFIG_ERROR');
    expect(ws.closedWith).toBe(1011);
    expect(guacdConnections).toBe(before);
  });

  it('a good token still reaches guacd', async () => {
    const before = guacdConnections;
    const ws = new FakeWebSocket();
    await server().newConnection(ws, { url: `/guacamole?token=${encodeURIComponent(guacamoleLiteToken(key, { type: 'vnc', settings: { hostname: 'h' } }))}` });
    for (let i = 0; i < 40 && guacdConnections === before; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(guacdConnections).toBe(before + 1);
  });
});
