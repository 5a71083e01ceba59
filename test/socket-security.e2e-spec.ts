import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { io, Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { AuditService } from '@vigil/audit';
import { AuthEvents, PrincipalRevokedEvent, SOCKET_UNAUTHORIZED } from '@vigil/auth';
import { LiveHub } from '@vigil/shadowing';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { RedisServer } from './support/redis-server';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { ADMIN, TestGateway, connectSocket, createAgent, login, nextEvent, sessionPayload, startTestGateway, startTestGatewayOn } from './support/test-gateway';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UNKNOWN_SESSION = '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f';
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Rejects when `work` takes longer than `ms`: a test waits generously, never forever. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** What the server told a socket before closing it, and how it closed. */
function watchClose(socket: Socket): { revoked: { reason: string; error: string }[]; closed: Promise<string> } {
  const revoked: { reason: string; error: string }[] = [];
  socket.on('revoked', (payload: { reason: string; error: string }) => revoked.push(payload));
  return { revoked, closed: new Promise((resolve) => socket.once('disconnect', resolve)) };
}

/** A socket.io client that presents an `Origin` header, as a browser page would. */
function connectWithOrigin(url: string, namespace: string, token: string, origin: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { Origin: origin } });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

async function newUser(gw: TestGateway, adminToken: string, username: string, roles: string[], privileges: string[] = []): Promise<string> {
  const password = `${username}-password`;
  await gw.http.post('/api/users').auth(adminToken, { type: 'bearer' }).send({ username, password, roles, privileges }).expect(201);
  return password;
}

