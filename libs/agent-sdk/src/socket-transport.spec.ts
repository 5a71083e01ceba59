import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, Socket as ServerSocket } from 'socket.io';
import type { AgentClientEvents, EndAck, HeartbeatAck, OpenAck } from '@vigil/agent-channel';
import { SocketEndAck, SocketHeartbeatAck, SocketOpenAck, SocketTransport, UnknownSessionsError } from './socket-transport';
import { OpenRequest, TransportError } from './transport';

// The SDK copies the /agents wire types: these fail to compile when the gateway's and the copy drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const wireAgrees: [Same<Extract<OpenAck, { ok: false }>, Extract<SocketOpenAck, { ok: false }>>, Same<HeartbeatAck, SocketHeartbeatAck>] = [true, true];
const endAgrees: Same<Extract<EndAck, { ok: true }>['alreadyEnded'], Extract<SocketEndAck, { ok: true }>['alreadyEnded']> = true;
const openAgrees: Parameters<AgentClientEvents['open']>[0] = {} as OpenRequest;

const request: OpenRequest = { externalId: 'e-1', type: 'WebSSO', user: 'jdoe', device: '10.0.0.1', client: 'idp', owner: 'alice' };

/** A stand-in /agents namespace: these tests are about the transport, the gateway has its own e2e suite. */
describe('SocketTransport', () => {
  let http: HttpServer;
  let server: Server;
  let url: string;
  let handlers: Record<string, (payload: unknown, ack: (answer: unknown) => void, socket: ServerSocket) => void>;
  const transports: SocketTransport[] = [];
  const seenTokens: unknown[] = [];

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    server.of('/agents').use((socket, next) => {
      seenTokens.push(socket.handshake.auth.token);
      next(socket.handshake.auth.token === 'good' ? undefined : new Error('unauthorized: a valid agent token is required in auth.token'));
    });
    server.of('/agents').on('connection', (socket) => {
      socket.onAny((event: string, payload: unknown, ack: (answer: unknown) => void) => handlers[event](payload, ack, socket));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    handlers = {};
  });
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    server.close();
    await new Promise((resolve) => http.close(resolve));
  });

  const transport = (token = 'good', timeoutMs = 5000) => {
    const t = new SocketTransport({ url, token, timeoutMs });
    transports.push(t);
    return t;
  };

  it('agrees with the gateway\'s wire types', () => {
    expect(wireAgrees).toEqual([true, true]);
    expect(endAgrees && openAgrees).toBeTruthy();
  });

  it('opens with the token in the handshake and returns the session', async () => {
    const open = jest.fn((payload: unknown, ack: (a: unknown) => void) => ack({ ok: true, created: true, session: { id: 's-1', externalId: 'e-1', status: 'Connected', extra: 1 } }));
    handlers.open = open;
    await expect(transport().open(request)).resolves.toEqual({ id: 's-1', externalId: 'e-1', status: 'Connected' });
    expect(open).toHaveBeenCalledWith(request, expect.any(Function), expect.anything());
    expect(seenTokens.at(-1)).toBe('good');
  });

  it('splits heartbeats into batches of 1000 and reports unknown ids as a final 404', async () => {
    const batches: number[] = [];
    handlers.heartbeat = (payload, ack) => {
      const ids = (payload as { sessionIds: string[] }).sessionIds;
      batches.push(ids.length);
      ack({ ok: true, unknown: ids.filter((id) => id === 'gone-1' || id === 'gone-2') });
    };
    const ids = Array.from({ length: 2500 }, (_, i) => `id-${i}`);
    const t = transport();
    await expect(t.heartbeat(ids)).resolves.toBeUndefined();
    expect(batches).toEqual([1000, 1000, 500]);
    const error = await t.heartbeat(['id-1', 'gone-1', 'gone-2']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSessionsError);
    expect(error).toMatchObject({ retryable: false, status: 404, sessionIds: ['gone-1', 'gone-2'] });
  });

  it.each([
    [429, true],
    [503, true],
    [400, false],
    [404, false],
  ])('a %i refusal is retryable: %p', async (status, retryable) => {
    handlers.end = (_payload, ack) => ack({ ok: false, status, error: 'no' });
    const error = await transport().end('s-1', { reason: 'ended' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ status, retryable, message: `gateway answered ${status}: no` });
  });

  it('sends end with the session id and body', async () => {
    const end = jest.fn((_p: unknown, ack: (a: unknown) => void) => ack({ ok: true, alreadyEnded: false, entry: { id: 's-1', externalId: 'e', status: 'Terminated' } }));
    handlers.end = end;
    await transport().end('s-1', { reason: 'failed', endDate: '2026-12-01T10:00:00Z' });
    expect(end).toHaveBeenCalledWith({ sessionId: 's-1', reason: 'failed', endDate: '2026-12-01T10:00:00Z' }, expect.any(Function), expect.anything());
  });

  it('a refused token is final (401), and stays so', async () => {
    const t = transport('forged');
    await expect(t.open(request)).rejects.toMatchObject({ retryable: false, status: 401 });
    await expect(t.open(request)).rejects.toMatchObject({ retryable: false, status: 401 });
  });

  it('a revocation notice makes every later call final', async () => {
    handlers.open = (_p, ack, socket) => {
      ack({ ok: true, created: true, session: { id: 's-1', externalId: 'e-1', status: 'Connected' } });
      socket.emit('revoked', { reason: 'revoked', error: 'this agent token was revoked' });
      socket.disconnect(true);
    };
    const t = transport();
    await t.open(request);
    await expect(waitFor(() => !t.connected)).resolves.toBe(true);
    await expect(t.open(request)).rejects.toMatchObject({ retryable: false, status: 401, message: 'gateway answered 401: this agent token was revoked' });
  });

  it('an unacknowledged event and an unreachable gateway are retryable', async () => {
    handlers.open = () => undefined; // never acks
    await expect(transport('good', 300).open(request)).rejects.toMatchObject({ retryable: true, message: 'gateway did not acknowledge open within 300 ms' });
    const nowhere = new SocketTransport({ url: 'http://127.0.0.1:1', token: 'good', timeoutMs: 2000 });
    transports.push(nowhere);
    await expect(nowhere.open(request)).rejects.toMatchObject({ retryable: true });
  });

  it('refuses a URL that is not http(s) and a missing token', () => {
    expect(() => new SocketTransport({ url: 'ftp://x', token: 't' })).toThrow(TypeError);
    expect(() => new SocketTransport({ url: 'not a url', token: 't' })).toThrow(TypeError);
    expect(() => new SocketTransport({ url, token: '' })).toThrow(TypeError);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return condition();
}
