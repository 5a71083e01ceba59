/**
 * RDP/VNC shadowing across gateways: two gateways on one database and one Redis, one guacd (the
 * same GUACD_HOST for both), a real Xvnc. The user's tunnel is on gateway A; the viewers' /live
 * sockets and Guacamole tunnels are on gateway B, with tokens A minted (the attach is forwarded
 * to A, the holder). It proves: B redeems A's token once (a replay on B or on A is refused and
 * audited under the viewer as on one gateway); B's view tunnel gets the current screen and its
 * mouse is dropped on the X server; B's interact tunnel moves the pointer only while its viewer
 * holds the control lock held in A's hub; a /live detach on B closes B's tunnel; a terminate over
 * HTTP on B closes the user's tunnel on A and B's viewer tunnels within 1 s with the reason; the
 * user leaving on A closes B's viewers; a connect token A minted opens the user's tunnel on B; the
 * carrier dying (a real process, SIGKILL) closes the viewer tunnels B serves for it.
 */
import type { Socket } from 'socket.io-client';
import { AuditService } from '@vigil/audit';
import { DATABASE_KINDS, type TestDatabase, createTestDatabase } from './support/databases';
import { GatewayProcess } from './support/gateway-process';
import { GuacamoleWsClient } from './support/guacamole-ws-client';
import { moveAndWait, waitCovered } from './support/rdp-screen';
import { DEFAULT_SCREEN, RdpServers, VNC_TARGET, addDeskTargets, requestConnect } from './support/rdp-stack';
import { pointerStays } from './support/rdp-screen';
import { RedisServer } from './support/redis-server';
import { type TestGateway, connectSocket, createUser, nextEvent, startTestGatewayOn } from './support/test-gateway';
import type { Pointer, VncServer } from './support/vnc-server';
import { eventually, sleep } from './support/wait';