describe.each(DATABASE_KINDS)('socket.io connections end with their token on %s', (kind) => {
  let gw: TestGateway;
  let alicePassword: string;
  let aliceId: string;
  const sockets: Socket[] = [];
  const track = (socket: Socket) => (sockets.push(socket), socket);

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    alicePassword = await newUser(gw, gw.adminToken, 'alice', ['owner']);
    aliceId = (await gw.http.get('/api/me').auth(await login(gw.http, 'alice', alicePassword), { type: 'bearer' }).expect(200)).body.id;
    await newUser(gw, gw.adminToken, 'bob', ['owner']);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await gw.close();
  });

  it('Origin: a forged one is refused on every namespace and transport; the same origin, or none, connects', async () => {
    const token = await login(gw.http, 'alice', alicePassword);
    // the polling handshake, raw: 403 before any namespace runs
    const forged = await gw.http.get('/socket.io/?EIO=4&transport=polling').set('Origin', 'https://evil.example');
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('origin not allowed');
    await gw.http.get('/socket.io/?EIO=4&transport=polling').set('Origin', 'null').expect(403);
    const same = await gw.http.get('/socket.io/?EIO=4&transport=polling').set('Origin', gw.url).expect(200);
    expect(same.text).toMatch(/^0\{"sid":/);
    await gw.http.get('/socket.io/?EIO=4&transport=polling').expect(200);
    // websockets, on both namespaces
    for (const namespace of ['/live', '/sessions']) {
      await expect(connectWithOrigin(gw.url, namespace, token, 'https://evil.example')).rejects.toThrow();
      await expect(connectWithOrigin(gw.url, namespace, token, gw.url.replace(/:\d+$/, ':1'))).rejects.toThrow();
      track(await connectWithOrigin(gw.url, namespace, token, gw.url));
      track(await connectSocket(gw.url, namespace, token));
    }
  });

  it('logout: a /live socket is told and closed, and its token attaches nothing, now or on reconnect', async () => {
    const token = await login(gw.http, 'alice', alicePassword);
    const socket = track(await connectSocket(gw.url, '/live', token));
    await expect(socket.emitWithAck('attach', { sessionId: UNKNOWN_SESSION, mode: 'view' })).resolves.toEqual({ ok: false, error: 'session not found' });
    const watch = watchClose(socket);
    await gw.http.post('/api/auth/logout').auth(token, { type: 'bearer' }).expect(204);
    // The logout closes it (auth.principal-revoked); if an attach gets in first, the token is checked again and refused.
    if (socket.connected) {
      const answer = await socket.timeout(5000).emitWithAck('attach', { sessionId: UNKNOWN_SESSION, mode: 'view' }).catch(() => 'closed before answering');
      expect([SOCKET_UNAUTHORIZED, 'closed before answering']).toContainEqual(answer);
    }
    await expect(within(watch.closed, 10_000, 'the server closing the socket')).resolves.toBe('io server disconnect');
    expect(watch.revoked).toEqual([{ reason: 'logout', error: expect.stringContaining('signed out') }]);
    await expect(connectSocket(gw.url, '/live', token)).rejects.toThrow(/unauthorized/);
  });

  it('logout: a /sessions socket stops receiving; the same user signed in elsewhere keeps receiving', async () => {
    const [ended, kept] = [await login(gw.http, 'alice', alicePassword), await login(gw.http, 'alice', alicePassword)];
    const endedSocket = track(await connectSocket(gw.url, '/sessions', ended));
    const keptSocket = track(await connectSocket(gw.url, '/sessions', kept));
    const watch = watchClose(endedSocket);
    const received: string[] = [];
    endedSocket.on('session.opened', (s: { id: string }) => received.push(s.id));

    await gw.http.post('/api/auth/logout').auth(ended, { type: 'bearer' }).expect(204);
    await within(watch.closed, 10_000, 'the logged-out socket closing');
    expect(keptSocket.connected).toBe(true);

    const agent = await createAgent(gw, `agent-logout-${kind}`);
    const opened = nextEvent<{ id: string }>(keptSocket, 'session.opened');
    const res = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201);
    expect((await opened).id).toBe(res.body.id);
    await sleep(300); // had the closed socket still been in the room, its copy would have come with the other
    expect(received).toEqual([]);
    expect(endedSocket.connected).toBe(false);
  });

  it('a revocation closes only that token, or every socket of the user on every namespace; nobody else', async () => {
    const events = gw.app.get(EventEmitter2);
    const [first, second] = [await login(gw.http, 'alice', alicePassword), await login(gw.http, 'alice', alicePassword)];
    const bob = await login(gw.http, 'bob', 'bob-password');
    const firstLive = track(await connectSocket(gw.url, '/live', first));
    const secondLive = track(await connectSocket(gw.url, '/live', second));
    const secondPage = track(await connectSocket(gw.url, '/sessions', second));
    const bobLive = track(await connectSocket(gw.url, '/live', bob));
    const bobPage = track(await connectSocket(gw.url, '/sessions', bob));
    const [firstWatch, secondLiveWatch, secondPageWatch] = [watchClose(firstLive), watchClose(secondLive), watchClose(secondPage)];

    events.emit(AuthEvents.principalRevoked, { userId: aliceId, username: 'alice', tokenHash: tokenHash(first), reason: 'password-changed' } satisfies PrincipalRevokedEvent);
    await within(firstWatch.closed, 10_000, 'the revoked token closing');
    expect(firstWatch.revoked).toEqual([{ reason: 'password-changed', error: expect.any(String) }]);
    await sleep(200);
    expect([secondLive.connected, secondPage.connected]).toEqual([true, true]);

    events.emit(AuthEvents.principalRevoked, { userId: aliceId, username: 'alice', reason: 'disabled' } satisfies PrincipalRevokedEvent);
    await within(Promise.all([secondLiveWatch.closed, secondPageWatch.closed]), 10_000, "every socket of the user closing");
    expect(secondLiveWatch.revoked).toEqual([{ reason: 'disabled', error: 'your account was disabled' }]);
    expect(secondPageWatch.revoked).toEqual([{ reason: 'disabled', error: 'your account was disabled' }]);
    await sleep(200);
    expect([bobLive.connected, bobPage.connected]).toEqual([true, true]);
  });

  it('every action checks the token again: one deleted behind the gateway (no event) is refused within the 5 s cache, then closed', async () => {
    const token = await login(gw.http, 'alice', alicePassword);
    const socket = track(await connectSocket(gw.url, '/live', token));
    const watch = watchClose(socket);
    await expect(socket.emitWithAck('attach', { sessionId: UNKNOWN_SESSION, mode: 'view' })).resolves.toEqual({ ok: false, error: 'session not found' });
    await gw.app.get(DataSource).createQueryBuilder().delete().from('auth_tokens').where('token_hash = :hash', { hash: tokenHash(token) }).execute();
    await sleep(5_500);
    for (const [event, payload] of [
      ['control', { sessionId: UNKNOWN_SESSION, action: 'take' }],
      ['input', { sessionId: UNKNOWN_SESSION, data: 'x' }],
    ] as const) {
      if (!socket.connected) break;
      const answer = await socket.timeout(5000).emitWithAck(event, payload).catch(() => 'closed before answering');
      expect([SOCKET_UNAUTHORIZED, 'closed before answering']).toContainEqual(answer);
    }
    await within(watch.closed, 10_000, 'the socket closing');
    expect(watch.revoked).toEqual([{ reason: 'revoked', error: 'your access token was revoked' }]);
  });
  it('terminate, one rule on HTTP and /live: `terminate` acts only on sessions the caller can see', async () => {
    await newUser(gw, gw.adminToken, 'tess', ['owner'], ['terminate']);
    await newUser(gw, gw.adminToken, 'aude', ['auditor'], ['terminate']);
    await newUser(gw, gw.adminToken, 'otto', ['auditor']);
    const agent = await createAgent(gw, `agent-terminate-${kind}`);
    const open = async () => (await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'bob' })).expect(201)).body.id as string;
    const [tess, aude, otto] = [await login(gw.http, 'tess', 'tess-password'), await login(gw.http, 'aude', 'aude-password'), await login(gw.http, 'otto', 'otto-password')];
    const sessionId = await open();
    // an owner holding `terminate`: another owner's session does not exist for them, on either edge
    await gw.http.post(`/api/sessions/${sessionId}/terminate`).auth(tess, { type: 'bearer' }).send({ reason: 'x' }).expect(404);
    const tessLive = track(await connectSocket(gw.url, '/live', tess));
    await expect(tessLive.emitWithAck('terminate', { sessionId, reason: 'x' })).resolves.toEqual({ ok: false, error: 'session not found' });
    // an auditor sees it; without `terminate` it may not end it (403 / forbidden), with it, it may
    await gw.http.post(`/api/sessions/${sessionId}/terminate`).auth(otto, { type: 'bearer' }).send({ reason: 'x' }).expect(403);
    const ottoLive = track(await connectSocket(gw.url, '/live', otto));
    await expect(ottoLive.emitWithAck('terminate', { sessionId, reason: 'x' })).resolves.toEqual({
      ok: false,
      error: 'forbidden: terminating this session requires the terminate privilege',
    });
    const audeLive = track(await connectSocket(gw.url, '/live', aude));
    await expect(audeLive.emitWithAck('terminate', { sessionId, reason: 'audit' })).resolves.toEqual({ ok: true });
    const second = await open();
    await gw.http.post(`/api/sessions/${second}/terminate`).auth(aude, { type: 'bearer' }).send({ reason: 'audit' }).expect(202);
    // and the owner, without any privilege
    const third = await open();
    await gw.http.post(`/api/sessions/${third}/terminate`).auth(await login(gw.http, 'bob', 'bob-password'), { type: 'bearer' }).send({ reason: 'mine' }).expect(202);
  });
});

