/**
 * The Guacamole tunnel as an attacker sees it: every refusal is an HTTP 4xx on the upgrade (or a
 * closed tunnel after it), never a crash or a hang — /health answers after each case. Then a fuzz
 * run of thousands of malformed tokens and upgrade requests. Real gateway (SQLite and PostgreSQL), real
 * guacamole-lite, guacd and Xvnc.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import fc from 'fast-check';
import { AuditService, type AuditView } from '@vigil/audit';
import { toPrincipal, UsersService } from '@vigil/auth';
import { Clock } from '@vigil/common';
import { RdpJoinRefusedError, RdpJoinTokens, RdpSessions, TUNNEL_PATH } from '@vigil/rdp';
import { DATABASE_KINDS } from './support/databases';
import { Guacd } from './support/guacd';
import { GuacamoleWsClient } from './support/guacamole-ws-client';
import { createUser, startTestGateway, TestGateway } from './support/test-gateway';
import { VncServer } from './support/vnc-server';
import { sleep } from './support/wait';

/** Sends raw bytes and returns what came back until the server closed (or `timeoutMs`). */
function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`${answer}<timeout>`);
    }, timeoutMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    // The server ends its side after answering: the exchange is over.
    socket.on('end', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(bytes);
  });
}

const upgradeRequest = (target: string, headers: Record<string, string> = {}, method = 'GET'): string => {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  };
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
};

const statusOf = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

