import { AccessLogRetention } from '@vigil/access-log';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, sessionPayload, startTestGateway } from './support/test-gateway';

const DAY = 24 * 3600_000;

describe.each(DATABASE_KINDS)('access-log retention on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;

  beforeAll(async () => {
    gw = await startTestGateway(kind, { VIGIL_ACCESS_LOG_RETENTION_DAYS: '1' });
    agent = await createAgent(gw);
  });
  afterAll(() => gw.close());

  const openAndEnd = async (externalId: string, startedDaysAgo: number, endedDaysAgo: number) => {
    const now = Date.now();
    const opened = await gw.http
      .post('/api/agent/sessions')
      .auth(agent, { type: 'bearer' })
      .send(sessionPayload({ externalId, startDate: new Date(now - startedDaysAgo * DAY).toISOString() }))
      .expect(201);
    await gw.http
      .post(`/api/agent/sessions/${opened.body.id}/end`)
      .auth(agent, { type: 'bearer' })
      .send({ endDate: new Date(now - endedDaysAgo * DAY).toISOString() })
      .expect(200);
    return opened.body.id as string;
  };

  it('removes only entries that ended before the retention window; their externalId may then be reused', async () => {
    const old = await openAndEnd('old-1', 3, 2);
    const recent = await openAndEnd('recent-1', 0.5, 0.25);
    await expect(gw.app.get(AccessLogRetention).purge()).resolves.toBe(1);
    await gw.http.get(`/api/access-logs/${old}`).auth(gw.adminToken, { type: 'bearer' }).expect(404);
    await gw.http.get(`/api/access-logs/${recent}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);

    const reused = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ externalId: 'old-1' })).expect(201);
    expect(reused.body.id).not.toBe(old);
    const replay = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ externalId: 'old-1' })).expect(200);
    expect(replay.body.id).toBe(reused.body.id);
  });
});
