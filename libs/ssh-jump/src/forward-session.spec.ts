import { Duplex } from 'node:stream';
import { FORWARD_SESSION_COMMAND, ForwardSession } from './forward-session';
import type { JumpForwardEvent, JumpSessionEndInfo, JumpSessionStartInfo, JumpTarget } from './jump-ports';

/** One side of a forwarded channel: what was written to it, and a way to send from it. */
function endpoint() {
  const written: Buffer[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(written).toString(), send: (s: string) => stream.push(s) };
}

const tick = () => new Promise((r) => setImmediate(r));

const target: JumpTarget = {
  name: 'box',
  host: '10.0.0.5',
  port: 22,
  username: 'root',
  policy: { agentForwarding: false, portForwarding: true, x11: false, sftp: false },
};

function setup(options: { failRegistrations?: number; registrationDelayMs?: number } = {}) {
  let failures = options.failRegistrations ?? 0;
  const started: JumpSessionStartInfo[] = [];
  const ended: Array<[string, JumpSessionEndInfo]> = [];
  const events: Array<[string, JumpForwardEvent]> = [];
  const hooks = { opened: 0, closed: 0, terminated: [] as string[] };
  let t = 1_000;
  const session = new ForwardSession({
    user: { id: 'u1', username: 'alice' },
    target,
    clientIp: '192.0.2.1',
    clientPort: 50_000,
    ports: {
      sessionStarted: async (info) => {
        if (options.registrationDelayMs) await new Promise((r) => setTimeout(r, options.registrationDelayMs));
        if (failures-- > 0) throw new Error('database down');
        started.push(info);
        return { sessionId: `f${started.length}` };
      },
      sessionEnded: async (id, info) => void ended.push([id, info]),
      forwardChannel: async (id, event) => void events.push([id, event]),
    },
    opened: () => hooks.opened++,
    closed: () => hooks.closed++,
    terminateConnection: (reason) => hooks.terminated.push(reason),
    now: () => t,
  });
  return { session, started, ended, events, hooks, advance: (ms: number) => (t += ms) };
}

describe('ForwardSession', () => {
  it('registers once, at first use, as a `forward` session with no terminal', async () => {
    const { session, started, hooks } = setup();
    expect(session.registered).toBe(false);
    const [a, b] = await Promise.all([session.ready(), session.ready()]);
    expect([a, b]).toEqual([true, true]);
    expect(await session.ready()).toBe(true);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ kind: 'forward', pty: false, cols: 0, rows: 0, command: FORWARD_SESSION_COMMAND, clientIp: '192.0.2.1' });
    expect(session.id).toBe('f1');
    expect(hooks.opened).toBe(1);
  });

  it('carries a channel both ways and reports it open, then closed with its byte counts and duration', async () => {
    const { session, events, advance } = setup();
    await session.ready();
    const user = endpoint();
    const remote = endpoint();
    session.carry('direct-tcpip', '10.0.0.9:5432', '127.0.0.1:40000', user.stream, remote.stream);
    expect(events).toEqual([['f1', { phase: 'open', channel: 1, kind: 'direct-tcpip', destination: '10.0.0.9:5432', origin: '127.0.0.1:40000', username: 'alice' }]]);
    user.send('SELECT 1;');
    remote.send('one row, please find it here');
    await tick();
    expect(remote.text()).toBe('SELECT 1;');
    expect(user.text()).toBe('one row, please find it here');
    expect(session.openChannels).toBe(1);
    advance(2_500);
    remote.stream.destroy();
    await tick();
    expect(user.stream.destroyed).toBe(true);
    expect(session.openChannels).toBe(0);
    expect(events[1]).toEqual([
      'f1',
      {
        phase: 'close',
        channel: 1,
        kind: 'direct-tcpip',
        destination: '10.0.0.9:5432',
        origin: '127.0.0.1:40000',
        username: 'alice',
        bytesToTarget: 9,
        bytesFromTarget: 28,
        durationMs: 2_500,
      },
    ]);
    expect(events).toHaveLength(2); // a second close event from the other side's 'close' must not repeat it
  });

  it('terminate closes every channel and -R listener, ends the session as terminated once, and cuts the connection', async () => {
    const { session, ended, events, hooks } = setup();
    await session.ready();
    const pairs = [endpoint(), endpoint(), endpoint(), endpoint()];
    session.carry('direct-tcpip', 'a:1', undefined, pairs[0].stream, pairs[1].stream);
    session.carry('forwarded-tcpip', 'b:2', 'c:3', pairs[2].stream, pairs[3].stream);
    session.listening('0.0.0.0:8080');
    session.terminate('Session terminated by admin: tunnels are not allowed today');
    session.terminate('again');
    session.connectionClosed();
    await tick();
    expect(pairs.every((p) => p.stream.destroyed)).toBe(true);
    expect(events.filter(([, e]) => e.phase === 'close').map(([, e]) => e.kind).sort()).toEqual(['direct-tcpip', 'forwarded-tcpip', 'tcpip-forward']);
    expect(ended).toEqual([['f1', { reason: 'terminated', message: 'Session terminated by admin: tunnels are not allowed today' }]]);
    expect(hooks).toMatchObject({ opened: 1, closed: 1, terminated: ['Session terminated by admin: tunnels are not allowed today'] });
    expect(session.ended).toBe(true);
    // Nothing more rides on an ended session.
    const late = [endpoint(), endpoint()];
    session.carry('direct-tcpip', 'd:4', undefined, late[0].stream, late[1].stream);
    expect(late.every((p) => p.stream.destroyed)).toBe(true);
    expect(await session.ready()).toBe(false);
  });

  it('a registry that refuses leaves the channel refused; a later channel tries again', async () => {
    const { session, started } = setup({ failRegistrations: 1 });
    expect(await session.ready()).toBe(false);
    const refused = [endpoint(), endpoint()];
    session.carry('direct-tcpip', 'a:1', undefined, refused[0].stream, refused[1].stream);
    expect(refused.every((p) => p.stream.destroyed)).toBe(true);
    expect(await session.ready()).toBe(true);
    expect(started).toHaveLength(1);
  });

  it('a connection that closes while the registry is being told still ends what was registered', async () => {
    const { session, ended, hooks } = setup({ registrationDelayMs: 30 });
    const ready = session.ready();
    session.connectionClosed();
    expect(await ready).toBe(false);
    expect(ended).toEqual([['f1', { reason: 'ended', message: 'the connection closed' }]]);
    expect(hooks.opened).toBe(0);
  });

  it('reports -R listeners open and closed, once each', async () => {
    const { session, events, advance } = setup();
    await session.ready();
    session.listening('127.0.0.1:9000');
    session.listening('127.0.0.1:9000');
    advance(100);
    session.stoppedListening('127.0.0.1:9000');
    session.stoppedListening('127.0.0.1:9000');
    expect(events.map(([, e]) => [e.phase, e.kind, e.destination, e.durationMs])).toEqual([
      ['open', 'tcpip-forward', '127.0.0.1:9000', undefined],
      ['close', 'tcpip-forward', '127.0.0.1:9000', 100],
    ]);
  });
});
