import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { AuthService } from './auth.service';
import type { UserPrincipal } from './principal';
import { SOCKET_UNAUTHORIZED, SocketAuth, tokenSocketRoom, userSocketRoom } from './socket-auth';

const DAY = 24 * 3600_000;
const alice: UserPrincipal = { kind: 'user', id: 'u-1', username: 'alice', roles: ['owner'], privileges: [] };

/** Just the socket.io surface SocketAuth touches, recording what it did. */
function fakes(expiresAt: number, valid: () => boolean) {
  // jest's fake clock: Date.now() moves with the fake timers
  const auth = {
    authenticateUser: jest.fn(async () => (valid() && Date.now() < expiresAt ? alice : null)),
    userTokenExpiry: jest.fn(async () => expiresAt),
  } as unknown as AuthService;
  const emitted: unknown[] = [];
  interface FakeSocket {
    handshake: { auth: { token: string } };
    data: { user?: UserPrincipal };
    connected: boolean;
    rooms: string[];
    join: jest.Mock;
    emit: jest.Mock;
    disconnect: jest.Mock;
    once: jest.Mock;
  }
  const socket: FakeSocket = {
    handshake: { auth: { token: 'vgu_secret' } },
    data: {} as { user?: UserPrincipal },
    connected: true,
    rooms: [] as string[],
    join: jest.fn((rooms: string[]) => socket.rooms.push(...rooms)),
    emit: jest.fn((event: string, payload: unknown) => emitted.push([event, payload])),
    disconnect: jest.fn(() => (socket.connected = false)),
    once: jest.fn(),
  };
  let middleware: (s: unknown, next: (e?: Error) => void) => void = () => undefined;
  let onConnection: (s: unknown) => void = () => undefined;
  const namespace = { use: (fn: typeof middleware) => (middleware = fn), on: (_: string, fn: typeof onConnection) => (onConnection = fn) };
  const socketAuth = new SocketAuth(auth, new Logger('test'), () => Date.now());
  socketAuth.protect(namespace);
  const connect = async () => {
    const error = await new Promise<Error | undefined>((resolve) => middleware(socket, resolve));
    if (!error) onConnection(socket);
    return error;
  };
  return { auth, socketAuth, socket, emitted, connect, advance: (ms: number) => jest.advanceTimersByTime(ms) };
}

describe('SocketAuth', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(0);
  });
  afterEach(() => jest.useRealTimers());

  it('joins the per-user and per-token rooms, never puts the token in socket.data', async () => {
    const f = fakes(DAY, () => true);
    await expect(f.connect()).resolves.toBeUndefined();
    expect(f.socket.data).toEqual({ user: alice });
    // the token's SHA-256, as the lead's revocation events name it
    expect(f.socket.rooms).toEqual([userSocketRoom('u-1'), tokenSocketRoom(createHash('sha256').update('vgu_secret').digest('hex'))]);
    expect(JSON.stringify(f.socket.rooms)).not.toContain('vgu_secret');
  });

  it('closes a socket at its token expiry, even 30 days out (beyond setTimeout 24.8-day limit)', async () => {
    const f = fakes(30 * DAY, () => true);
    await f.connect();
    f.advance(30 * DAY - 1);
    expect(f.socket.disconnect).not.toHaveBeenCalled();
    f.advance(1);
    expect(f.emitted).toEqual([['revoked', { reason: 'expired', error: 'your access token expired: sign in again' }]]);
    expect(f.socket.disconnect).toHaveBeenCalledTimes(1);
  });

  it('recheck: the current user while the token holds; null, then told and closed after the ack, when it no longer does', async () => {
    let valid = true;
    const f = fakes(DAY, () => valid);
    await f.connect();
    await expect(f.socketAuth.recheck(f.socket)).resolves.toEqual(alice);
    valid = false;
    await expect(f.socketAuth.recheck(f.socket)).resolves.toBeNull();
    expect(f.socket.disconnect).not.toHaveBeenCalled(); // the caller's ack goes first
    jest.runOnlyPendingTimers();
    await Promise.resolve();
    expect(f.emitted).toEqual([['revoked', { reason: 'revoked', error: 'your access token was revoked' }]]);
    expect(f.socket.disconnect).toHaveBeenCalledTimes(1);
    expect(SOCKET_UNAUTHORIZED.error).toMatch(/^unauthorized/);
  });

  it('refuses a handshake without a valid token, and one of absurd length without asking the database', async () => {
    const f = fakes(DAY, () => false);
    await expect(f.connect()).resolves.toThrow(/unauthorized/);
    const lookups = (f.auth.authenticateUser as jest.Mock).mock.calls.length;
    f.socket.handshake.auth.token = 'x'.repeat(10_000);
    await expect(f.connect()).resolves.toThrow(/unauthorized/);
    expect((f.auth.authenticateUser as jest.Mock).mock.calls.length).toBe(lookups);
  });
});
