/**
 * The patched guacamole-lite (patches/guacamole-lite+1.2.0.patch) on the bugs GUACAMOLE.md lists,
 * without guacd: a fake WebSocket, and a guacd port nothing listens on.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseInstructions } from './guacamole-instructions';
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

  it('forwards guacd\'s stream one whole instruction per WebSocket message, even torn mid-instruction and mid-character (so a vigil-notice written beside never splits one)', async () => {
    const ready = '5.ready,37.$4f8b2c1e-0000-4000-8000-00000000abcd;';
    const stream = ['4.name,6.Bureau;', '4.size,1.0,4.1024,3.768;', '4.sync,8.12345678;', '5.error,11.ça a échoué,3.519;'];
    const bytes = Buffer.from(stream.join(''), 'utf8');
    // cut inside "4.size", inside the length "4.1024", inside "ç" (2 bytes) and inside "é"
    const cuts = [20, 33, Buffer.from(stream.slice(0, 3).join('') + '5.error,11.', 'utf8').length + 1, bytes.length - 9];
    const sockets: net.Socket[] = [];
    const fake = net.createServer((socket) => {
      sockets.push(socket);
      let heard = '';
      socket.on('data', async (data: Buffer) => {
        heard += data.toString('utf8');
        if (heard.includes('6.select') && !heard.includes('args-sent')) {
          heard += 'args-sent';
          socket.write('4.args,13.VERSION_1_1_0,8.hostname;');
        }
        if (heard.includes('7.connect') && !heard.includes('ready-sent')) {
          heard += 'ready-sent';
          socket.write(ready);
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            await new Promise((resolve) => setTimeout(resolve, 30));
            socket.write(bytes.subarray(from, cut));
            from = cut;
          }
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const lite = new GuacamoleLite({ noServer: true, server: undefined }, { host: '127.0.0.1', port: (fake.address() as net.AddressInfo).port }, { crypt: { cypher: 'AES-256-CBC', key }, log: silent, maxInactivityTime: 0 });
      servers.push(lite);
      const ws = new FakeWebSocket();
      await lite.newConnection(ws, { url: `/guacamole?token=${encodeURIComponent(guacamoleLiteToken(key, { type: 'vnc', settings: { hostname: 'h' } }))}` });
      for (let i = 0; i < 200 && !ws.sent.some((m) => m.startsWith('5.error')); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const fromGuacd = ws.sent.slice(ws.sent.findIndex((m) => m.startsWith('0.,')) + 1);
      expect(fromGuacd).toEqual(stream);
      // and each message alone is a sequence of whole instructions
      for (const message of ws.sent) expect(parseInstructions(message)).not.toBeNull();
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('a good token still reaches guacd', async () => {
    const before = guacdConnections;
    const ws = new FakeWebSocket();
    await server().newConnection(ws, { url: `/guacamole?token=${encodeURIComponent(guacamoleLiteToken(key, { type: 'vnc', settings: { hostname: 'h' } }))}` });
    for (let i = 0; i < 40 && guacdConnections === before; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(guacdConnections).toBe(before + 1);
  });
});
