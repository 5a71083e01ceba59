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
import { Guacd } from './support/guacd';
import { pngSize } from './support/guacd-client';
import { GuacamoleWsClient } from './support/guacamole-ws-client';
import { connectSocket, createUser, nextEvent, startTestGateway, TestGateway } from './support/test-gateway';
import { VncServer, type Pointer } from './support/vnc-server';
import { eventually, sleep } from './support/wait';
import { XrdpServer } from './support/xrdp';

const WIDTH = 1024;
const HEIGHT = 768;

interface AuditRecord {
  eventName: string;
  eventSource: string;
  sessionId: string;
  userIdentity: { userName: string };
}

/** Width and height of a PNG (IHDR) or a JPEG (its SOF marker): guacd picks either per update. */
function imageSize(data: Buffer): { width: number; height: number } | null {
  const png = pngSize(data);
  if (png) return png;
  if (data[0] !== 0xff || data[1] !== 0xd8) return null;
  for (let at = 2; at + 9 < data.length; ) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1];
    const length = data.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return null;
}

/** Whether the default layer's images so far cover every pixel row of the screen from x 0 to WIDTH. */
function screenCovered(client: GuacamoleWsClient): boolean {
  const rects = client.images.flatMap((image) => {
    const size = image.layer === 0 ? imageSize(image.data) : null;
    return size ? [{ x: image.x, y: image.y, right: image.x + size.width, bottom: image.y + size.height }] : [];
  });
  for (let y = 0; y < HEIGHT; y++) {
    const spans = rects.filter((r) => r.y <= y && y < r.bottom).sort((a, b) => a.x - b.x);
    let reached = 0;
    for (const span of spans) if (span.x <= reached) reached = Math.max(reached, span.right);
    if (reached < WIDTH) return false;
  }
  return true;
}

async function waitCovered(client: GuacamoleWsClient, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!screenCovered(client)) {
    if (Date.now() - started > timeoutMs || client.isClosed) throw new Error(`the screen was not covered; received: ${client.summary()}`);
    await sleep(25);
  }
}

async function pointerReaches(screen: VncServer, want: Pointer, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let last = await screen.pointer();
  while (last.x !== want.x || last.y !== want.y) {
    if (Date.now() - started > timeoutMs) throw new Error(`X pointer stayed at ${JSON.stringify(last)}, expected ${JSON.stringify(want)}`);
    await sleep(25);
    last = await screen.pointer();
  }
}

/** A real mouse sends a stream of moves; one lone move over RDP is occasionally lost (guacd-stack spec): repeat it. */
async function moveAndWait(client: GuacamoleWsClient, screen: VncServer, to: Pointer): Promise<void> {
  for (let sends = 1; ; sends++) {
    client.mouse(to.x, to.y);
    try {
      return await pointerReaches(screen, to, 3_000);
    } catch (error) {
      if (sends >= 4 || client.isClosed) throw error;
    }
  }
}

/** Sends moves to `to` for `watchMs` and asserts the X pointer never leaves `stays` (input dropped). */
async function pointerStays(client: GuacamoleWsClient, screen: VncServer, to: Pointer, stays: Pointer, watchMs = 2_500): Promise<void> {
  const until = Date.now() + watchMs;
  for (let n = 0; Date.now() < until; n++) {
    if (n % 4 === 0) client.mouse(to.x + (n % 8), to.y);
    expect(await screen.pointer()).toEqual(stays);
    await sleep(50);
  }
  expect(client.isClosed).toBe(false);
}

describe.each(DATABASE_KINDS)('RDP/VNC shadowing through /live (real guacamole-lite, guacd, Xvnc, xrdp) on %s', (kind) => {
  let guacd: Guacd;
  let vnc: VncServer;
  let rdpScreen: VncServer;
  let xrdp: XrdpServer;
  let gw: TestGateway;
  const tokens: Record<string, string> = {};
  const clients: GuacamoleWsClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [guacd, vnc, rdpScreen] = await Promise.all([Guacd.start(), VncServer.start({ width: WIDTH, height: HEIGHT }), VncServer.start({ width: WIDTH, height: HEIGHT })]);
    xrdp = await XrdpServer.start(rdpScreen.port);
    gw = await startTestGateway(kind, { GUACD_HOST: guacd.host, GUACD_PORT: String(guacd.port) });
    tokens.admin = gw.adminToken;
    tokens.alice = await createUser(gw, 'alice', ['owner']);
    tokens.nora = await createUser(gw, 'nora', ['auditor']);
    tokens.ivan = await createUser(gw, 'ivan', ['auditor'], ['shadow', 'interact']);
    const admin = { type: 'bearer' as const };
    await gw.http.post('/api/targets').auth(gw.adminToken, admin)
      .send({ name: 'desk-vnc', protocol: 'vnc', host: '127.0.0.1', port: vnc.port, accountName: 'na', grants: { users: ['alice'] } }).expect(201);
    const rdp = xrdp.connectArgs;
    await gw.http.post('/api/targets').auth(gw.adminToken, admin)
      .send({ name: 'desk-rdp', protocol: 'rdp', host: '127.0.0.1', port: Number(rdp.port), accountName: rdp.username, password: rdp.password, security: 'any', ignoreCert: true, grants: { users: ['alice'] } })
      .expect(201);
  }, 600_000);

  afterAll(async () => {
    for (const c of clients) c.terminate();
    for (const s of sockets) s.close();
    await gw?.close();
    await Promise.all([guacd?.stop(), xrdp?.stop(), vnc?.stop(), rdpScreen?.stop()]);
  }, 90_000);

  const withLogs = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      (error as Error).message += `\n--- guacd ---\n${guacd.logs().slice(-4000)}`;
      throw error;
    }
  };

  const live = async (who: string): Promise<Socket> => {
    const socket = await connectSocket(gw.url, '/live', tokens[who]);
    sockets.push(socket);
    return socket;
  };

  const openTunnel = async (tunnel: string, token: string): Promise<GuacamoleWsClient> => {
    const client = await GuacamoleWsClient.connect(gw.url, tunnel, token);
    clients.push(client);
    return client;
  };

  /** The user's side: the public connect call, then the tunnel; the session id from the sessions API. */
  const connectUser = async (target: string): Promise<{ user: GuacamoleWsClient; sessionId: string }> => {
    const res = await gw.http.post(`/api/targets/${target}/connect`).auth(tokens.alice, { type: 'bearer' }).expect(200);
    const user = await openTunnel(res.body.tunnel, res.body.token);
    const sessions = await eventually(
      () => gw.http.get('/api/sessions?type=PAM_RDP').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as Array<{ id: string; serviceProvider: string; status: string }>),
      (items) => items.some((s) => s.serviceProvider === target && s.status === 'Connected'),
      20_000,
    );
    return { user, sessionId: sessions.find((s) => s.serviceProvider === target && s.status === 'Connected')!.id };
  };

  const audit = (query: string) =>
    gw.http.get(`/api/audit?limit=1000&${query}`).auth(gw.adminToken, { type: 'bearer' }).expect(200).then((r) => r.body.items as AuditRecord[]);

  const targets: Array<[string, string, () => VncServer]> = [
    ['VNC (Xvnc)', 'desk-vnc', () => vnc],
    ['RDP (xrdp → Xvnc)', 'desk-rdp', () => rdpScreen],
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
      await waitCovered(viewer, 20_000);
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
      await waitCovered(interactor, 20_000);

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
