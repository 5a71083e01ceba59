import { WallConnection, type ThumbnailStatus } from './wall-connection';

type Ack = (err: Error | null, ack: { ok: boolean; error?: string; sessionId?: string }) => void;

/** A socket.io client stand-in: records emits, lets the test fire server events and answer acks. */
class FakeSocket {
  connected = false;
  readonly handlers = new Map<string, ((payload?: unknown) => void)[]>();
  readonly emitted: { event: string; payload: { sessionId: string }; ack?: Ack }[] = [];
  closed = false;
  on(event: string, handler: (payload?: unknown) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  fire(event: string, payload?: unknown) {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    this.handlers.get(event)?.forEach((h) => h(payload));
  }
  timeout() {
    return this;
  }
  emit(event: string, payload: { sessionId: string }, ack?: Ack) {
    this.emitted.push({ event, payload, ack });
    return this;
  }
  close() {
    this.closed = true;
  }
  subscribes() {
    return this.emitted.filter((e) => e.event === 'thumbnail-subscribe').map((e) => e.payload.sessionId);
  }
  unsubscribes() {
    return this.emitted.filter((e) => e.event === 'thumbnail-unsubscribe').map((e) => e.payload.sessionId);
  }
}

let socket: FakeSocket;
jest.mock('socket.io-client', () => ({ io: () => socket }));

describe('WallConnection', () => {
  let statuses: Map<string, ThumbnailStatus>;
  let screens: string[];
  let wall: WallConnection;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    statuses = new Map();
    screens = [];
    wall = new WallConnection('token', {
      screen: (id, _cols, _rows, screen) => screens.push(`${id}:${screen}`),
      status: (id, status) => statuses.set(id, status),
      link: () => undefined,
    });
  });

  afterEach(() => {
    wall.close();
    jest.useRealTimers();
  });

  it('subscribes what is shown once connected, gives up what leaves, and subscribes again after a reconnect', () => {
    wall.show(['a', 'b']);
    expect(socket.subscribes()).toEqual([]);
    socket.fire('connect');
    expect(socket.subscribes()).toEqual(['a', 'b']);
    socket.emitted.forEach((e) => e.ack?.(null, { ok: true, sessionId: e.payload.sessionId }));
    wall.show(['b', 'c']);
    expect(socket.unsubscribes()).toEqual(['a']);
    expect(socket.subscribes()).toEqual(['a', 'b', 'c']);
    socket.fire('disconnect');
    socket.fire('connect');
    expect(socket.subscribes()).toEqual(['a', 'b', 'c', 'b', 'c']);
  });

  it('paints screens of shown sessions only; paused, it gives everything up and paints nothing until resumed', () => {
    socket.fire('connect');
    wall.show(['a']);
    socket.fire('thumbnail', { sessionId: 'a', cols: 80, rows: 24, screen: 'one' });
    socket.fire('thumbnail', { sessionId: 'zzz', cols: 80, rows: 24, screen: 'not shown' });
    expect(screens).toEqual(['a:one']);
    expect(statuses.get('a')).toEqual({ status: 'live' });
    wall.setPaused(true);
    expect(socket.unsubscribes()).toEqual(['a']);
    expect(statuses.get('a')).toEqual({ status: 'paused' });
    socket.fire('thumbnail', { sessionId: 'a', cols: 80, rows: 24, screen: 'late' });
    expect(screens).toEqual(['a:one']);
    wall.setPaused(false);
    expect(socket.subscribes()).toEqual(['a', 'a']);
  });

  it('retries a rate-limited subscribe after the delay the server names; shows any other refusal', () => {
    socket.fire('connect');
    wall.show(['a', 'b']);
    socket.emitted[0].ack?.(null, { ok: false, error: 'rate limited: too many thumbnail requests on this connection, retry in 300 ms' });
    socket.emitted[1].ack?.(null, { ok: false, error: 'forbidden: watching this session requires the shadow privilege' });
    expect(statuses.get('b')).toEqual({ status: 'refused', error: 'forbidden: watching this session requires the shadow privilege' });
    expect(socket.subscribes()).toEqual(['a', 'b']);
    jest.advanceTimersByTime(400);
    expect(socket.subscribes()).toEqual(['a', 'b', 'a']);
  });

  it('an ended session is marked ended and not given up again', () => {
    socket.fire('connect');
    wall.show(['a']);
    socket.fire('ended', { sessionId: 'a', reason: 'closed' });
    expect(statuses.get('a')).toEqual({ status: 'ended', reason: 'closed' });
    wall.show([]);
    expect(socket.unsubscribes()).toEqual([]);
  });
});