describe.each(DATABASE_KINDS)('RDP tunnel: bad input on %s', (kind) => {
  let guacd: Guacd;
  let vnc: VncServer;
  let gw: TestGateway;
  let port: number;
  let aliceToken: string;
  const clients: GuacamoleWsClient[] = [];

  beforeAll(async () => {
    [guacd, vnc] = await Promise.all([Guacd.start(), VncServer.start()]);
    gw = await startTestGateway(kind, { GUACD_HOST: guacd.host, GUACD_PORT: String(guacd.port) });
    port = Number(new URL(gw.url).port);
    aliceToken = await createUser(gw, 'alice', ['owner']);
    await createUser(gw, 'bob', ['owner']);
    await createUser(gw, 'aude', ['auditor'], ['shadow']);
    const admin = { type: 'bearer' as const };
    await gw.http.post('/api/targets').auth(gw.adminToken, admin)
      .send({ name: 'desk', protocol: 'vnc', host: '127.0.0.1', port: vnc.port, accountName: 'na', grants: { users: ['alice'] } }).expect(201);
    await gw.http.post('/api/targets').auth(gw.adminToken, admin)
      .send({ name: 'shell', host: '127.0.0.1', port: 22, accountName: 'root', password: 'pw', grants: { users: ['alice'] } }).expect(201);
    await gw.http.post('/api/targets').auth(gw.adminToken, admin)
      .send({ name: 'private-desk', protocol: 'vnc', host: '127.0.0.1', port: vnc.port, accountName: 'na' }).expect(201);
  }, 600_000);

  afterAll(async () => {
    for (const c of clients) c.terminate();
    await gw?.close();
    await Promise.all([guacd?.stop(), vnc?.stop()]);
  }, 90_000);

  afterEach(async () => {
    // The gateway is up and answers at once after every case.
    await gw.http.get('/health').timeout(5_000).expect(200);
  });

  const mint = async (target = 'desk', bearer = aliceToken): Promise<string> =>
    (await gw.http.post(`/api/targets/${target}/connect`).auth(bearer, { type: 'bearer' }).expect(200)).body.token as string;

  const refusedWith = async (token: string, options: Parameters<typeof GuacamoleWsClient.open>[3] = {}): Promise<{ status: number; body: string }> => {
    const error = await GuacamoleWsClient.open(gw.url, TUNNEL_PATH, token, options).then(
      (c) => {
        clients.push(c);
        throw new Error('the upgrade was accepted');
      },
      (e: { status: number; body?: string }) => e,
    );
    return { status: error.status, body: error.body ?? '' };
  };

  const principal = async (username: string) => toPrincipal((await gw.app.get(UsersService).findByUsername(username))!);

  /** The vigil.rdp audit records so far, newest first (chained first: read-your-writes). */
  const rdpAudit = async (eventName: 'ConnectTarget' | 'OpenTunnel'): Promise<AuditView[]> => {
    const audit = gw.app.get(AuditService);
    await audit.settle();
    return (await audit.query({ eventSource: 'vigil.rdp', eventName, limit: 1000 })).items;
  };
  /** The newest OpenTunnel refusal must be this one. */
  const expectTunnelRefusal = async (userName: string, errorCode: string, extra: Partial<AuditView> = {}) => {
    const [newest] = await rdpAudit('OpenTunnel');
    expect(newest).toMatchObject({ eventSource: 'vigil.rdp', eventName: 'OpenTunnel', action: 'rdp.tunnel-refused', userIdentity: { userName }, errorCode, sourceIPAddress: '127.0.0.1', ...extra });
  };

  const liveSession = async (): Promise<{ user: GuacamoleWsClient; sessionId: string }> => {
    const user = await GuacamoleWsClient.connect(gw.url, TUNNEL_PATH, await mint());
    clients.push(user);
    for (const started = Date.now(); Date.now() - started < 15_000; await sleep(50)) {
      const live = gw.app.get(RdpSessions).all().find((s) => s.connectionId === user.connectionId);
      if (live) return { user, sessionId: live.sessionId };
    }
    throw new Error('session not registered');
  };

  describe('POST /api/targets/{name}/connect', () => {
    it('unknown and forbidden targets get the same 404; an ssh target 400 naming the protocol; no token 401', async () => {
      const unknown = await gw.http.post('/api/targets/nope/connect').auth(aliceToken, { type: 'bearer' }).expect(404);
      const forbidden = await gw.http.post('/api/targets/private-desk/connect').auth(aliceToken, { type: 'bearer' }).expect(404);
      expect(forbidden.body.message).toBe(unknown.body.message.replace('nope', 'private-desk'));
      const ssh = await gw.http.post('/api/targets/shell/connect').auth(aliceToken, { type: 'bearer' }).expect(400);
      expect(ssh.body.message).toMatch(/^protocol: .*ssh target/);
      await gw.http.post('/api/targets/desk/connect').expect(401);
      // Each refusal audited with its errorCode, under the caller.
      const records = (await rdpAudit('ConnectTarget')).filter((r) => r.errorCode);
      expect(records.slice(0, 3).map((r) => [r.userIdentity.userName, r.requestParameters, r.errorCode])).toEqual([
        ['alice', { targetName: 'shell', protocol: 'ssh' }, 'InvalidProtocol'],
        ['alice', { targetName: 'private-desk' }, 'TargetNotFound'],
        ['alice', { targetName: 'nope' }, 'TargetNotFound'],
      ]);
    });
  });

  describe('tokens at the upgrade', () => {
    it.each([
      ['no token', ''],
      ['a random word', 'hello'],
      ['the right prefix, too short', 'vgt1_abc'],
      ['the right shape, never minted', `vgt1_${'A'.repeat(43)}`],
      ['a guacamole-lite token (base64 JSON), which used to crash guacamole-lite', Buffer.from(JSON.stringify({ iv: 'AAAA', value: 'BBBB' })).toString('base64')],
      ['non-ASCII', 'vgt1_ééééééééééééééééééééééééééééééééééééééééééé'],
      ['a NUL byte', `vgt1_${'A'.repeat(42)}\u0000`],
    ])('%s → 401', async (_name, token) => {
      expect(await refusedWith(token)).toEqual({ status: 401, body: expect.stringMatching(/token/) });
    });

    it('two tokens in the query → 401', async () => {
      const a = await mint();
      const error = await GuacamoleWsClient.openUrl(`${gw.url.replace(/^http/, 'ws')}${TUNNEL_PATH}?token=${a}&token=${a}`).then(
        (c) => {
          clients.push(c);
          throw new Error('the upgrade was accepted');
        },
        (e: { status: number }) => e,
      );
      expect(error.status).toBe(401);
    });

    it('a replayed token → 401 (single use), the first use worked', async () => {
      const token = await mint();
      const first = await GuacamoleWsClient.connect(gw.url, TUNNEL_PATH, token);
      clients.push(first);
      expect((await refusedWith(token)).status).toBe(401);
      // A real token replayed: audited under its owner, on the session it was minted for.
      const [connect] = await rdpAudit('ConnectTarget');
      await expectTunnelRefusal('alice', 'TokenReplayed', { sessionId: connect.sessionId, requestParameters: { kind: 'connect', targetName: 'desk' } });
      first.close();
      await first.waitClosed();
    });

    it('an expired token → 401', async () => {
      const token = await mint();
      const clock = gw.app.get(Clock);
      const now = clock.now();
      const spy = jest.spyOn(clock, 'now').mockReturnValue(now + 31_000);
      try {
        expect((await refusedWith(token)).status).toBe(401);
      } finally {
        spy.mockRestore();
      }
      await expectTunnelRefusal('alice', 'TokenExpired');
    });

    it("a disabled user's token → 403; a token whose grant was withdrawn → 403", async () => {
      const bobToken = await createUser(gw, 'carol', ['owner']);
      await gw.http.put('/api/targets/desk/grants').auth(gw.adminToken, { type: 'bearer' }).send({ users: ['alice', 'carol'] }).expect(200);
      const carols = await mint('desk', bobToken);
      await gw.http.patch('/api/users/carol').auth(gw.adminToken, { type: 'bearer' }).send({ disabled: true }).expect(200);
      expect((await refusedWith(carols)).status).toBe(403);
      await expectTunnelRefusal('carol', 'UserDisabled');
      const alices = await mint();
      await gw.http.put('/api/targets/desk/grants').auth(gw.adminToken, { type: 'bearer' }).send({ users: [] }).expect(200);
      try {
        expect((await refusedWith(alices)).status).toBe(403);
        await expectTunnelRefusal('alice', 'TargetNotGranted', { resources: expect.arrayContaining([expect.objectContaining({ type: 'Target', name: 'desk' })]) });
      } finally {
        await gw.http.put('/api/targets/desk/grants').auth(gw.adminToken, { type: 'bearer' }).send({ users: ['alice'] }).expect(200);
      }
    });
  });

  describe('join tokens', () => {
    it("another user's session: no join token for bob; a viewer who lost the shadow privilege is refused at the upgrade; a session that ended → 404", async () => {
      const { user, sessionId } = await liveSession();
      const joins = gw.app.get(RdpJoinTokens);
      expect(() => joins.mint({ sessionId, viewer: { kind: 'user', id: 'x', username: 'bob', roles: ['owner'], privileges: ['shadow', 'interact'] }, mode: 'view' })).toThrow(RdpJoinRefusedError);
      expect(() => joins.mint({ sessionId: '01900000-0000-7000-8000-000000000000', viewer: { kind: 'user', id: 'x', username: 'admin', roles: ['admin'], privileges: [] }, mode: 'view' })).toThrow('session not found');
      // aude may view, not interact (no interact privilege)
      expect(() => joins.mint({ sessionId, viewer: { kind: 'user', id: 'x', username: 'aude', roles: ['auditor'], privileges: ['shadow'] }, mode: 'interact' })).toThrow(/interact/);
      const audes = joins.mint({ sessionId, viewer: await principal('aude'), mode: 'view' });
      await gw.http.patch('/api/users/aude').auth(gw.adminToken, { type: 'bearer' }).send({ privileges: [] }).expect(200);
      expect((await refusedWith(audes.token)).status).toBe(403);
      await expectTunnelRefusal('aude', 'JoinForbidden', { sessionId, requestParameters: { kind: 'join', sessionId, mode: 'view' } });
      await gw.http.patch('/api/users/aude').auth(gw.adminToken, { type: 'bearer' }).send({ privileges: ['shadow'] }).expect(200);
      const late = joins.mint({ sessionId, viewer: await principal('aude'), mode: 'view' });
      user.close();
      await user.waitClosed();
      for (const started = Date.now(); gw.app.get(RdpSessions).get(sessionId) && Date.now() - started < 5_000; ) await sleep(20);
      expect((await refusedWith(late.token)).status).toBe(404);
      await expectTunnelRefusal('aude', 'SessionNotFound', { sessionId });
    });

    it("joining a connection id guacd does not have: the viewer gets guacd's error and is closed; the user's session goes on", async () => {
      const { user, sessionId } = await liveSession();
      const live = gw.app.get(RdpSessions).get(sessionId)!;
      const real = live.connectionId;
      live.connectionId = '$00000000-0000-4000-8000-000000000000';
      const { token } = gw.app.get(RdpJoinTokens).mint({ sessionId, viewer: await principal('aude'), mode: 'view' });
      let viewer: GuacamoleWsClient;
      try {
        viewer = await GuacamoleWsClient.open(gw.url, TUNNEL_PATH, token);
        clients.push(viewer);
        await viewer.waitClosed(15_000);
      } finally {
        live.connectionId = real;
      }
      expect(viewer.received.find((i) => i.opcode === 'error')?.args).toEqual(['No such connection.', '516']);
      expect(user.isClosed).toBe(false);
      expect(gw.app.get(RdpSessions).get(sessionId)?.viewers.size).toBe(0);
      user.close();
      await user.waitClosed();
    });
  });

  describe('the upgrade request', () => {
    it('a foreign Origin → 403 (the same rule as socket.io)', async () => {
      expect((await refusedWith(await mint(), { origin: 'https://evil.example' })).status).toBe(403);
    });

    it.each([
      ['a sub-path → 404', `${TUNNEL_PATH}/x?token=t`, 404],
      ['an oversized URL → 414', `${TUNNEL_PATH}?token=${'A'.repeat(3000)}`, 414],
      ['a width out of bounds → 400', `${TUNNEL_PATH}?token=vgt1_${'A'.repeat(43)}&width=99999`, 400],
    ])('%s', async (_name, target, status) => {
      expect(statusOf(await rawExchange(port, upgradeRequest(target)))).toBe(status);
    });

    it('POST → 405; not a WebSocket upgrade → 400; oversized headers → 431 (Node); raw garbage → 400', async () => {
      expect(statusOf(await rawExchange(port, upgradeRequest(`${TUNNEL_PATH}?token=x`, {}, 'POST')))).toBe(405);
      expect(statusOf(await rawExchange(port, upgradeRequest(`${TUNNEL_PATH}?token=x`, { Upgrade: 'h2c' })))).toBe(400);
      expect(statusOf(await rawExchange(port, upgradeRequest(`${TUNNEL_PATH}?token=x`, { 'X-Big': 'a'.repeat(20_000) })))).toBe(431);
      expect(statusOf(await rawExchange(port, '\u0000\u0001garbage\r\n\r\n'))).toBe(400);
    });

    it('a path next to the tunnel is not the tunnel (socket.io closes it without upgrading)', async () => {
      const answer = await rawExchange(port, upgradeRequest('/guacamolex?token=x'));
      expect(answer).not.toMatch(/^HTTP\/1\.1 101/);
    });

    it('a valid token without a WebSocket key → 400 from ws, the token spent', async () => {
      const token = await mint();
      const request = upgradeRequest(`${TUNNEL_PATH}?token=${token}`).replace(/Sec-WebSocket-Key: .*\r\n/, '');
      expect(statusOf(await rawExchange(port, request))).toBe(400);
      expect((await refusedWith(token)).status).toBe(401);
    });
  });

  describe('after the upgrade', () => {
    it('garbage Guacamole instructions, a binary frame and an oversized message close only that tunnel; the next connection works', async () => {
      const garbage = ['5.mouse,abc;', 'not guacamole at all', '999999999.x;', '3.key,1.1;'.repeat(2000), '6.select,3.vnc;', '4.size,1.0,5.99999,5.99999;'];
      const { user, sessionId } = await liveSession();
      for (const text of garbage) user.sendRaw(text);
      user.sendRaw(Buffer.from([0, 1, 2, 255]));
      user.sendRaw('3.nop;' + 'x'.repeat(2 * 1024 * 1024));
      await user.waitClosed(20_000);
      for (const started = Date.now(); gw.app.get(RdpSessions).get(sessionId) && Date.now() - started < 10_000; ) await sleep(50);
      expect(gw.app.get(RdpSessions).get(sessionId)).toBeUndefined();
      const next = await GuacamoleWsClient.connect(gw.url, TUNNEL_PATH, await mint());
      clients.push(next);
      expect(next.connectionId).toMatch(/^\$/);
      next.close();
      await next.waitClosed();
    });
  });

  it('a flood of 1,000 garbage tokens adds no audit record (nobody owns them): counted in vigil_rdp_tunnel_unread_tokens_total', async () => {
    const audit = gw.app.get(AuditService);
    const metric = async (reason: string): Promise<number> => {
      const text = (await gw.http.get('/metrics').expect(200)).text;
      return Number(new RegExp(`^vigil_rdp_tunnel_unread_tokens_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    };
    const newestSeq = async (): Promise<number> => {
      await audit.settle();
      return (await audit.query({ limit: 1 })).items[0]?.seq ?? 0;
    };
    // The previous case's session end is still being written: wait until the trail holds still for 1 s.
    let newestBefore = await newestSeq();
    for (const started = Date.now(); Date.now() - started < 20_000; ) {
      await sleep(1_000);
      const now = await newestSeq();
      if (now === newestBefore) break;
      newestBefore = now;
    }
    const [malformedBefore, unknownBefore] = [await metric('malformed'), await metric('unknown')];
    const garbage = Array.from({ length: 1_000 }, (_, i) => (i % 2 === 0 ? `vgt1_${randomBytes(32).toString('base64url')}` : `garbage-${i}`));
    for (let at = 0; at < garbage.length; at += 20) {
      const answers = await Promise.all(garbage.slice(at, at + 20).map((token) => rawExchange(port, upgradeRequest(`${TUNNEL_PATH}?token=${encodeURIComponent(token)}`))));
      expect(answers.map(statusOf)).toEqual(answers.map(() => 401));
    }
    await audit.settle();
    const added = (await audit.query({ limit: 1000 })).items.filter((r) => r.seq > newestBefore);
    expect(added.map((r) => r.action)).toEqual([]);
    expect(await metric('unknown')).toBe(unknownBefore + 500);
    expect(await metric('malformed')).toBe(malformedBefore + 500);
  }, 120_000);

  it('fuzz: thousands of malformed tokens and upgrade requests get 4xx answers and leave the gateway up', async () => {
    const arbitraryToken = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.stringMatching(/^vgt1_[A-Za-z0-9_-]{40,46}$/),
      fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('base64')),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arbitraryToken, fc.constantFrom('', '&width=1', '&dpi=x', '&token=a', '&read-only=false'), fc.option(fc.constantFrom('http://evil', 'null', 'http://127.0.0.1'), { nil: undefined }), async (token, extra, origin) => {
        const target = `${TUNNEL_PATH}?token=${encodeURIComponent(token)}${extra}`;
        const answer = await rawExchange(port, upgradeRequest(target, origin ? { Origin: origin } : {}));
        const status = statusOf(answer);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        return status >= 400 && status < 500;
      }),
      { numRuns: 2_000 },
    );
    // raw request lines and headers
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ maxLength: 200 }), async (path, header) => {
        const answer = await rawExchange(port, `GET ${TUNNEL_PATH}?${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-F: ${header}\r\n\r\n`, 3_000);
        return !/^HTTP\/1\.1 101/.test(answer) && !answer.endsWith('<timeout>');
      }),
      { numRuns: 1_000 },
    );
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    expect(gw.app.get(RdpSessions).all()).toEqual([]);
    // Still serving tunnels.
    const next = await GuacamoleWsClient.connect(gw.url, TUNNEL_PATH, await mint());
    clients.push(next);
    next.close();
    await next.waitClosed();
  }, 300_000);
});
