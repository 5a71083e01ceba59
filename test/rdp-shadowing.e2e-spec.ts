/**
 * Shadowing RDP/VNC sessions through the public path only: the user connects with
 * `POST /api/targets/{name}/connect` and the Guacamole tunnel (real guacamole-lite, guacd, Xvnc,
 * xrdp); viewers attach on socket.io `/live`, which answers `kind: 'rdp'` with a tunnel and a
 * single-use join token, and open that tunnel themselves. It proves: a `view` viewer gets the full
 * screen and its mouse is dropped on the X server; the token cannot be replayed; a viewer without
 * `shadow` gets no token; an `interact` viewer's mouse reaches X only while it holds the control
 * lock; the viewers are listed; JoinSession/TakeControl are audited under the viewer's name; the
 * user's tunnel closing closes every viewer (tunnel and `/live`); a `/live` detach closes only that
 * viewer's tunnel; a `/live` terminate closes the user and the viewers within 1 s with the reason.
 */
import type { Socket } from 'socket.io-client';
import { TUNNEL_PATH } from '@vigil/rdp';
import { DATABASE_KINDS } from './support/databases';
import { GuacamoleWsClient } from './support/guacamole-ws-client';
import { moveAndWait, pointerStays, waitCovered } from './support/rdp-screen';
import { DEFAULT_SCREEN, RDP_TARGET, RdpStack, VNC_TARGET } from './support/rdp-stack';
import { connectSocket, nextEvent, type TestGateway } from './support/test-gateway';
import type { VncServer } from './support/vnc-server';
import { eventually, sleep } from './support/wait';

interface AuditRecord {
  eventName: string;
  eventSource: string;
  sessionId: string;
  userIdentity: { userName: string };
}

