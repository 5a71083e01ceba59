import request from 'supertest';
import { Agent as HttpAgent } from 'node:http';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { GatewayProcess } from './support/gateway-process';
import { ADMIN, login, sessionPayload } from './support/test-gateway';

const SESSIONS = 400;
const AGENTS = 20;
const KILL_AFTER_ACKS = 120;

/**
 * Kills the gateway with SIGKILL while 20 agents are ending sessions, restarts it on the same
 * data, and checks the contract agents rely on: an acknowledged end is in the access log exactly
 * once; an unacknowledged one can be retried, and the retry neither duplicates nor loses anything.
 */
describe.each(DATABASE_KINDS)('crash while ending sessions on %s', (kind) => {
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;
  const env = () => ({ ...db.env, VIGIL_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await gateway?.kill();
    await db.drop();
  });

  it('keeps every acknowledged end exactly once and lets agents retry the rest', async () => {
    gateway = await GatewayProcess.start(env());
    let http = request(gateway.url);
    const adminToken = await login(http, ADMIN.username, ADMIN.password);
    const agentToken = (await http.post('/api/agents').auth(adminToken, { type: 'bearer' }).send({ name: 'a', kind: 'agent' }).expect(201)).body.token;

    const payloads = Array.from({ length: SESSIONS }, (_, i) => sessionPayload({ externalId: `crash-${i}`, owner: 'admin' }));
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i += 50) {
      const batch = await Promise.all(
        payloads.slice(i, i + 50).map((p) => http.post('/api/agent/sessions').auth(agentToken, { type: 'bearer' }).send(p).expect(201)),
      );
      ids.push(...batch.map((r) => r.body.id as string));
    }

    // 20 agents drain a shared queue of ends; the gateway dies under them.
    const acked = new Map<string, { endDate: string }>();
    const attempted = new Set<string>();
    const queue = [...ids];
    const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: AGENTS });
    const dying = gateway;
    let killed: Promise<void> | undefined;
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        attempted.add(id);
        try {
          const res = await request(dying.url).post(`/api/agent/sessions/${id}/end`).agent(keepAlive).auth(agentToken, { type: 'bearer' }).send({});
          if (res.status === 200) acked.set(id, res.body);
          if (acked.size >= KILL_AFTER_ACKS && !killed) killed = dying.kill('SIGKILL');
        } catch {
          return; // connection refused or reset: this agent's gateway is gone
        }
      }
    };
    await Promise.all(Array.from({ length: AGENTS }, worker));
    await killed;
    keepAlive.destroy();
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(attempted.size).toBeLessThan(SESSIONS); // the crash really interrupted the work
    const unacked = [...attempted].filter((id) => !acked.has(id));

    gateway = await GatewayProcess.start(env());
    http = request(gateway.url);

    // Every acknowledged end survived, unchanged.
    for (const [id, entry] of acked) {
      const res = await http.get(`/api/access-logs/${id}`).auth(adminToken, { type: 'bearer' }).expect(200);
      expect(res.body.endDate).toBe(entry.endDate);
      await http.get(`/api/sessions/${id}`).auth(adminToken, { type: 'bearer' }).expect(404);
    }

    // Agents retry what they never heard back about (and, being agents, some of what they did).
    for (const id of [...unacked, ...[...acked.keys()].slice(0, 10)]) {
      const res = await http.post(`/api/agent/sessions/${id}/end`).auth(agentToken, { type: 'bearer' }).send({}).expect(200);
      expect(res.body.id).toBe(id);
      if (acked.has(id)) expect(res.body.endDate).toBe(acked.get(id)!.endDate);
    }
    // Replaying every open finds the original session, never a second one.
    for (let i = 0; i < SESSIONS; i += 50) {
      const batch = await Promise.all(
        payloads.slice(i, i + 50).map((p) => http.post('/api/agent/sessions').auth(agentToken, { type: 'bearer' }).send(p).expect(200)),
      );
      batch.forEach((res, j) => expect(res.body.id).toBe(ids[i + j]));
    }

    // The access log holds each attempted session exactly once, and nothing else.
    const logged: string[] = [];
    let token: string | undefined;
    do {
      const page = await http
        .get(`/api/access-logs?limit=1000${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`)
        .auth(adminToken, { type: 'bearer' })
        .expect(200);
      logged.push(...page.body.items.map((e: { id: string }) => e.id));
      token = page.body.nextToken;
    } while (token);
    expect(new Set(logged).size).toBe(logged.length);
    expect(new Set(logged)).toEqual(attempted);
    const open = await http.get('/api/sessions?limit=1000').auth(adminToken, { type: 'bearer' }).expect(200);
    expect(open.body.items).toHaveLength(SESSIONS - attempted.size);
  });
});