describe('VIGIL_ALLOWED_ORIGINS', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway('sqlite', { VIGIL_ALLOWED_ORIGINS: 'https://console.example.com' });
  });
  afterAll(() => gw.close());

  it('exactly the listed origins, even one naming the very host the request reached', async () => {
    const socket = await connectWithOrigin(gw.url, '/sessions', gw.adminToken, 'https://console.example.com');
    socket.close();
    await expect(connectWithOrigin(gw.url, '/sessions', gw.adminToken, gw.url)).rejects.toThrow();
    await expect(connectWithOrigin(gw.url, '/live', gw.adminToken, 'http://console.example.com')).rejects.toThrow();
    // clients without an Origin (CLI, scripts) are not browsers on another site
    (await connectSocket(gw.url, '/live', gw.adminToken)).close();
  });
});

/** alice's interactive ssh through a gateway's embedded jump, once its shell answers; and the session's id. */
async function sshSession(gw: TestGateway, key: KeyPair, aliceToken: string, processes: InteractiveProcess[]): Promise<{ user: InteractiveProcess; sessionId: string }> {
  const user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(key.privatePath), '-p', String(gw.jumpPort), 'alice+box@127.0.0.1']);
  processes.push(user);
  user.write('export PS1="$ "; echo READY-$((1+1))\n');
  await user.waitFor('READY-2', 20_000);
  const res = await gw.http.get('/api/sessions?type=PAM_SSH').auth(aliceToken, { type: 'bearer' }).expect(200);
  const mine = (res.body.items as { id: string; user: string }[]).filter((s) => s.user === 'alice');
  return { user, sessionId: mine[mine.length - 1].id };
}

