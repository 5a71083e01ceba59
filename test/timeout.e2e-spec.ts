import { DATABASE_KINDS } from './support/databases';
import { TestGateway, connectSocket, createAgent, nextEvent, sessionPayload, startTestGateway } from './support/test-gateway';

describe.each(DATABASE_KINDS)('heartbeat timeout on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;

  beforeAll(async () => {
    gw = await startTestGateway(kind, {
      VIGIL_HEARTBEAT_TIMEOUT_MS: '400',
      VIGIL_DISCONNECT_GRACE_MS: '600',
      VIGIL_SWEEP_INTERVAL_MS: '100',
    });
    agent = await createAgent(gw);
  });
  afterAll(() => gw.close());

  it('a silent session becomes Disconnected, a heartbeat revives it, silence again ends it with reason timeout', async () => {
    const socket = await connectSocket(gw.url, '/sessions', gw.adminToken);
    try {
      const opened = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload()).expect(201);
      const id: string = opened.body.id;
      const sameSession = (s: { id: string }) => s.id === id;

      const disconnected = await nextEvent<{ id: string; status: string }>(socket, 'session.updated', sameSession, 3000);
      expect(disconnected.status).toBe('Disconnected');
      const listed = await gw.http.get(`/api/sessions/${id}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
      expect(listed.body.status).toBe('Disconnected');

      const revived = nextEvent<{ id: string; status: string }>(socket, 'session.updated', sameSession, 3000);
      await gw.http.post(`/api/agent/sessions/${id}/heartbeat`).auth(agent, { type: 'bearer' }).expect(204);
      expect((await revived).status).toBe('Connected');
      const lastHeartbeat = Date.now();

      const ended = await nextEvent<{ id: string; endReason: string; endDate: string }>(socket, 'session.ended', sameSession, 5000);
      expect(ended.endReason).toBe('timeout');
      // the end date is the last sign of life, not the moment the sweep noticed
      expect(Math.abs(Date.parse(ended.endDate) - lastHeartbeat)).toBeLessThan(300);
      const entry = await gw.http.get(`/api/access-logs/${id}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
      expect(entry.body).toMatchObject({ id, endReason: 'timeout', status: 'Terminated' });
      await gw.http.post(`/api/agent/sessions/${id}/heartbeat`).auth(agent, { type: 'bearer' }).expect(404);
      const metrics = await gw.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/vigil_session_ends_total\{reason="timeout",type="PAM_SSH"\} 1/);
    } finally {
      socket.close();
    }
  });

  it('a session kept alive by heartbeats never times out', async () => {
    const opened = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload()).expect(201);
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await gw.http.post(`/api/agent/sessions/${opened.body.id}/heartbeat`).auth(agent, { type: 'bearer' }).expect(204);
    }
    const session = await gw.http.get(`/api/sessions/${opened.body.id}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(session.body.status).toBe('Connected');
  });
});

describe.each(DATABASE_KINDS)('timeout sweep with more silent sessions than one batch on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;

  beforeAll(async () => {
    // a long grace: the first sessions stay Disconnected (not yet ended) for the whole test
    gw = await startTestGateway(kind, { VIGIL_HEARTBEAT_TIMEOUT_MS: '400', VIGIL_DISCONNECT_GRACE_MS: '120000', VIGIL_SWEEP_INTERVAL_MS: '100' });
    agent = await createAgent(gw);
  });
  afterAll(() => gw.close());

  it('a newly silent session is marked Disconnected even behind 520 Disconnected ones in their grace period (the sweep reads 500 at a time)', async () => {
    const open = (n: number) =>
      gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ externalId: `batch-${n}` })).expect(201);
    for (let start = 0; start < 520; start += 40) await Promise.all(Array.from({ length: 40 }, (_, i) => open(start + i)));
    const disconnectedCount = async () => {
      const res = await gw.http.get('/api/sessions?limit=1000').auth(gw.adminToken, { type: 'bearer' }).expect(200);
      return (res.body.items as { status: string }[]).filter((s) => s.status === 'Disconnected').length;
    };
    const deadline = Date.now() + 60_000;
    while ((await disconnectedCount()) < 520 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await disconnectedCount()).toBe(520);

    const socket = await connectSocket(gw.url, '/sessions', gw.adminToken);
    try {
      const late = await open(9999);
      const marked = await nextEvent<{ id: string; status: string }>(socket, 'session.updated', (s) => s.id === late.body.id && s.status === 'Disconnected', 10_000);
      expect(marked.status).toBe('Disconnected');
    } finally {
      socket.close();
    }
  }, 120_000);
});
