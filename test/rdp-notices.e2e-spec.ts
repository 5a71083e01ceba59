/**
 * In-band watch notices to an RDP/VNC user (real guacamole-lite, guacd, Xvnc): with the target's
 * policy `announceWatching` on, the user's tunnel receives `vigil-notice,<kind>,<text>;` when a
 * viewer joins, takes and hands back control, pauses and resumes the user, leaves, and when the
 * session is terminated — each notice a whole instruction in a WebSocket message that parses on
 * its own (never inside one of guacd's), and none in the viewers' tunnels. With the policy off,
 * the same actions send the user none.
 */
import type { Socket } from 'socket.io-client';
import type WebSocket from 'ws';
import { DATABASE_KINDS } from './support/databases';
import { GuacamoleParser, type GuacamoleInstruction } from './support/guacamole-protocol';
import type { GuacamoleWsClient } from './support/guacamole-ws-client';
import { VNC_TARGET, RdpStack } from './support/rdp-stack';
import { connectSocket } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const QUIET_TARGET = 'desk-vnc-quiet';

/**
 * Each WebSocket message of `client`'s tunnel parsed on its own: a message that ends inside an
 * instruction (a notice written mid-instruction would make one) fails the test.
 */
function everyMessageWhole(client: GuacamoleWsClient): { torn: string[] } {
  const seen = { torn: [] as string[] };
  // the test client keeps its socket private; the raw messages are what this spec is about
  (client as unknown as { ws: WebSocket }).ws.on('message', (data: Buffer) => {
    const parser = new GuacamoleParser();
    try {
      parser.push(data);
      parser.end();
    } catch {
      seen.torn.push(data.toString('utf8').slice(0, 200));
    }
  });
  return seen;
}

const notices = (client: GuacamoleWsClient): string[][] => client.received.filter((i: GuacamoleInstruction) => i.opcode === 'vigil-notice').map((i) => i.args);

describe.each(DATABASE_KINDS)('vigil-notice instructions in the RDP/VNC user\'s tunnel on %s', (kind) => {
  let stack: RdpStack;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await RdpStack.start(kind, { rdp: false, users: { alice: { roles: ['owner'] } } });
    // The same Xvnc behind a target whose policy keeps watchers silent.
    const [vnc] = stack.servers.targetBodies(['alice']);
    await stack.gw.http.post('/api/targets').auth(stack.gw.adminToken, { type: 'bearer' }).send({ ...vnc, name: QUIET_TARGET, policy: { announceWatching: false } }).expect(201);
  }, 600_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  }, 90_000);

  const admin = async (): Promise<Socket> => {
    const socket = await connectSocket(stack.gw.url, '/live', stack.gw.adminToken);
    sockets.push(socket);
    return socket;
  };

  const sessionOf = async (target: string): Promise<{ user: GuacamoleWsClient; sessionId: string; torn: string[] }> => {
    const { client: user, answer } = await stack.connect(stack.tokens.alice, target);
    const { torn } = everyMessageWhole(user);
    await eventually(
      () => stack.gw.http.get('/api/sessions?type=PAM_RDP').auth(stack.gw.adminToken, { type: 'bearer' }).then((r) => r.body.items as Array<{ id: string; status: string }>),
      (items) => items.some((s) => s.id === answer.sessionId && s.status === 'Connected'),
      20_000,
    );
    return { user, sessionId: answer.sessionId, torn };
  };

  it('announced: join, take, pause, resume, hand-back, leave and terminate each reach the user as one whole vigil-notice; the viewer gets none', () => stack.withLogs(async () => {
    const { user, sessionId, torn } = await sessionOf(VNC_TARGET);
    const live = await admin();
    const ack = await live.emitWithAck('attach', { sessionId, mode: 'interact' });
    expect(ack).toMatchObject({ ok: true, kind: 'rdp' });
    const viewer = await stack.open(ack.tunnel, ack.token);
    const notice = (kind: string, text: string) => user.waitFor((i) => i.opcode === 'vigil-notice' && i.args[0] === kind && i.args[1] === text, `vigil-notice ${kind} "${text}"`, 15_000);

    await notice('watching', 'admin started watching this session (interact)');
    for (const [action, kind, text] of [
      ['take', 'control', 'admin took control of this session'],
      ['pause-user', 'paused', 'admin paused your keyboard and mouse: what you type is not sent until it is resumed'],
      ['resume-user', 'resumed', 'admin resumed your keyboard and mouse'],
      ['handback', 'control', 'admin handed control back'],
    ]) {
      await expect(live.emitWithAck('control', { sessionId, action })).resolves.toEqual({ ok: true });
      await notice(kind, text);
    }
    // guacd's stream kept flowing around the notices (the user acknowledges syncs), and the
    // viewer's tunnel carries none of them.
    expect(notices(viewer)).toEqual([]);
    expect(user.received.filter((i) => i.opcode === 'sync').length).toBeGreaterThan(0);

    // Leaving is told too (after the quiet period of WatchNotices, 10 s after the last notice about admin).
    await expect(live.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
    await notice('left', 'admin stopped watching this session');

    // The terminate: the notice, then guacd-style error with the reason, then the close.
    await expect(live.emitWithAck('terminate', { sessionId, reason: 'change window closed' })).resolves.toEqual({ ok: true });
    await user.waitClosed(10_000);
    const tail = user.received.filter((i) => i.opcode === 'vigil-notice' || i.opcode === 'error').slice(-2);
    expect(tail).toMatchObject([
      { opcode: 'vigil-notice', args: ['ended', 'Session terminated by admin: change window closed'] },
      { opcode: 'error', args: ['Session terminated by admin: change window closed', expect.any(String)] },
    ]);
    expect(notices(user).map(([kind]) => kind)).toEqual(['watching', 'control', 'paused', 'resumed', 'control', 'left', 'ended']);
    expect(torn).toEqual([]);
  }), 120_000);

  it('policy announceWatching off: the same actions send the user no vigil-notice', () => stack.withLogs(async () => {
    const { user, sessionId, torn } = await sessionOf(QUIET_TARGET);
    const live = await admin();
    const ack = await live.emitWithAck('attach', { sessionId, mode: 'interact' });
    expect(ack).toMatchObject({ ok: true, kind: 'rdp' });
    await stack.open(ack.tunnel, ack.token);
    for (const action of ['take', 'pause-user', 'resume-user', 'handback']) await expect(live.emitWithAck('control', { sessionId, action })).resolves.toEqual({ ok: true });
    await expect(live.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
    await sleep(1_500); // a notice would be on its way by now (they are sent synchronously)
    await expect(live.emitWithAck('terminate', { sessionId, reason: 'bye' })).resolves.toEqual({ ok: true });
    await user.waitClosed(10_000);
    expect(user.received.some((i) => i.opcode === 'error')).toBe(true);
    expect(notices(user)).toEqual([]);
    expect(torn).toEqual([]);
  }), 120_000);
});
