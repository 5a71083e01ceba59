import { Agent as HttpAgent } from 'node:http';
import request from 'supertest';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { GatewayProcess } from './support/gateway-process';
import { ADMIN, login, sessionPayload } from './support/test-gateway';

const SESSIONS = 1000;
/** Ends in flight at once (sockets of the agents' shared keep-alive pool). */
const IN_FLIGHT = 100;
const KILL_AFTER_ACKS = 250;

type Http = ReturnType<typeof request>;

/** Every page of a listing that pages with `nextToken`. */
async function allPages<T>(http: Http, token: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await http
      .get(`${path}${sep}limit=1000${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    items.push(...(page.body.items as T[]));
    next = page.body.nextToken;
  } while (next);
  return items;
}

/**
 * SIGKILL during 1,000 session ends: a session's end and its audit record are one transaction
 * (the outbox), so after a restart every ended session has exactly one end record in the chain
 * (the new process chains what the dead one left in the outbox), and no session the crash left
 * open has one.
 */
describe.each(DATABASE_KINDS)('audit records through a crash during 1,000 session ends on %s', (kind) => {
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;
  const env = () => ({ ...db.env, VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'error' });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await gateway?.kill();
    await db?.drop();
  });

  it('every ended session has exactly one end record, and no session left open has one', async () => {
    gateway = await GatewayProcess.start(env());
    let http = request(gateway.url);
    const adminToken = await login(http, ADMIN.username, ADMIN.password);
    const agentToken = (await http.post('/api/agents').auth(adminToken, { type: 'bearer' }).send({ name: 'durability', kind: 'agent' }).expect(201)).body
      .token as string;

    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, SESSIONS - i) }, (_, j) =>
          http.post('/api/agent/sessions').auth(agentToken, { type: 'bearer' }).send(sessionPayload({ externalId: `durable-${i + j}`, owner: 'admin' })).expect(201),
        ),
      );
      ids.push(...batch.map((r) => r.body.id as string));
    }

    // Every end fired at once; the gateway dies under them once enough were acknowledged.
    const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const dying = gateway;
    const acked = new Set<string>();
    let killed: Promise<void> | undefined;
    await Promise.all(
      ids.map(async (id) => {
        try {
          const res = await request(dying.url).post(`/api/agent/sessions/${id}/end`).agent(keepAlive).auth(agentToken, { type: 'bearer' }).send({});
          if (res.status === 200) acked.add(id);
          if (acked.size >= KILL_AFTER_ACKS && !killed) killed = dying.kill('SIGKILL');
        } catch {
          // refused or reset: the gateway is gone
        }
      }),
    );
    await killed;
    keepAlive.destroy();
    expect(killed).toBeDefined();
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    gateway = await GatewayProcess.start(env());
    http = request(gateway.url);
    const token = await login(http, ADMIN.username, ADMIN.password);

    const ended = new Set((await allPages<{ id: string }>(http, token, '/api/access-logs')).map((e) => e.id));
    const open = new Set((await allPages<{ id: string }>(http, token, '/api/sessions')).map((s) => s.id));
    // the crash really cut the work short, and nothing was lost or invented
    expect(open.size).toBeGreaterThan(0);
    expect(ended.size + open.size).toBe(SESSIONS);
    expect(new Set([...ended, ...open])).toEqual(new Set(ids));
    for (const id of acked) expect(ended.has(id)).toBe(true);

    // GET /api/audit chains what is committed first: the dead process's outbox rows included.
    const endRecords = async () => {
      const records = await allPages<{ sessionId?: string; action: string; eventSource: string; userIdentity: { principalId?: string } }>(
        http,
        token,
        '/api/audit?eventName=EndSession',
      );
      const perSession = new Map<string, number>();
      for (const r of records) {
        expect(r.action).toBe('session.end');
        perSession.set(r.sessionId!, (perSession.get(r.sessionId!) ?? 0) + 1);
      }
      return { records, perSession };
    };
    const afterCrash = await endRecords();
    expect([...afterCrash.perSession.keys()].sort()).toEqual([...ended].sort());
    expect([...afterCrash.perSession.values()].every((n) => n === 1)).toBe(true);
    expect([...open].filter((id) => afterCrash.perSession.has(id))).toEqual([]);
    expect(afterCrash.records[0]).toMatchObject({ eventSource: 'vigil.sessions', userIdentity: { principalId: expect.stringMatching(/^agent:/) } });

    // The agents retry every end (acknowledged or not): still one record per session, now all of them.
    for (let i = 0; i < ids.length; i += 100) {
      await Promise.all(ids.slice(i, i + 100).map((id) => http.post(`/api/agent/sessions/${id}/end`).auth(agentToken, { type: 'bearer' }).send({}).expect(200)));
    }
    const afterRetries = await endRecords();
    expect(afterRetries.perSession.size).toBe(SESSIONS);
    expect([...afterRetries.perSession.values()].every((n) => n === 1)).toBe(true);
    await expect(http.get('/api/audit/verify').auth(token, { type: 'bearer' }).then((r) => r.body)).resolves.toMatchObject({ ok: true });
  }, 300_000);
});
