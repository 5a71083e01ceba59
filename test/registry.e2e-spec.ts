import type { Socket } from 'socket.io-client';
import { DATABASE_KINDS } from './support/databases';
import {
  TestGateway,
  connectSocket,
  createAgent,
  createUser,
  nextEvent,
  sessionPayload,
  startTestGateway,
} from './support/test-gateway';

describe.each(DATABASE_KINDS)('session registry on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;
  let alice: string;
  let bob: string;
  let auditor: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    agent = await createAgent(gw);
    alice = await createUser(gw, 'alice');
    bob = await createUser(gw, 'bob');
    auditor = await createUser(gw, 'carol', ['auditor']);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await gw.close();
  });

  const listen = async (token: string) => {
    const socket = await connectSocket(gw.url, '/sessions', token);
    sockets.push(socket);
    return socket;
  };

  it('open → heartbeat → owner-scoped list → live events → end → access log and CSV', async () => {
    const aliceSocket = await listen(alice);
    const bobSocket = await listen(bob);
    const auditorSocket = await listen(auditor);
    const bobSaw: unknown[] = [];
    bobSocket.on('session.opened', (s) => bobSaw.push(s));
    bobSocket.on('session.ended', (s) => bobSaw.push(s));

    const payload = sessionPayload({ owner: 'alice', type: 'PAM_RDP', port: 3389, serviceUrl: 'rdp://win-01:3389' });
    const aliceOpened = nextEvent<{ id: string; externalId: string }>(aliceSocket, 'session.opened', (s) => s.externalId === payload.externalId);
    const auditorOpened = nextEvent<{ externalId: string }>(auditorSocket, 'session.opened', (s) => s.externalId === payload.externalId);
    const opened = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(payload).expect(201);
    expect(opened.body).toMatchObject({ ...payload, status: 'Connected' });
    expect(opened.body.startDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    const id: string = opened.body.id;
    expect((await aliceOpened).id).toBe(id);
    await auditorOpened;

    await gw.http.post(`/api/agent/sessions/${id}/heartbeat`).auth(agent, { type: 'bearer' }).expect(204);

    const aliceList = await gw.http.get('/api/sessions').auth(alice, { type: 'bearer' }).expect(200);
    expect(aliceList.body.items.map((s: { id: string }) => s.id)).toEqual([id]);
    const bobList = await gw.http.get('/api/sessions').auth(bob, { type: 'bearer' }).expect(200);
    expect(bobList.body.items).toEqual([]);
    await gw.http.get(`/api/sessions/${id}`).auth(bob, { type: 'bearer' }).expect(404);
    const auditorList = await gw.http.get('/api/sessions').auth(auditor, { type: 'bearer' }).expect(200);
    expect(auditorList.body.items.map((s: { id: string }) => s.id)).toContain(id);

    const csv = await gw.http.get('/api/sessions?format=csv&columns=user,type,port,owner').auth(alice, { type: 'bearer' }).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toBe('User,Type,Port,Owner\r\njdoe,PAM_RDP,3389,alice\r\n');
    // a number without its unit is a guess for whoever opens the file
    const withDuration = await gw.http.get('/api/sessions?format=csv&columns=user,duration').auth(alice, { type: 'bearer' }).expect(200);
    expect(withDuration.text).toMatch(/^User,Duration \(s\)\r\njdoe,\d+\r\n$/);

    const aliceEnded = nextEvent<{ id: string; endReason: string }>(aliceSocket, 'session.ended', (e) => e.id === id);
    const ended = await gw.http
      .post(`/api/agent/sessions/${id}/end`)
      .auth(agent, { type: 'bearer' })
      .send({ reason: 'ended' })
      .expect(200);
    expect(ended.body).toMatchObject({ id, endReason: 'ended', status: 'Terminated', owner: 'alice', type: 'PAM_RDP' });
    expect(ended.body.durationSeconds).toBeGreaterThanOrEqual(0);
    expect((await aliceEnded).endReason).toBe('ended');

    await gw.http.get(`/api/sessions/${id}`).auth(alice, { type: 'bearer' }).expect(404);
    const log = await gw.http.get('/api/access-logs').auth(alice, { type: 'bearer' }).expect(200);
    expect(log.body.items.map((e: { id: string }) => e.id)).toEqual([id]);
    await gw.http.get('/api/access-logs').auth(bob, { type: 'bearer' }).expect(200, { items: [], total: { count: 0, exact: true } });

    const logCsv = await gw.http
      .get('/api/access-logs?columns=id,user,endReason,serviceUrl')
      .set('Accept', 'text/csv')
      .auth(alice, { type: 'bearer' })
      .expect(200);
    expect(logCsv.text).toBe(`Session ID,User,End reason,Service URL\r\n${id},jdoe,ended,rdp://win-01:3389\r\n`);

    // give any stray event time to arrive before asserting bob saw nothing
    await new Promise((r) => setTimeout(r, 100));
    expect(bobSaw).toEqual([]);
  });

  it('is idempotent on externalId, before and after the end, even for concurrent calls', async () => {
    const payload = sessionPayload({ owner: 'bob' });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(payload)),
    );
    const ids = new Set(attempts.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(attempts.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const [id] = [...ids];

    const first = await gw.http.post(`/api/agent/sessions/${id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    const second = await gw.http.post(`/api/agent/sessions/${id}/end`).auth(agent, { type: 'bearer' }).send({ reason: 'failed' }).expect(200);
    expect(second.body).toEqual(first.body);

    const replay = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(payload).expect(200);
    expect(replay.body.id).toBe(id);
    expect(replay.body.endDate).toBe(first.body.endDate);
    const open = await gw.http.get('/api/sessions').auth(bob, { type: 'bearer' }).expect(200);
    expect(open.body.items.filter((s: { externalId: string }) => s.externalId === payload.externalId)).toEqual([]);
    const log = await gw.http.get(`/api/access-logs?q=${payload.externalId}`).auth(bob, { type: 'bearer' }).expect(200);
    expect(log.body.items).toHaveLength(1);
  });

  it('concurrent ends of one session produce one entry', async () => {
    const opened = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload()).expect(201);
    const ends = await Promise.all(
      Array.from({ length: 6 }, () => gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(agent, { type: 'bearer' }).send({})),
    );
    expect(ends.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(ends.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it("keeps one agent out of another agent's sessions", async () => {
    const other = await createAgent(gw, 'agent-2');
    const opened = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload()).expect(201);
    await gw.http.post(`/api/agent/sessions/${opened.body.id}/heartbeat`).auth(other, { type: 'bearer' }).expect(404);
    await gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(other, { type: 'bearer' }).send({}).expect(404);
    // the same externalId from another agent is another session
    const theirs = await gw.http
      .post('/api/agent/sessions')
      .auth(other, { type: 'bearer' })
      .send(sessionPayload({ externalId: opened.body.externalId }))
      .expect(201);
    expect(theirs.body.id).not.toBe(opened.body.id);
    await gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
  });

  it('stores each user’s column choice and uses it for CSV', async () => {
    await gw.http.get('/api/me/session-columns').auth(bob, { type: 'bearer' }).expect(200)
      .then((r) => expect(r.body.columns).toEqual(['user', 'device', 'client', 'startDate', 'type', 'port', 'serviceUrl', 'accountName', 'serviceProvider', 'owner', 'status', 'duration']));
    await gw.http.put('/api/me/session-columns').auth(bob, { type: 'bearer' }).send({ columns: ['status', 'user', 'client'] }).expect(200);
    const stored = await gw.http.get('/api/me/session-columns').auth(bob, { type: 'bearer' }).expect(200);
    expect(stored.body.columns).toEqual(['status', 'user', 'client']);
    const aliceColumns = await gw.http.get('/api/me/session-columns').auth(alice, { type: 'bearer' }).expect(200);
    expect(aliceColumns.body.columns[0]).toBe('user');

    const opened = await gw.http
      .post('/api/agent/sessions')
      .auth(agent, { type: 'bearer' })
      .send(sessionPayload({ owner: 'bob', user: 'o"brien, jr', client: '=cmd|calc' }))
      .expect(201);
    const csv = await gw.http.get('/api/sessions?format=csv').auth(bob, { type: 'bearer' }).expect(200);
    expect(csv.text).toBe('Status,User,Client\r\nConnected,"o""brien, jr",\'=cmd|calc\r\n');
    await gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
  });

  it('terminate: owners and privileged users may, others get 403 or 404', async () => {
    const terminator = await createUser(gw, 'tina', ['owner'], ['terminate']);
    const opened = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201);
    const id = opened.body.id;
    await gw.http.post(`/api/sessions/${id}/terminate`).auth(bob, { type: 'bearer' }).send({ reason: 'x' }).expect(404);
    await gw.http.post(`/api/sessions/${id}/terminate`).auth(terminator, { type: 'bearer' }).send({ reason: 'x' }).expect(404);
    await gw.http.post(`/api/sessions/${id}/terminate`).auth(auditor, { type: 'bearer' }).send({ reason: 'x' }).expect(403);
    const res = await gw.http.post(`/api/sessions/${id}/terminate`).auth(alice, { type: 'bearer' }).send({ reason: 'change window closed' }).expect(202);
    expect(res.body).toMatchObject({ id, endReason: 'terminated', endedBy: 'alice', endMessage: 'change window closed' });
  });

  it('serves health, metrics and OpenAPI docs', async () => {
    await gw.http.get('/health').expect(200, { status: 'ok' });
    const metrics = await gw.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/vigil_open_sessions\{type="PAM_SSH"\} \d+/);
    expect(metrics.text).toMatch(/vigil_session_ends_total\{reason="terminated",type="PAM_SSH"\} 1/);
    expect(metrics.text).toMatch(/vigil_http_request_duration_seconds_count\{method="POST",route="\/api\/agent\/sessions",status="201"\} \d+/);
    const docs = await gw.http.get('/api/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/agent/sessions', '/api/access-logs', '/api/sessions/{id}/terminate']));
  });

  it('refuses sockets without a valid token', async () => {
    await expect(connectSocket(gw.url, '/sessions', undefined)).rejects.toThrow(/unauthorized/);
    await expect(connectSocket(gw.url, '/sessions', 'vgu_not-a-token')).rejects.toThrow(/unauthorized/);
  });
});