describe.each(DATABASE_KINDS)('RDP/VNC viewers on another gateway than the user (real guacd, Xvnc, Redis) on %s', (kind) => {
  let redis: RedisServer;
  let db: TestDatabase;
  let servers: RdpServers;
  let a: TestGateway;
  let b: TestGateway;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const clients: GuacamoleWsClient[] = [];

  beforeAll(async () => {
    [redis, db, servers] = await Promise.all([RedisServer.start(), createTestDatabase(kind), RdpServers.start({ rdp: false })]);
    // One guacd for the cluster: a viewer's gateway joins the connection the user's gateway opened.
    const env = { REDIS_URL: redis.url, ...servers.gatewayEnv };
    a = await startTestGatewayOn(db, env);
    b = await startTestGatewayOn(db, env);
    tokens.admin = a.adminToken;
    tokens.alice = await createUser(a, 'alice', ['owner']);
    tokens.ivan = await createUser(a, 'ivan', ['auditor'], ['shadow', 'interact']);
    await addDeskTargets(a.url, a.adminToken, servers, ['alice']);
  }, 600_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const c of clients) c.terminate();
    await b?.close();
    await a?.close();
    await servers?.stop();
    await db?.drop();
    await redis?.stop();
  }, 120_000);

  const withLogs = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- guacd ---\n${servers.logs()}`;
      throw error;
    }
  };

  const live = async (gw: TestGateway, who: string): Promise<Socket> => {
    const socket = await connectSocket(gw.url, '/live', tokens[who]);
    sockets.push(socket);
    return socket;
  };

  const open = async (gw: TestGateway, tunnel: string, token: string): Promise<GuacamoleWsClient> => {
    const client = await GuacamoleWsClient.connect(gw.url, tunnel, token);
    clients.push(client);
    return client;
  };

  /** alice's tunnel on A, registered (Connected in the shared registry). */
  const userOnA = async (): Promise<{ user: GuacamoleWsClient; sessionId: string }> => {
    const answer = await requestConnect(a.url, tokens.alice, VNC_TARGET);
    const user = await open(a, answer.tunnel, answer.token);
    await eventually(
      () => b.http.get('/api/sessions?type=PAM_RDP').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as Array<{ id: string; status: string }>),
      (items) => items.some((s) => s.id === answer.sessionId && s.status === 'Connected'),
      20_000,
    );
    // guacd answers `ready` before its VNC client has connected and before anything is drawn: the
    // user acts once the screen has drawn, as a person would. (Moves before that once killed the
    // connection: guacd 1.6.0's render thread did not exist yet; rdp-tunnel and guacd-stack specs.)
    await waitCovered(user, DEFAULT_SCREEN, 20_000);
    return { user, sessionId: answer.sessionId };
  };

  const openTunnelRefusals = async (userName: string, errorCode: string) => {
    const audit = a.app.get(AuditService);
    await audit.settle();
    return (await audit.query({ eventSource: 'vigil.rdp', eventName: 'OpenTunnel', limit: 1000 })).items.filter(
      (r) => r.userIdentity?.userName === userName && r.errorCode === errorCode,
    );
  };

  it('B redeems A\'s join token once; B\'s view tunnel shows the screen and drops its input; B\'s interact tunnel types only under the lock held on A; detach on B closes it', () => withLogs(async () => {
    const screen = servers.vnc;
    await screen.movePointer(10, 10);
    const { user, sessionId } = await userOnA();
    await moveAndWait(user, screen, { x: 20, y: 20 });

    // The admin watches from B: the attach is answered by A (the holder), the tunnel opened on B.
    const admin = await live(b, 'admin');
    const viewAck = await admin.emitWithAck('attach', { sessionId, mode: 'view' });
    expect(viewAck).toMatchObject({ ok: true, kind: 'rdp', sessionId, tunnel: '/guacamole', token: expect.stringMatching(/^vgt1_[A-Za-z0-9_-]{43}$/) });
    const replaysBefore = (await openTunnelRefusals('admin', 'TokenReplayed')).length;
    const viewer = await open(b, viewAck.tunnel, viewAck.token);
    expect(viewer.connectionId).toBe(user.connectionId);
    await waitCovered(viewer, DEFAULT_SCREEN, 20_000);
    await pointerStays(viewer, screen, { x: 500, y: 400 }, { x: 20, y: 20 });
    // The user is told in their own tunnel on A (the holder announces, wherever the viewer is).
    await user.waitFor((i) => i.opcode === 'vigil-notice' && i.args[0] === 'watching' && i.args[1] === 'admin started watching this session (view)', 'the watching notice');

    // Single-use across the cluster: replayed on B and on A, refused, audited under the admin.
    await expect(GuacamoleWsClient.open(b.url, viewAck.tunnel, viewAck.token)).rejects.toMatchObject({ status: 401 });
    await expect(GuacamoleWsClient.open(a.url, viewAck.tunnel, viewAck.token)).rejects.toMatchObject({ status: 401 });
    await eventually(() => openTunnelRefusals('admin', 'TokenReplayed'), (found) => found.length >= replaysBefore + 2, 10_000);
    expect(viewer.isClosed).toBe(false);

    // ivan interacts from B: his input waits for the control lock (held in A's hub).
    const ivan = await live(b, 'ivan');
    const interactAck = await ivan.emitWithAck('attach', { sessionId, mode: 'interact' });
    expect(interactAck).toMatchObject({ ok: true, kind: 'rdp', sessionId });
    const interactor = await open(b, interactAck.tunnel, interactAck.token);
    expect(interactor.connectionId).toBe(user.connectionId);
    await waitCovered(interactor, DEFAULT_SCREEN, 20_000);
    await pointerStays(interactor, screen, { x: 600, y: 300 }, { x: 20, y: 20 });
    await expect(ivan.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await moveAndWait(interactor, screen, { x: 303, y: 202 });
    // The view tunnel stays dropped while ivan holds the lock.
    await pointerStays(viewer, screen, { x: 700, y: 500 }, { x: 303, y: 202 }, 1_000);
    await expect(ivan.emitWithAck('control', { sessionId, action: 'handback' })).resolves.toEqual({ ok: true });
    await sleep(300); // the holder's push crosses Redis
    await pointerStays(interactor, screen, { x: 100, y: 600 }, { x: 303, y: 202 });

    // A detach on B closes B's tunnel of that viewer (the holder's state no longer lists it), not the others.
    await expect(ivan.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
    await interactor.waitClosed(5_000);
    await sleep(500);
    expect([viewer.isClosed, user.isClosed]).toEqual([false, false]);

    // The user leaving on A closes B's viewer (guacd would keep the connection while a member remains).
    const ended = nextEvent<{ sessionId: string }>(admin, 'ended', (p) => p.sessionId === sessionId, 10_000);
    user.close();
    await viewer.waitClosed(5_000);
    await ended;
  }), 240_000);

  it('a terminate over HTTP on B closes the user\'s tunnel on A and B\'s viewer tunnels within 1 s, with the reason', () => withLogs(async () => {
    const { user, sessionId } = await userOnA();
    const admin = await live(b, 'admin');
    const ivan = await live(b, 'ivan');
    const [watching, interacting] = await Promise.all([admin.emitWithAck('attach', { sessionId, mode: 'view' }), ivan.emitWithAck('attach', { sessionId, mode: 'interact' })]);
    expect([watching.ok, interacting.ok]).toEqual([true, true]);
    const viewers = [await open(b, watching.tunnel, watching.token), await open(b, interacting.tunnel, interacting.token)];
    await Promise.all(viewers.map((v) => waitCovered(v, DEFAULT_SCREEN, 20_000)));

    const asked = Date.now();
    await b.http.post(`/api/sessions/${sessionId}/terminate`).auth(tokens.admin, { type: 'bearer' }).send({ reason: 'change window closed' }).expect((r) => expect(r.status).toBeLessThan(300));
    for (const client of [user, ...viewers]) {
      const closedAt = await client.waitClosed(5_000);
      expect(closedAt - asked).toBeLessThan(1_000);
      expect(client.received.find((i) => i.opcode === 'error')?.args[0]).toContain('change window closed');
    }
    const entry = await eventually(
      () => a.http.get(`/api/access-logs/${sessionId}`).auth(tokens.admin, { type: 'bearer' }).then((r) => r.body as { endReason?: string | null; endedBy?: string }),
      (body) => !!body.endReason,
      20_000,
    );
    expect(entry).toMatchObject({ endReason: 'terminated', endedBy: 'admin' });
  }), 240_000);

  it('a connect token minted on A opens the user\'s tunnel on B, which then carries the session; a replay on A is refused', () => withLogs(async () => {
    const answer = await requestConnect(a.url, tokens.alice, VNC_TARGET);
    const user = await open(b, answer.tunnel, answer.token);
    await eventually(
      () => a.http.get('/api/sessions?type=PAM_RDP').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as Array<{ id: string; status: string }>),
      (items) => items.some((s) => s.id === answer.sessionId && s.status === 'Connected'),
      20_000,
    );
    await moveAndWait(user, servers.vnc, { x: 44, y: 33 });
    await expect(GuacamoleWsClient.open(a.url, answer.tunnel, answer.token)).rejects.toMatchObject({ status: 401 });
    user.close();
    await user.waitClosed(5_000);
  }), 120_000);

  it('the carrying gateway dying (SIGKILL) closes the viewer tunnels another gateway serves for it', () => withLogs(async () => {
    // The carrier is a real process this time, so that it can die without a word to anyone.
    const doomed = await GatewayProcess.start({ ...db.env, REDIS_URL: redis.url, ...servers.gatewayEnv, LOG_LEVEL: 'error' });
    try {
      const answer = await requestConnect(doomed.url, tokens.alice, VNC_TARGET);
      const user = await GuacamoleWsClient.connect(doomed.url, answer.tunnel, answer.token);
      clients.push(user);
      const admin = await live(b, 'admin');
      const ack = await eventually(
        () => admin.emitWithAck('attach', { sessionId: answer.sessionId, mode: 'view' }),
        (r: { ok: boolean; tunnel?: string; token?: string }) => r.ok,
        20_000,
      );
      const viewer = await open(b, ack.tunnel!, ack.token!);
      await waitCovered(viewer, DEFAULT_SCREEN, 20_000);
      await sleep(2_500); // a holder check or two while the carrier lives: the viewer stays
      expect(viewer.isClosed).toBe(false);

      const killed = Date.now();
      await doomed.kill('SIGKILL');
      const closedAt = await viewer.waitClosed(15_000);
      // within a holder check (2 s) or two, with margin for a loaded machine
      expect(closedAt - killed).toBeLessThan(8_000);
      expect(viewer.received.find((i) => i.opcode === 'error')?.args[0]).toBe('The gateway carrying this session is gone');
    } finally {
      await doomed.kill('SIGKILL');
    }
  }), 240_000);
});
