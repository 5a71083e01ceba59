import * as fs from 'node:fs';
import type { Socket } from 'socket.io-client';
import { THUMBNAIL_LIMIT, WallGateway } from '../libs/shadowing/src/live/thumbnails/wall.gateway';
import { DATABASE_KINDS } from './support/databases';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, connectSocket, createUser, nextEvent, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';
import { createSshTarget, registerSshKey } from './support/ssh-fixtures';

interface Thumbnail {
  sessionId: string;
  cols: number;
  rows: number;
  screen: string;
}

/**
 * The wall's thumbnails over socket.io `/live`, end to end: a real sshd behind the jump, the
 * session's user in real OpenSSH, walls as socket.io clients. Rights are attach's in view mode
 * and checked on the server; every subscription is audited as a watch; the screen is the visible
 * one, sent at most once a second and computed once for all subscribers.
 */
describe.each(DATABASE_KINDS)('/live thumbnails (the wall) on %s', (kind) => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let gw: TestGateway;
  let user: InteractiveProcess;
  let sessionId: string;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];

  const wall = async (who: string) => {
    const socket = await connectSocket(gw.url, '/live', tokens[who]);
    sockets.push(socket);
    return socket;
  };
  const subscribe = (socket: Socket, payload: unknown) => socket.timeout(10_000).emitWithAck('thumbnail-subscribe', payload);
  const auditOf = async () =>
    (await gw.http.get(`/api/audit?sessionId=${sessionId}&limit=500`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items as {
      action: string;
      actor: string;
      requestParameters?: Record<string, unknown>;
    }[];
  const wallRecords = async (action: string, actor: string) =>
    (await auditOf()).filter((r) => r.action === action && r.actor === actor && r.requestParameters?.via === 'wall');

  beforeAll(async () => {
    dir = makeTempDir('vigil-thumbnails-e2e');
    aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    tokens.admin = gw.adminToken;
    tokens.alice = await createUser(gw, 'alice');
    tokens.carol = await createUser(gw, 'carol');
    tokens.aud = await createUser(gw, 'aud', ['auditor']);
    tokens.shadowOnly = await createUser(gw, 'shadowonly', ['owner'], ['shadow']);
    await registerSshKey(gw, tokens.alice, aliceKey);
    await createSshTarget(gw, sshd, targetKey);
    user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
    user.write('export PS1="$ "; seq 1 300; echo THUMB-$((20+1))\n');
    await user.waitFor('THUMB-21');
    const open = await eventually(
      () => gw.http.get('/api/sessions?type=PAM_SSH').auth(tokens.alice, { type: 'bearer' }).then((r) => r.body.items as { id: string }[]),
      (items) => items.length === 1,
    );
    sessionId = open[0].id;
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    user?.kill();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => sockets.splice(0).forEach((s) => s.close()));

  it('the owner gets the visible screen (no scrollback) within a second, then the changed screen; audited as a wall watch', async () => {
    const alice = await wall('alice');
    const first = nextEvent<Thumbnail>(alice, 'thumbnail', (t) => t.sessionId === sessionId && t.screen.includes('THUMB-21'), 5000);
    await expect(subscribe(alice, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    const shot = await first;
    expect(shot.cols).toBeGreaterThan(0);
    expect(shot.screen).toContain('300');
    // seq's early lines scrolled off the screen: a thumbnail carries the visible rows only
    expect(shot.screen).not.toMatch(/(^|\n)100\r?\n/);
    expect(shot.screen.length).toBeLessThan(8 * 1024);

    const next = nextEvent<Thumbnail>(alice, 'thumbnail', (t) => t.sessionId === sessionId && t.screen.includes('AFTER-43'), 5000);
    user.write('echo AFTER-$((40+3))\n');
    await next;
    expect(await wallRecords('viewer.join', 'user:alice')).toHaveLength(1);

    // subscribing again is a no-op: no second record
    await expect(subscribe(alice, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    await expect(alice.timeout(10_000).emitWithAck('thumbnail-unsubscribe', { sessionId })).resolves.toEqual({ ok: true });
    await expect(alice.timeout(10_000).emitWithAck('thumbnail-unsubscribe', { sessionId })).resolves.toEqual({ ok: false, error: 'not subscribed to this session' });
    const joins = await wallRecords('viewer.join', 'user:alice');
    expect(joins).toHaveLength(1);
    expect(joins[0].requestParameters).toEqual({ mode: 'view', via: 'wall' });
    expect(await eventually(() => wallRecords('viewer.leave', 'user:alice'), (r) => r.length === 1)).toHaveLength(1);
  });

  it('a wall watch is a View: announced once on the user\'s terminal, listed (via wall) while subscribed, gone and told after unsubscribe or disconnect', async () => {
    const STARTED = '[Vigil] admin started watching this session (wall thumbnail)';
    const STOPPED = '[Vigil] admin stopped watching this session';
    const count = (line: string) => user.text.split(line).length - 1;
    const wallEntry = { username: 'admin', mode: 'view', via: 'wall' };
    const watchersOf = async (token: string) =>
      ((await gw.http.get('/api/live/watchers').auth(token, { type: 'bearer' }).expect(200)).body.items as { sessionId: string; viewers: unknown[] }[]).find(
        (w) => w.sessionId === sessionId,
      )?.viewers ?? [];
    expect(count(STARTED)).toBe(0);
    const ownerPage = await connectSocket(gw.url, '/sessions', tokens.alice);
    sockets.push(ownerPage);
    // non-empty: the previous test's leave may still be announced (viewers []) after this page connects
    const listed = nextEvent<{ sessionId: string; viewers: unknown[] }>(ownerPage, 'session.viewers', (p) => p.sessionId === sessionId && p.viewers.length > 0, 10_000);

    const admin = await wall('admin');
    await expect(subscribe(admin, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    await user.waitFor(STARTED, 15_000);
    // the sessions page (Watching column) and GET /api/live/watchers list it as a view from the wall
    expect((await listed).viewers).toEqual([wallEntry]);
    expect(await watchersOf(tokens.alice)).toEqual([wallEntry]);
    // a /live viewer of the session sees it in its list (its own entry has no `via`: payloads stay as they were)
    const aliceViewer = await wall('alice');
    const attached = await aliceViewer.timeout(10_000).emitWithAck('attach', { sessionId, mode: 'view' });
    expect(attached).toMatchObject({ ok: true, sessionId });
    expect(attached.viewers).toEqual(
      expect.arrayContaining([
        { viewerId: `wall:${admin.id}`, username: 'admin', mode: 'view', since: expect.any(String), via: 'wall' },
        { viewerId: attached.viewerId, username: 'alice', mode: 'view', since: expect.any(String) },
      ]),
    );

    // a reconnect (new socket, same person) within the quiet period: still one line, no "stopped"
    admin.close();
    const again = await wall('admin');
    await expect(subscribe(again, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    await eventually(() => watchersOf(tokens.alice), (v) => JSON.stringify(v).includes(`"via":"wall"`) && v.length === 2);
    await sleep(2500); // several thumbnail ticks: a tick announces nothing
    expect(count(STARTED)).toBe(1);
    expect(count(STOPPED)).toBe(0);

    // unsubscribe: out of every list at once, and told like a viewer leaving (after the quiet period)
    const unlisted = nextEvent<{ sessionId: string; viewers: unknown[] }>(aliceViewer, 'viewers', (p) => p.sessionId === sessionId && p.viewers.length === 1, 10_000);
    await expect(again.timeout(10_000).emitWithAck('thumbnail-unsubscribe', { sessionId })).resolves.toEqual({ ok: true });
    expect((await unlisted).viewers).toEqual([{ viewerId: attached.viewerId, username: 'alice', mode: 'view', since: expect.any(String) }]);
    expect(await eventually(() => watchersOf(tokens.alice), (v) => v.length === 1)).toEqual([{ username: 'alice', mode: 'view' }]);
    await user.waitFor(STOPPED, 30_000);
    expect(count(STOPPED)).toBe(1);
    expect(count(STARTED)).toBe(1);

    // a new watch after that is news again; a disconnect takes it off the lists
    const third = await wall('admin');
    await expect(subscribe(third, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    await eventually(async () => count(STARTED), (n) => n === 2);
    await eventually(() => watchersOf(tokens.alice), (v) => v.length === 2);
    third.close();
    expect(await eventually(() => watchersOf(tokens.alice), (v) => v.length === 1)).toEqual([{ username: 'alice', mode: 'view' }]);
    await expect(aliceViewer.timeout(10_000).emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
    expect(await eventually(() => watchersOf(tokens.alice), (v) => v.length === 0)).toEqual([]);
  }, 120_000);

  it('refuses on the server: another owner (not found), an auditor without shadow, shadow without seeing all; admin may', async () => {
    await expect(subscribe(await wall('carol'), { sessionId })).resolves.toEqual({ ok: false, error: 'session not found' });
    await expect(subscribe(await wall('aud'), { sessionId })).resolves.toEqual({ ok: false, error: expect.stringMatching(/^forbidden: .*shadow/) });
    await expect(subscribe(await wall('shadowOnly'), { sessionId })).resolves.toEqual({ ok: false, error: 'session not found' });
    const carol = await wall('carol');
    let leaked = 0;
    carol.on('thumbnail', () => (leaked += 1));
    // an unknown id and a random one look the same: not found
    await expect(subscribe(carol, { sessionId: '00000000-0000-4000-8000-000000000000' })).resolves.toEqual({ ok: false, error: 'session not found' });
    await expect(subscribe(await wall('admin'), { sessionId })).resolves.toEqual({ ok: true, sessionId });
    await sleep(2500);
    expect(leaked).toBe(0);
    expect(await wallRecords('viewer.join', 'user:carol')).toEqual([]);
    expect(await wallRecords('viewer.join', 'user:aud')).toEqual([]);
  });

  it('malformed, forged and oversize payloads get a refusal ack naming the field', async () => {
    const admin = await wall('admin');
    for (const payload of [null, 'x', 42, [sessionId], { sessionId: 'not-a-uuid' }, { sessionId: [sessionId] }, { sessionId: `${sessionId}x` }, { sessionId: 'a'.repeat(100_000) }]) {
      const ack = await subscribe(admin, payload);
      expect(ack).toEqual({ ok: false, error: expect.stringMatching(/payload must be an object|sessionId must be a UUID/) });
    }
    await expect(subscribe(admin, { sessionId, mode: 'interact' })).resolves.toEqual({ ok: false, error: 'unknown field(s): mode' });
    await expect(subscribe(admin, { sessionIds: [sessionId] })).resolves.toEqual({ ok: false, error: 'unknown field(s): sessionIds' });
  });

  it('a flood of subscribe/unsubscribe is rate-limited and writes a bounded number of audit records', async () => {
    const admin = await wall('admin');
    const before = (await wallRecords('viewer.join', 'user:admin')).length;
    const started = Date.now();
    const acks: { ok: boolean; error?: string }[] = [];
    for (let i = 0; i < 150; i++) {
      acks.push(await subscribe(admin, { sessionId }));
      acks.push(await admin.timeout(10_000).emitWithAck('thumbnail-unsubscribe', { sessionId }));
    }
    const seconds = (Date.now() - started) / 1000;
    const allowed = acks.filter((a) => a.ok).length;
    expect(acks.some((a) => /^rate limited: too many thumbnail requests/.test(String(a.error)))).toBe(true);
    // subscribes: 64 at once, then 8 a second (unsubscribes are free: each gives up one paid-for subscribe)
    const subscribed = acks.filter((a, i) => i % 2 === 0 && a.ok).length;
    expect(subscribed).toBeLessThanOrEqual(THUMBNAIL_LIMIT.capacity + Math.ceil(seconds * THUMBNAIL_LIMIT.refillPerSecond) + 1);
    expect(allowed).toBeLessThanOrEqual(2 * subscribed);
    const joins = (await wallRecords('viewer.join', 'user:admin')).length - before;
    expect(joins).toBe(subscribed);
  });

  it('many walls on one session: one snapshot per changed tick for all of them; a closed socket stops receiving and its leave is recorded', async () => {
    const walls = await Promise.all(Array.from({ length: 6 }, () => wall('admin')));
    for (const w of walls) await expect(subscribe(w, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    const fanOut = gw.app.get(WallGateway).fanOut;
    const received = walls.map(() => 0);
    walls.forEach((w, i) => w.on('thumbnail', () => (received[i] += 1)));
    await eventually(async () => received, (r) => r.every((n) => n >= 1), 5000);
    const snapshotsBefore = fanOut.snapshotCount;
    const started = Date.now();
    // output every 100 ms for 3 s: 30 changes, yet at most one snapshot a second
    for (let i = 0; i < 30; i++) {
      user.write(`echo tick-${i}\n`);
      await sleep(100);
    }
    const seconds = (Date.now() - started) / 1000;
    const taken = fanOut.snapshotCount - snapshotsBefore;
    expect(taken).toBeGreaterThanOrEqual(1);
    expect(taken).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    await eventually(async () => received, (r) => r.every((n) => n >= 2), 5000);
    expect(received.every((n) => n >= 2)).toBe(true);

    const leavesBefore = (await wallRecords('viewer.leave', 'user:admin')).length;
    walls[0].close();
    await eventually(async () => fanOut.subscriptionsOf(walls[0].id ?? '').size, (n) => n === 0);
    expect(await eventually(() => wallRecords('viewer.leave', 'user:admin'), (r) => r.length === leavesBefore + 1)).toHaveLength(leavesBefore + 1);
    const countClosed = received[0];
    user.write('echo LATER-$((5+5))\n');
    await eventually(async () => received[1], (n) => n > 2, 5000);
    await sleep(1500);
    expect(received[0]).toBe(countClosed);
  });

  it('the session ends: its walls get `ended` and are let go', async () => {
    const alice = await wall('alice');
    await expect(subscribe(alice, { sessionId })).resolves.toEqual({ ok: true, sessionId });
    const ended = nextEvent<{ sessionId: string; reason: string }>(alice, 'ended', (e) => e.sessionId === sessionId, 15_000);
    user.write('exit\n');
    await expect(ended).resolves.toEqual({ sessionId, reason: expect.any(String) });
    expect(gw.app.get(WallGateway).fanOut.isWatched(sessionId)).toBe(false);
  });
});
