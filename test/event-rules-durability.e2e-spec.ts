import { Agent as HttpAgent } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { ReceivedRequest, WebhookReceiver } from './support/event-receivers';
import { GatewayProcess } from './support/gateway-process';
import { ADMIN, TestGateway, login, sessionPayload, startTestGatewayOn } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const SESSIONS = 500; // x 2 state changes (started, ended) = 1,000 events
const EVENTS = SESSIONS * 2;
const PATTERN = { 'detail-type': ['Vigil Session State Change'], detail: { user: ['durable'] } };

interface Envelope {
  id: string;
  detail: { sessionId: string; state: string };
}

type Http = ReturnType<typeof request>;

/** Opens `count` sessions of user `durable` and ends them, `parallel` agents at a time, spread over the given gateways. */
async function sessionsStartedAndEnded(gateways: Http[], agentToken: string, count: number, parallel = 20): Promise<string[]> {
  const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: parallel });
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const http = gateways[i % gateways.length];
      const opened = await http.post('/api/agent/sessions').agent(keepAlive).auth(agentToken, { type: 'bearer' }).send(sessionPayload({ user: 'durable', externalId: `durable-${i}` })).expect(201);
      ids.push(opened.body.id);
      await gateways[(i + 1) % gateways.length].post(`/api/agent/sessions/${opened.body.id}/end`).agent(keepAlive).auth(agentToken, { type: 'bearer' }).send({}).expect(200);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  keepAlive.destroy();
  return ids;
}

/**
 * Checks at-least-once with order: every event arrived, duplicates only as the same id with the
 * same body, and for each session no request for `ended` came before `started` was accepted.
 */
function checkDelivered(requests: ReceivedRequest[], sessionIds: string[]): { duplicates: number } {
  const bodies = new Map<string, string>();
  const acceptedIds = new Set<string>();
  const startedAccepted = new Set<string>();
  let duplicates = 0;
  for (const r of requests) {
    const envelope = JSON.parse(r.body) as Envelope;
    const known = bodies.get(envelope.id);
    if (known !== undefined) expect(r.body).toBe(known);
    bodies.set(envelope.id, r.body);
    if (envelope.detail.state === 'ended') expect([envelope.detail.sessionId, startedAccepted.has(envelope.detail.sessionId)]).toEqual([envelope.detail.sessionId, true]);
    if (r.status !== 200) continue;
    if (acceptedIds.has(envelope.id)) duplicates++;
    acceptedIds.add(envelope.id);
    if (envelope.detail.state === 'started') startedAccepted.add(envelope.detail.sessionId);
  }
  expect(acceptedIds.size).toBe(EVENTS);
  const states = new Map<string, string[]>();
  for (const r of requests.filter((x) => x.status === 200)) {
    const e = JSON.parse(r.body) as Envelope;
    if (!states.has(e.detail.sessionId)) states.set(e.detail.sessionId, []);
    const list = states.get(e.detail.sessionId)!;
    if (!list.includes(e.detail.state)) list.push(e.detail.state);
  }
  expect(states.size).toBe(sessionIds.length);
  for (const id of sessionIds) expect([id, states.get(id)]).toEqual([id, ['started', 'ended']]);
  return { duplicates };
}

/**
 * A gateway process killed with SIGKILL while 1,000 events wait for a receiver that is down:
 * restarted with the receiver back, it delivers every one of them (a duplicate only with the
 * same id and body), each session's events in order.
 */
