import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { JsonClient } from '../bench/support/json-client';
import { TestDatabase, createTestDatabase } from './support/databases';
import { PostgresServer } from './support/postgres-server';
import { RedisServer } from './support/redis-server';
import { repoRoot } from './support/repo-root';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, connectSocket, createAgent, createUser, login, nextEvent, sessionPayload, startTestGatewayOn } from './support/test-gateway';

const OUTAGE_MS = 10_000;
const AGENTS = 8;
const UNAVAILABLE = { statusCode: 503, message: 'database unavailable, retry later' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors that must never reach the process (they would crash a production gateway). */
function watchProcessFaults(): { faults: string[]; stop(): void } {
  const faults: string[] = [];
  const onRejection = (reason: unknown) => faults.push(`unhandledRejection: ${(reason as Error)?.stack ?? String(reason)}`);
  const onException = (error: Error) => faults.push(`uncaughtException: ${error.stack ?? error.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    faults,
    stop: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

interface AgentLog {
  /** externalId → the session id the gateway gave it (first answer; every retry must agree) */
  opened: Map<string, string>;
  /** session id → the endDate of its 200 */
  ended: Map<string, number>;
  /** answers that are neither success nor "retry later": each one is a bug */
  unexpected: string[];
  /** 503s and connection errors the agent retried */
  retried: number;
  /** the statuses of retried answers */
  retriedStatuses: Set<number>;
}

/**
 * An agent as an SDK would write it: every call is retried on 503 or a connection error, with the
 * same externalId (open is idempotent on it) and the same session id (end answers the same entry
 * again), until it gets a definite answer.
 */
async function runAgent(client: JsonClient, token: string, name: string, stopped: () => boolean, log: AgentLog): Promise<void> {
  const call = async (method: string, url: string, body: unknown, ok: number[]): Promise<{ status: number; body: any }> => {
    for (;;) {
      let status = 0;
      try {
        const res = await client.request(method, url, token, body);
        if (ok.includes(res.status)) return res;
        status = res.status;
        if (status !== 503) {
          log.unexpected.push(`${method} ${url} → ${status} ${JSON.stringify(res.body)}`);
          return res;
        }
      } catch {
        status = 0; // connection refused or reset
      }
      log.retried++;
      log.retriedStatuses.add(status);
      await sleep(100 + Math.random() * 200);
    }
  };
  for (let n = 0; !stopped(); n++) {
    const externalId = `${name}-${n}`;
    const opened = await call('POST', '/api/agent/sessions', sessionPayload({ externalId, owner: 'alice' }), [200, 201]);
    if (opened.status !== 200 && opened.status !== 201) continue;
    const id: string = opened.body.id;
    if (log.opened.has(externalId) && log.opened.get(externalId) !== id) log.unexpected.push(`${externalId} opened as ${log.opened.get(externalId)} then ${id}`);
    log.opened.set(externalId, id);
    await call('POST', `/api/agent/sessions/${id}/heartbeat`, undefined, [204]);
    const ended = await call('POST', `/api/agent/sessions/${id}/end`, {}, [200]);
    if (ended.status === 200) log.ended.set(id, Date.parse(ended.body.endDate));
  }
}

async function accessLogIds(gw: TestGateway, token: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined;
  do {
    const page = await gw.http
      .get(`/api/access-logs?limit=1000${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    ids.push(...page.body.items.map((e: { id: string }) => e.id));
    next = page.body.nextToken;
  } while (next);
  return ids;
}

/** The connect error of a socket.io handshake, or null if it connected. */
async function handshakeError(url: string, namespace: string, token: string): Promise<string | null> {
  try {
    (await connectSocket(url, namespace, token)).close();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * PostgreSQL goes away under a running gateway (its own server, stopped and started again on the
 * same port): every route that needs the database says 503 with Retry-After, /health says so,
 * socket handshakes are refused with a reason, and when the database is back the same gateway
 * serves again, without a restart; agents that retry lose and duplicate nothing.
 */
describe('PostgreSQL stopped for 10 s under a running gateway', () => {
  let postgres: PostgresServer;
  let gw: TestGateway;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    postgres = await PostgresServer.start(path.join(repoRoot(), '.test-services', `faults-pg-${process.pid}`));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-faults-'));
    const db: TestDatabase = {
      kind: 'postgres',
      env: { VIGIL_DATA_DIR: dataDir, DATABASE_URL: postgres.url },
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
    // Quiet: the outage is expected to log errors by the hundred.
    gw = await startTestGatewayOn(db, { LOG_LEVEL: 'error' }, true);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await gw?.close();
    await postgres?.stop();
    if (postgres) fs.rmSync(postgres.dir, { recursive: true, force: true });
  });

  it('answers 503 meanwhile, recovers without a restart, and agents that retry lose nothing', async () => {
    const faults = watchProcessFaults();
    const alice = await createUser(gw, 'alice');
    const agentTokens = await Promise.all(Array.from({ length: AGENTS }, (_, i) => createAgent(gw, `agent-${i}`)));
    // Logged in, then unused for longer than the 5 s a verified token is cached: its next use needs the database.
    const freshTokens = await Promise.all([1, 2, 3].map(() => login(gw.http, 'alice', 'alice-password')));
    const cachedUntil = Date.now() + 5_500;
    const page = await connectSocket(gw.url, '/sessions', alice);
    sockets.push(page);

    const logs: AgentLog[] = agentTokens.map(() => ({ opened: new Map(), ended: new Map(), unexpected: [], retried: 0, retriedStatuses: new Set() }));
    const client = new JsonClient(gw.url, AGENTS);
    let stop = false;
    let down = false;
    const agents = agentTokens.map((token, i) => runAgent(client, token, `agent-${i}`, () => stop, logs[i]));
    try {
      await sleep(Math.max(1500, cachedUntil - Date.now()));
      const endedBefore = logs.reduce((n, l) => n + l.ended.size, 0);
      expect(endedBefore).toBeGreaterThan(0);

      await postgres.stop();
      down = true;
      const downAt = Date.now();

      // Every route that needs the database: 503, the same clear message, Retry-After.
      const expectUnavailable = async (res: { status: number; body: unknown; headers: Record<string, string> }, what: string) => {
        expect({ what, status: res.status, body: res.body }).toEqual({ what, status: 503, body: UNAVAILABLE });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      };
      const probe = async () => {
        const bearer = { type: 'bearer' } as const;
        await expectUnavailable(await gw.http.post('/api/auth/login').send({ username: 'alice', password: 'alice-password' }), 'login');
        await expectUnavailable(await gw.http.get('/api/me').auth(freshTokens[0], bearer), 'me (uncached token)');
        await expectUnavailable(await gw.http.get('/api/sessions').auth(alice, bearer), 'sessions');
        await expectUnavailable(await gw.http.get('/api/access-logs?owner=alice').auth(alice, bearer), 'access logs');
        await expectUnavailable(await gw.http.get('/api/users').auth(gw.adminToken, bearer), 'users');
        await expectUnavailable(await gw.http.post('/api/agent/sessions').auth(agentTokens[0], bearer).send(sessionPayload()), 'agent open');
        const health = await gw.http.get('/health');
        expect({ status: health.status, body: health.body }).toEqual({ status: 503, body: { status: 'error', message: 'database unreachable' } });
        expect(Number(health.headers['retry-after'])).toBeGreaterThan(0);
        // A handshake that needs the database is refused, with the reason, and nothing hangs.
        await expect(handshakeError(gw.url, '/sessions', freshTokens[1])).resolves.toBe('authentication unavailable, retry later');
        await expect(handshakeError(gw.url, '/live', freshTokens[2])).resolves.toBe('authentication unavailable, retry later');
      };
      await probe();
      await sleep(OUTAGE_MS / 2 - (Date.now() - downAt));
      await probe(); // the pool keeps failing fast, it does not wedge
      const endedDuring = logs.reduce((n, l) => n + l.ended.size, 0);
      await sleep(OUTAGE_MS - (Date.now() - downAt));

      await postgres.resume();
      down = false;
      const up = Date.now();
      // The same gateway, no restart: healthy again within seconds.
      for (let res = await gw.http.get('/health'); res.status !== 200; res = await gw.http.get('/health')) {
        if (Date.now() - up > 15_000) throw new Error(`/health still ${res.status} 15 s after PostgreSQL came back`);
        await sleep(100);
      }
      await gw.http.get('/api/sessions').auth(alice, { type: 'bearer' }).expect(200);
      await gw.http.get('/api/me').auth(freshTokens[0], { type: 'bearer' }).expect(200);
      await login(gw.http, 'alice', 'alice-password');
      expect(await handshakeError(gw.url, '/sessions', freshTokens[1])).toBeNull();

      // The page that stayed connected through the outage hears the sessions opened after it.
      const opened = nextEvent<{ owner: string }>(page, 'session.opened', () => true, 10_000);
      await sleep(2000); // the agents catch up
      await expect(opened).resolves.toMatchObject({ owner: 'alice' });
      const endedAfter = logs.reduce((n, l) => n + l.ended.size, 0);
      expect(endedAfter).toBeGreaterThan(endedDuring);
    } finally {
      stop = true;
      // A failed step must not leave the agents retrying against a stopped server forever.
      if (down) await postgres.resume();
      await Promise.all(agents);
      client.close();
      faults.stop();
    }

    // Every agent went through the outage, retrying, and never got anything but success or 503.
    for (const log of logs) {
      expect(log.unexpected).toEqual([]);
      expect(log.retried).toBeGreaterThan(0);
      expect(log.retriedStatuses).toContain(503);
    }
    expect(faults.faults).toEqual([]);

    // Every session an agent opened is in the access log exactly once, and nothing else is.
    const sessionIds = logs.flatMap((l) => [...l.opened.values()]);
    expect(new Set(sessionIds).size).toBe(sessionIds.length);
    expect(logs.reduce((n, l) => n + l.ended.size, 0)).toBe(sessionIds.length);
    const logged = await accessLogIds(gw, gw.adminToken);
    expect(logged.length).toBe(new Set(logged).size);
    expect(new Set(logged)).toEqual(new Set(sessionIds));
    const open = await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(open.body.items).toEqual([]);
    // Replaying the first and the last open of every agent finds the original session.
    const replay = new JsonClient(gw.url, 1);
    try {
      for (const [i, log] of logs.entries()) {
        const opens = [...log.opened.entries()];
        for (const [externalId, id] of [opens[0], opens[opens.length - 1]]) {
          const res = await replay.request('POST', '/api/agent/sessions', agentTokens[i], sessionPayload({ externalId, owner: 'alice' }));
          expect({ status: res.status, id: res.body.id }).toEqual({ status: 200, id });
        }
      }
    } finally {
      replay.close();
    }
  }, 120_000);
});

/**
 * The embedded database's counterpart: another process holds SQLite's write lock for longer than
 * busy_timeout (5 s). The writes that waited are told 503 "retry later", not 500, and succeed
 * once the lock is released.
 */
describe('the SQLite write lock held by another process beyond busy_timeout', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGatewayOn(await createTestDatabase('sqlite'), { LOG_LEVEL: 'error' }, true);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('answers 503 with Retry-After while it is held, and the retried write succeeds after', async () => {
    const agent = await createAgent(gw);
    const other = new Database(path.join(gw.db.env.VIGIL_DATA_DIR, 'vigil.sqlite'));
    const payload = sessionPayload({ owner: 'admin' });
    try {
      other.exec('BEGIN IMMEDIATE'); // the write lock, as the standalone jump's transaction would hold it
      const refused = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(payload);
      expect({ status: refused.status, body: refused.body }).toEqual({ status: 503, body: UNAVAILABLE });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const created = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(payload).expect(201);
    // the refused attempt left nothing behind: the retry created the one and only session
    const open = await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(open.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
  }, 60_000);
});

/** Viewer → jump output, through the relay, as it arrives. */
function collectOutput(viewer: Socket): { text: () => string; events: string[] } {
  const chunks: string[] = [];
  const events: string[] = [];
  viewer.on('output', (p: { data: string }) => chunks.push(p.data));
  for (const name of ['resync', 'ended', 'revoked', 'disconnect']) viewer.on(name, () => events.push(name));
  return { text: () => chunks.join(''), events };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return Date.now() - started;
}

/**
 * Redis goes away for 10 s under two gateways (gateway A's embedded jump carries an SSH session,
 * viewers watch it from both gateways, an owner's sessions page is open on B), then comes back on
 * the same address with nothing in it: the cluster heals by itself.
 */
describe('Redis stopped for 10 s under two gateways', () => {
  let redis: RedisServer;
  let db: TestDatabase;
  let a: TestGateway;
  let b: TestGateway;
  let dir: string;
  let sshd: SshdHandle;
  let aliceKey: KeyPair;
  let targetKey: KeyPair;
  let user: InteractiveProcess | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    db = await createTestDatabase('postgres');
    a = await startTestGatewayOn(db, { REDIS_URL: redis.url, LOG_LEVEL: 'error' });
    b = await startTestGatewayOn(db, { REDIS_URL: redis.url, LOG_LEVEL: 'error' });
    dir = makeTempDir('vigil-faults-redis');
    aliceKey = makeKeyPair(dir, 'alice');
    targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    user?.kill();
    await b?.close();
    await a?.close();
    await db?.drop();
    await redis?.stop();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('recovers by itself: pages update across gateways again, viewers are not stuck, nothing crashed', async () => {
    const faults = watchProcessFaults();
    const alice = await createUser(a, 'alice');
    await a.http.post('/api/me/ssh-keys').auth(alice, { type: 'bearer' }).send({ publicKey: aliceKey.publicLine }).expect(201);
    await a.http
      .post('/api/targets')
      .auth(a.adminToken, { type: 'bearer' })
      .send({ name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: 'alice', grants: { users: ['alice'] } })
      .expect(201);
    const agent = await createAgent(a);

    // alice's SSH session is carried by gateway A's jump; the admin watches it from B (over Redis) and from A
    user = InteractiveProcess.spawn('ssh', ['-tt', ...sshClientOptions(aliceKey.privatePath), '-p', String(a.jumpPort), 'alice+box@127.0.0.1']);
    user.write('export PS1="$ "; echo READY-$((1+1))\n');
    await user.waitFor('READY-2', 20_000);
    const [{ id: sessionId }] = (await a.http.get('/api/sessions?type=PAM_SSH').auth(alice, { type: 'bearer' }).expect(200)).body.items;
    const remote = await connectSocket(b.url, '/live', a.adminToken);
    const local = await connectSocket(a.url, '/live', a.adminToken);
    const page = await connectSocket(b.url, '/sessions', alice);
    sockets.push(remote, local, page);
    const remoteSaw = collectOutput(remote);
    const localSaw = collectOutput(local);
    await expect(remote.emitWithAck('attach', { sessionId, mode: 'interact' })).resolves.toMatchObject({ ok: true });
    await expect(local.emitWithAck('attach', { sessionId, mode: 'view' })).resolves.toMatchObject({ ok: true });
    user.write('echo BEFORE-$((2+3))\n');
    await until('output before the outage reaches the viewer on B', () => remoteSaw.text().includes('BEFORE-5'), 10_000);

    const opens: string[] = [];
    page.on('session.opened', (s: { id: string }) => opens.push(s.id));
    const open = async () => (await a.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201)).body.id as string;
    const before = await open();
    await until('an opened session reaches the page on B before the outage', () => opens.includes(before), 10_000);

    await redis.stop();
    let redisDown = true;
    const downAt = Date.now();
    try {
    // Meanwhile the gateways serve what needs no Redis: HTTP, the local viewer, the SSH session.
    user.write('echo DURING-$((3+4))\n');
    await user.waitFor('DURING-7');
    await until('the viewer on the holding gateway keeps watching', () => localSaw.text().includes('DURING-7'), 10_000);
    await a.http.get('/health').expect(200);
    await b.http.get('/health').expect(200);
    const during = await open(); // the registry is the database's: reporting needs no Redis
    await b.http.get(`/api/sessions/${during}`).auth(alice, { type: 'bearer' }).expect(200);
    await login(b.http, 'alice', 'alice-password'); // the login throttle counts in memory meanwhile
    // An action the viewer on B makes now cannot reach the holder: it is answered, not left hanging.
    await expect(remote.timeout(10_000).emitWithAck('control', { sessionId, action: 'take' })).resolves.toMatchObject({ ok: false });
    await sleep(OUTAGE_MS - (Date.now() - downAt));
    redis = await RedisServer.start(redis.port);
    redisDown = false;
    } finally {
      // a failed step must not leave the gateways without Redis for their shutdown
      if (redisDown) redis = await RedisServer.start(redis.port);
    }
    const upAt = Date.now();

    // Pages: a session reported to A reaches the page on B again (once B's subscriber is back).
    const sinceUp: string[] = [];
    await until(
      'a session opened on A reaches the page on B after Redis came back',
      async () => {
        sinceUp.push(await open());
        await sleep(300);
        return sinceUp.some((id) => opens.includes(id));
      },
      30_000,
      200,
    );
    // ...and from then on every one, exactly once
    const after = await Promise.all([open(), open(), open()]);
    await until('sessions opened after the recovery reach the page on B', () => after.every((id) => opens.includes(id)), 10_000);
    await sleep(300); // a duplicate would arrive by now
    expect(opens.filter((id) => after.includes(id) || id === before).sort()).toEqual([before, ...after].sort());

    // The viewer on B is not stuck: live output reaches it again without it doing anything.
    user.write('echo AFTER-$((4+5))\n');
    await user.waitFor('AFTER-9');
    await until('output after the outage reaches the viewer on B', () => remoteSaw.text().includes('AFTER-9'), 15_000);
    expect(remoteSaw.events).toEqual([]); // never ended, revoked or disconnected
    // ...and its actions reach the holder on A again: control, then input that runs on the target.
    await expect(remote.emitWithAck('control', { sessionId, action: 'take' })).resolves.toEqual({ ok: true });
    await expect(remote.emitWithAck('input', { sessionId, data: 'echo TYPED-$((5*5))\n' })).resolves.toEqual({ ok: true });
    await user.waitFor('TYPED-25');
    // A new viewer on B attaches through Redis as before.
    const late = await connectSocket(b.url, '/live', a.adminToken);
    sockets.push(late);
    const ack = await late.emitWithAck('attach', { sessionId, mode: 'view' });
    expect(ack).toMatchObject({ ok: true, sessionId });
    // Output broadcast while Redis was away never reached B (Redis pub/sub keeps nothing): a
    // viewer attaching now gets the holder's screen, which has it.
    expect(ack.screen).toContain('DURING-7');
    expect(ack.screen).toContain('TYPED-25');

    await a.http.get('/health').expect(200);
    await b.http.get('/health').expect(200);
    faults.stop();
    expect(faults.faults).toEqual([]);
    user.write('exit\n');
    await user.exited;
  }, 180_000);
});