describe.each(DATABASE_KINDS)('RDP/VNC shadowing through /live (real guacamole-lite, guacd, Xvnc, xrdp) on %s', (kind) => {
  let stack: RdpStack;
  let gw: TestGateway;
  let tokens: Record<string, string>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await RdpStack.start(kind, {
      users: { alice: { roles: ['owner'] }, nora: { roles: ['auditor'] }, ivan: { roles: ['auditor'], privileges: ['shadow', 'interact'] } },
    });
    ({ gw, tokens } = stack);
  }, 600_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await stack?.stop();
  }, 90_000);

  const withLogs = (run: () => Promise<void>): Promise<void> => stack.withLogs(run);
  const covered = (client: GuacamoleWsClient): Promise<void> => waitCovered(client, DEFAULT_SCREEN, 20_000);

  const live = async (who: string): Promise<Socket> => {
    const socket = await connectSocket(gw.url, '/live', tokens[who]);
    sockets.push(socket);
    return socket;
  };

  const openTunnel = (tunnel: string, token: string): Promise<GuacamoleWsClient> => stack.open(tunnel, token);

  /** The user's side: the public connect call, then the tunnel; the session Connected in the sessions API. */
  const connectUser = async (target: string): Promise<{ user: GuacamoleWsClient; sessionId: string }> => {
    const { client: user, answer } = await stack.connect(tokens.alice, target);
    const sessions = await eventually(
      () => gw.http.get('/api/sessions?type=PAM_RDP').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as Array<{ id: string; serviceProvider: string; status: string }>),
      (items) => items.some((s) => s.id === answer.sessionId && s.status === 'Connected'),
      20_000,
    );
    expect(sessions.find((s) => s.id === answer.sessionId)).toMatchObject({ serviceProvider: target, status: 'Connected' });
    return { user, sessionId: answer.sessionId };
  };

  const audit = (query: string) =>
    gw.http.get(`/api/audit?limit=1000&${query}`).auth(gw.adminToken, { type: 'bearer' }).expect(200).then((r) => r.body.items as AuditRecord[]);

  const targets: Array<[string, string, () => VncServer]> = [
    ['VNC (Xvnc)', VNC_TARGET, () => stack.servers.vnc],
    ['RDP (xrdp → Xvnc)', RDP_TARGET, () => stack.servers.rdpScreen],
  ];

  describe.each(targets)('%s', (_name, targetName, screenOf) => {
    it('view: full screen, mouse dropped, single-use token; no shadow: no token; interact: input only under the control lock; viewers listed; audited; the user leaving closes the viewers', () => withLogs(async () => {
      const screen = screenOf();
      await screen.movePointer(10, 10);
      const { user, sessionId } = await connectUser(targetName);
      // The user's own mouse reaches X: the session is live and the path works.
      await moveAndWait(user, screen, { x: 20, y: 20 });

      // No shadow privilege: a refusal, and nothing to open a tunnel with.
      const nora = await live('nora');
      const refused = await nora.emitWithAck('attach', { sessionId, mode: 'view' });
      expect(refused).toEqual({ ok: false, error: 'forbidden: watching this session requires the shadow privilege' });
      expect(refused).not.toHaveProperty('token');
      // Not a UUID, unknown session: refusals too, without tokens.
      await expect(nora.emitWithAck('attach', { sessionId: '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f', mode: 'view' })).resolves.toEqual({ ok: false, error: 'session not found' });

      // The admin watches: /live answers a tunnel and a token, the tunnel joins the user's guacd connection.
      const admin = await live('admin');
      const viewAck = await admin.emitWithAck('attach', { sessionId, mode: 'view' });
      expect(viewAck).toEqual({
        ok: true, kind: 'rdp', sessionId, tunnel: TUNNEL_PATH, token: expect.stringMatching(/^vgt1_[A-Za-z0-9_-]{43}$/),
        viewers: [expect.objectContaining({ username: 'admin', mode: 'view', viewerId: viewAck.viewerId })],
        control: expect.anything(), viewerId: expect.any(String),
      });
      const viewer = await openTunnel(viewAck.tunnel, viewAck.token);
      expect(viewer.connectionId).toBe(user.connectionId);
      // The whole screen at once (guacd re-sends it on join): one image (VNC) or tiles covering it (RDP).
      await covered(viewer);
      // Its mouse is dropped on the X server (read-only join).
      await pointerStays(viewer, screen, { x: 500, y: 400 }, { x: 20, y: 20 });

      // The token is single-use: a second tunnel with it is refused at the upgrade.
      await expect(GuacamoleWsClient.open(gw.url, viewAck.tunnel, viewAck.token)).rejects.toMatchObject({ status: 401 });
      expect(viewer.isClosed).toBe(false);

      // An interact viewer: joined, listed with the admin, but its input waits for the control lock.
      const ivan = await live('ivan');
      const adminSeesIvan = nextEvent<{ viewers: Array<{ username: string }> }>(admin, 'viewers', (p) => p.viewers.some((v) => v.username === 'ivan'), 15_000);
      const interactAck = await ivan.emitWithAck('attach', { sessionId, mode: 'interact' });
      expect(interactAck).toMatchObject({ ok: true, kind: 'rdp', sessionId, tunnel: TUNNEL_PATH, token: expect.stringMatching(/^vgt1_/) });
      expect(interactAck.token).not.toBe(viewAck.token);
      expect(interactAck.viewers.map((v: { username: string; mode: string }) => `${v.username}:${v.mode}`).sort()).toEqual(['admin:view', 'ivan:interact']);
      expect((await adminSeesIvan).viewers.map((v) => v.username).sort()).toEqual(['admin', 'ivan']);
      const interactor = await openTunnel(interactAck.tunnel, interactAck.token);
      expect(interactor.connectionId).toBe(user.connectionId);
      await covered(interactor);

      // Before take: dropped.
      await pointerStays(interactor, screen, { x: 600, y: 300 }, { x: 20, y: 20 });
      // With the lock: forwarded.
      await expect(ivan.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
      await moveAndWait(interactor, screen, { x: 303, y: 202 });
      // Handed back: dropped again.
      await expect(ivan.emitWithAck('control', { sessionId, action: 'handback' })).resolves.toEqual({ ok: true });
      await pointerStays(interactor, screen, { x: 700, y: 500 }, { x: 303, y: 202 });

      // An admin pauses the user's keyboard and mouse: the user's own input is dropped until resumed.
      await expect(admin.emitWithAck('control', { sessionId, action: 'pause-user' })).resolves.toEqual({ ok: true });
      await pointerStays(user, screen, { x: 111, y: 111 }, { x: 303, y: 202 });
      await expect(admin.emitWithAck('control', { sessionId, action: 'resume-user' })).resolves.toEqual({ ok: true });
      await moveAndWait(user, screen, { x: 40, y: 40 });

      // Audited under the viewers' names.
      const trail = await eventually(() => audit(`sessionId=${sessionId}`), (items) => items.some((r) => r.eventName === 'TakeControl'), 15_000);
      const named = (userName: string) => trail.filter((r) => r.userIdentity.userName === userName).map((r) => r.eventName).reverse();
      expect(named('admin')).toContain('JoinSession');
      expect(named('ivan')).toEqual(expect.arrayContaining(['JoinSession', 'TakeControl', 'HandBackControl']));
      expect(named('admin')).toEqual(expect.arrayContaining(['PauseUserInput', 'ResumeUserInput']));
      expect(named('ivan').indexOf('JoinSession')).toBeLessThan(named('ivan').indexOf('TakeControl'));
      for (const r of trail.filter((r) => r.eventName === 'JoinSession' || r.eventName === 'TakeControl')) expect(r).toMatchObject({ eventSource: 'vigil.live', sessionId });
      // nora's refused attach made her no viewer and wrote no join.
      expect(named('nora')).not.toContain('JoinSession');

      // The user leaves: both viewers' tunnels close with the reason, /live tells its viewers.
      const adminEnded = nextEvent<{ sessionId: string }>(admin, 'ended', (p) => p.sessionId === sessionId, 15_000);
      const ivanEnded = nextEvent<{ sessionId: string }>(ivan, 'ended', (p) => p.sessionId === sessionId, 15_000);
      user.close();
      for (const client of [viewer, interactor]) {
        await client.waitClosed(10_000);
        expect(client.received.find((i) => i.opcode === 'error')?.args[0]).toBe('The user left the session');
      }
      await Promise.all([adminEnded, ivanEnded]);
      // ...and the session is gone from /live: a late attach gets no token.
      await expect(ivan.emitWithAck('attach', { sessionId, mode: 'view' })).resolves.toMatchObject({ ok: false });
    }), 180_000);

    it('a /live detach closes only that viewer\'s tunnel; a /live terminate closes the user and the viewers within 1 s with the reason', () => withLogs(async () => {
      const { user, sessionId } = await connectUser(targetName);
      const admin = await live('admin');
      const ivan = await live('ivan');
      const watching = await admin.emitWithAck('attach', { sessionId, mode: 'view' });
      const interacting = await ivan.emitWithAck('attach', { sessionId, mode: 'interact' });
      expect([watching.ok, interacting.ok]).toEqual([true, true]);
      const viewer = await openTunnel(watching.tunnel, watching.token);
      const interactor = await openTunnel(interacting.tunnel, interacting.token);

      await expect(ivan.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
      await interactor.waitClosed(10_000);
      // ...and nobody else's: the viewer and the user stay (watched 1 s).
      await sleep(1_000);
      expect([viewer.isClosed, user.isClosed]).toEqual([false, false]);

      // Only admins terminate from /live; ivan may not.
      await expect(ivan.emitWithAck('terminate', { sessionId, reason: 'nope' })).resolves.toMatchObject({ ok: false });
      expect(user.isClosed).toBe(false);
      const asked = Date.now();
      await expect(admin.emitWithAck('terminate', { sessionId, reason: 'change window closed' })).resolves.toEqual({ ok: true });
      for (const client of [user, viewer]) {
        const closedAt = await client.waitClosed(5_000);
        expect(closedAt - asked).toBeLessThan(1_000);
        expect(client.received.find((i) => i.opcode === 'error')?.args[0]).toBe('Session terminated by admin: change window closed');
      }
      const entry = await eventually(
        () => gw.http.get(`/api/access-logs/${sessionId}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body as { endReason?: string; endedBy?: string }),
        (body) => body.endReason !== undefined && body.endReason !== null,
        20_000,
      );
      expect(entry).toMatchObject({ endReason: 'terminated', endedBy: 'admin' });
    }), 120_000);
  });
});