describe.each(DATABASE_KINDS)('event delivery across a SIGKILL on %s', (kind) => {
  let db: TestDatabase;
  let gateway: GatewayProcess | undefined;
  let hook: WebhookReceiver | undefined;
  const env = () => ({
    ...db.env,
    VIGIL_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'error',
    VIGIL_EVENTS_POLL_MS: '200',
    VIGIL_EVENTS_RETRY_BASE_MS: '100',
    VIGIL_EVENTS_RETRY_MAX_MS: '1000',
    VIGIL_EVENTS_LEASE_MS: '2000',
    VIGIL_EVENTS_REQUEST_TIMEOUT_MS: '1000',
  });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await gateway?.kill();
    await hook?.stop();
    await db.drop();
  });

  it('delivers all 1,000 undelivered events after the restart', async () => {
    // the receiver's port, with nothing listening on it: connections are refused
    hook = await WebhookReceiver.start();
    const url = hook.url;
    await hook.stop();

    gateway = await GatewayProcess.start(env());
    let http = request(gateway.url);
    const adminToken = await login(http, ADMIN.username, ADMIN.password);
    const agentToken = (await http.post('/api/agents').auth(adminToken, { type: 'bearer' }).send({ name: 'a', kind: 'agent' }).expect(201)).body.token;
    await http.post('/api/event-rules').auth(adminToken, { type: 'bearer' }).send({ name: 'durable', eventPattern: PATTERN, targets: [{ type: 'webhook', url }] }).expect(201);
    const ids = await sessionsStartedAndEnded([http], agentToken, SESSIONS);
    const pending = await eventually(
      async () => (await http.get('/api/event-deliveries?status=pending&limit=1000').auth(adminToken, { type: 'bearer' }).expect(200)).body.items as { attempts: number }[],
      (items) => items.length === EVENTS && items.some((d) => d.attempts > 0),
      30_000,
    );
    expect(pending).toHaveLength(EVENTS);
    expect(pending.some((d) => d.attempts > 0)).toBe(true); // the worker was trying (and failing) when killed

    await gateway.kill('SIGKILL');
    await hook.listen();
    expect(hook.url).toBe(url);
    gateway = await GatewayProcess.start(env());
    http = request(gateway.url);
    const token = await login(http, ADMIN.username, ADMIN.password);
    await eventually(async () => new Set(hook!.accepted.map((r) => JSON.parse(r.body).id)).size, (n) => n === EVENTS, 120_000);
    checkDelivered(hook.requests, ids);
    const left = (await http.get('/api/event-deliveries?status=pending&limit=10').auth(token, { type: 'bearer' }).expect(200)).body.items;
    expect(left).toHaveLength(0);
  });
});

/**
 * Two gateways on one PostgreSQL deliver 1,000 events to a receiver that fails a fifth of the
 * requests: each event arrives (no duplicate: leases are never taken over here), each session's
 * events in order, and both gateways did part of the work (SKIP LOCKED, not one doing it all).
 */
describe('event delivery by two gateways on postgres', () => {
  let db: TestDatabase;
  let a: TestGateway | undefined;
  let b: TestGateway | undefined;
  let hook: WebhookReceiver | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await hook?.stop();
    await db.drop();
  });

  it('delivers 1,000 events with none lost, in order per session', async () => {
    let n = 0;
    // deterministic "flaky": every fifth request fails
    hook = await WebhookReceiver.start(() => (++n % 5 === 0 ? 500 : 200));
    const env = { VIGIL_EVENTS_POLL_MS: '100', VIGIL_EVENTS_RETRY_BASE_MS: '50', VIGIL_EVENTS_RETRY_MAX_MS: '500', VIGIL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    a = await startTestGatewayOn(db, env);
    b = await startTestGatewayOn(db, env);
    const agentToken = (await a.http.post('/api/agents').auth(a.adminToken, { type: 'bearer' }).send({ name: 'a', kind: 'agent' }).expect(201)).body.token;
    await a.http.post('/api/event-rules').auth(a.adminToken, { type: 'bearer' }).send({ name: 'durable', eventPattern: PATTERN, targets: [{ type: 'webhook', url: hook.url }] }).expect(201);
    const ids = await sessionsStartedAndEnded([a.http, b.http], agentToken, SESSIONS);
    await eventually(async () => new Set(hook!.accepted.map((r) => JSON.parse(r.body).id)).size, (count) => count === EVENTS, 120_000);
    await sleep(500); // a late duplicate would show now
    const { duplicates } = checkDelivered(hook.requests, ids);
    expect(duplicates).toBe(0);
    expect(hook.requests.some((r) => r.status === 500)).toBe(true);
    const gateways = await a.app.get(DataSource).query("SELECT gateway, COUNT(*) AS n FROM event_delivery_attempts WHERE status_code = 200 GROUP BY gateway");
    expect(gateways).toHaveLength(2);
    for (const row of gateways) expect(Number(row.n)).toBeGreaterThan(EVENTS / 20);
  });
});