/** A target `box` (owner alice) on the test sshd, that alice may reach, and her SSH key; admin calls with a fresh token each. */
async function setUpTarget(gw: TestGateway, sshd: SshdHandle, targetKey: KeyPair, aliceKey: KeyPair, admin: () => Promise<string>): Promise<void> {
  const aliceToken = await login(gw.http, 'alice', 'alice-password');
  await gw.http.post('/api/me/ssh-keys').auth(aliceToken, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
  await gw.http
    .post('/api/targets')
    .auth(await admin(), { type: 'bearer' })
    .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice' })
    .expect(201);
  const granted = await gw.http.put('/api/targets/box/grants').auth(await admin(), { type: 'bearer' }).send({ users: ['alice'] });
  expect([200, 204]).toContain(granted.status);
}

describe('live SSH sessions: sockets that lose their token, and floods (sqlite)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  const processes: InteractiveProcess[] = [];
  const sockets: Socket[] = [];
  const track = (socket: Socket) => (sockets.push(socket), socket);

  beforeAll(async () => {
    dir = makeTempDir('vigil-socket-security');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('a gateway with a normal token lifetime', () => {
    let gw: TestGateway;
    let sessionId: string;
    let user: InteractiveProcess;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      gw = await startTestGateway('sqlite');
      await newUser(gw, gw.adminToken, 'alice', ['owner']);
      await newUser(gw, gw.adminToken, 'dave', ['auditor'], ['shadow', 'interact']);
      await setUpTarget(gw, sshd, targetKey, aliceKey, async () => gw.adminToken);
      tokens.alice = await login(gw.http, 'alice', 'alice-password');
      tokens.dave = await login(gw.http, 'dave', 'dave-password');
      ({ user, sessionId } = await sshSession(gw, aliceKey, tokens.alice, processes));
    });
    afterAll(() => gw.close());

    it("a revoked viewer is told, closed and detached: its control lock is released, the user's session runs on", async () => {
      const dave = track(await connectSocket(gw.url, '/live', tokens.dave));
      await expect(dave.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
      await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
      const session = gw.app.get(LiveHub).get(sessionId)!;
      const viewerId = dave.id!; // socket.io-client forgets its id once disconnected
      expect(session.lock.state().holder).toBe(viewerId);
      expect(session.viewer(viewerId)).toBeDefined();
      const watch = watchClose(dave);
      const daveId = (await gw.http.get('/api/me').auth(tokens.dave, { type: 'bearer' }).expect(200)).body.id;

      gw.app.get(EventEmitter2).emit(AuthEvents.principalRevoked, { userId: daveId, username: 'dave', reason: 'disabled' } satisfies PrincipalRevokedEvent);
      await within(watch.closed, 10_000, 'the revoked viewer closing');
      expect(watch.revoked).toEqual([{ reason: 'disabled', error: 'your account was disabled' }]);
      for (let i = 0; i < 100 && session.viewer(viewerId); i++) await sleep(50);
      expect(session.viewer(viewerId)).toBeUndefined();
      expect(session.lock.state().holder).toBeNull();
      user.write('echo STILL-$((3+4))\n');
      await user.waitFor('STILL-7');
    });

    it('1,000 re-attaches: refused past the rate limit with a clear error, and the user sees one "started watching" line', async () => {
      const startedLines = () => user.text.split('[Vigil] admin started watching this session').length - 1;
      const before = startedLines();
      const admin = track(await connectSocket(gw.url, '/live', gw.adminToken));
      const began = Date.now();
      const acks = await Promise.all(Array.from({ length: 1000 }, () => admin.emitWithAck('attach', { sessionId, mode: 'view' }) as Promise<{ ok: boolean; error?: string }>));
      const seconds = (Date.now() - began) / 1000;
      const passed = acks.filter((a) => a.ok).length;
      expect(passed).toBeGreaterThanOrEqual(1);
      expect(passed).toBeLessThanOrEqual(10 + Math.ceil(2 * seconds) + 1);
      const refused = acks.filter((a) => !a.ok);
      expect(refused.length).toBe(1000 - passed);
      for (const ack of refused) expect(ack.error).toMatch(/^rate limited: too many attach\/detach requests on this connection, retry in \d+ ms$/);

      // Many connections of the same person (tabs, reconnects), each within its own limit: attach, detach, attach...
      const tabs = await Promise.all(Array.from({ length: 20 }, async () => track(await connectSocket(gw.url, '/live', gw.adminToken))));
      for (const tab of tabs) {
        await expect(tab.emitWithAck('attach', { sessionId, mode: 'view' })).resolves.toMatchObject({ ok: true });
        await expect(tab.emitWithAck('detach', { sessionId })).resolves.toEqual({ ok: true });
      }
      await sleep(1_000);
      expect(startedLines() - before).toBe(1);
      expect(user.text).not.toContain('[Vigil] admin stopped watching');

      // ...and once the last of them leaves, the user is told (after the quiet period), once.
      admin.close();
      await user.waitFor('[Vigil] admin stopped watching this session', 20_000);
      await sleep(500);
      expect(user.text.split('[Vigil] admin stopped watching this session').length - 1).toBe(1);
    });

    it('4,000 take/handback in a burst: a few pass (each audited once), the rest are refused, and control works again after', async () => {
      const dave = track(await connectSocket(gw.url, '/live', await login(gw.http, 'dave', 'dave-password')));
      await expect(dave.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
      const audit = gw.app.get(AuditService);
      const controlRecords = async () => {
        await audit.settle();
        return (await audit.forSession(sessionId)).filter((r) => r.action === 'control.take' || r.action === 'control.handback').length;
      };
      const recordsBefore = await controlRecords();

      const began = Date.now();
      const acks = await Promise.all(
        Array.from({ length: 4000 }, (_, i) => dave.emitWithAck('control', { sessionId, action: i % 2 === 0 ? 'take' : 'handback' }) as Promise<{ ok: boolean; error?: string }>),
      );
      const seconds = (Date.now() - began) / 1000;
      const passed = acks.filter((a) => a.ok).length;
      expect(passed).toBeGreaterThanOrEqual(2);
      expect(passed).toBeLessThanOrEqual(10 + Math.ceil(4 * seconds) + 1);
      const limited = acks.filter((a) => !a.ok && /^rate limited: too many control\/terminate requests/.test(a.error ?? ''));
      expect(limited.length).toBeGreaterThanOrEqual(4000 - passed - 10);

      let records = await controlRecords();
      for (let i = 0; i < 50 && records - recordsBefore < passed; i++) records = (await sleep(100), await controlRecords());
      expect(records - recordsBefore).toBe(passed);

      await sleep(1_500);
      const lock = gw.app.get(LiveHub).get(sessionId)!.lock;
      const action = lock.state().holder === dave.id ? 'handback' : 'take';
      await expect(dave.emitWithAck('control', { sessionId, action })).resolves.toEqual({ ok: true });
    });
  });

  describe('a gateway whose tokens live 6 s (VIGIL_TOKEN_TTL_SECONDS)', () => {
    let gw: TestGateway;
    let sessionId: string;
    const admin = () => login(gw.http, ADMIN.username, ADMIN.password);

    beforeAll(async () => {
      gw = await startTestGateway('sqlite', { VIGIL_TOKEN_TTL_SECONDS: '6' });
      await newUser(gw, await admin(), 'alice', ['owner']);
      await newUser(gw, await admin(), 'dave', ['auditor'], ['shadow', 'interact']);
      await setUpTarget(gw, sshd, targetKey, aliceKey, admin);
      ({ sessionId } = await sshSession(gw, aliceKey, await login(gw.http, 'alice', 'alice-password'), processes));
    });
    afterAll(() => gw.close());

    it('at its expiry a viewer holding control is told, closed and detached; its token reconnects no more', async () => {
      const beforeLogin = Date.now();
      const token = await login(gw.http, 'dave', 'dave-password');
      const dave = track(await connectSocket(gw.url, '/live', token));
      const watch = watchClose(dave);
      const viewerId = dave.id!; // socket.io-client forgets its id once disconnected
      await expect(dave.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
      await expect(dave.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
      await expect(dave.emitWithAck('input', { sessionId, data: 'echo TYPED-$((5+5))\n' })).resolves.toEqual({ ok: true });
      expect(gw.app.get(LiveHub).get(sessionId)!.lock.state().holder).toBe(viewerId);

      const reason = await within(watch.closed, 15_000, 'the socket closing at expiry');
      expect(reason).toBe('io server disconnect');
      // not before the token's six seconds, which began after `beforeLogin`
      expect(Date.now() - beforeLogin).toBeGreaterThanOrEqual(5_990);
      expect(watch.revoked).toEqual([{ reason: 'expired', error: 'your access token expired: sign in again' }]);
      const session = gw.app.get(LiveHub).get(sessionId)!;
      for (let i = 0; i < 100 && session.viewer(viewerId); i++) await sleep(50);
      expect(session.viewer(viewerId)).toBeUndefined();
      expect(session.lock.state().holder).toBeNull();
      await expect(connectSocket(gw.url, '/live', token)).rejects.toThrow(/unauthorized/);
    });
  });
});

describe('with REDIS_URL: a logout on one gateway closes its sockets on the other (sqlite)', () => {
  let redis: RedisServer;
  let db: TestDatabase;
  let a: TestGateway;
  let b: TestGateway;
  let dir: string;
  let sshd: SshdHandle;
  const processes: InteractiveProcess[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await createTestDatabase('sqlite');
    a = await startTestGatewayOn(db, { REDIS_URL: redis.url });
    b = await startTestGatewayOn(db, { REDIS_URL: redis.url });
    dir = makeTempDir('vigil-socket-security-cluster');
    const aliceKey = makeKeyPair(dir, 'alice');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    await newUser(a, a.adminToken, 'alice', ['owner']);
    await newUser(a, a.adminToken, 'dave', ['auditor'], ['shadow', 'interact']);
    await setUpTarget(a, sshd, targetKey, aliceKey, async () => a.adminToken);
    // the session runs through gateway A's jump: A holds it
    await sshSession(a, aliceKey, await login(a.http, 'alice', 'alice-password'), processes);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    processes.forEach((p) => p.kill());
    await b?.close();
    await a?.close();
    await db?.drop();
    await redis?.stop();
    await sshd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the viewer's socket on B closes, its control lock on A is released; another token of the user stays", async () => {
    const aliceToken = await login(a.http, 'alice', 'alice-password');
    const sessionId = ((await a.http.get('/api/sessions?type=PAM_SSH').auth(aliceToken, { type: 'bearer' }).expect(200)).body.items as { id: string }[])[0].id;
    const [ended, kept] = [await login(a.http, 'dave', 'dave-password'), await login(a.http, 'dave', 'dave-password')];
    const viewer = await connectSocket(b.url, '/live', ended);
    const page = await connectSocket(b.url, '/sessions', ended);
    const other = await connectSocket(b.url, '/sessions', kept);
    sockets.push(viewer, page, other);
    await expect(viewer.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(viewer.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    const lock = a.app.get(LiveHub).get(sessionId)!.lock;
    expect(lock.state().holder).toBe(viewer.id);
    const [viewerWatch, pageWatch] = [watchClose(viewer), watchClose(page)];

    await a.http.post('/api/auth/logout').auth(ended, { type: 'bearer' }).expect(204);
    await within(Promise.all([viewerWatch.closed, pageWatch.closed]), 10_000, "B's sockets closing");
    expect(viewerWatch.revoked).toEqual([{ reason: 'logout', error: expect.any(String) }]);
    for (let i = 0; i < 100 && lock.state().holder !== null; i++) await sleep(50);
    expect(lock.state().holder).toBeNull();
    await sleep(300);
    expect(other.connected).toBe(true);
    await expect(connectSocket(b.url, '/live', ended)).rejects.toThrow(/unauthorized/);
  });
});
