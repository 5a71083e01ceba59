import { DATABASE_KINDS, TestDatabase, createTestDatabase } from './support/databases';
import { freePort } from './support/ports';
import { AccessKey, REGION, createAccessKey } from './support/ssm-clients';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGatewayOn } from './support/test-gateway';

/**
 * The SSM importer against a real server speaking the real protocol: gateway A imports, through
 * @aws-sdk/client-ssm, the sessions of gateway B (Vigil's own SSM-compatible API), where an agent
 * opens and ends them. Shown: mirrored with their attributes, updated, ended once in A's access
 * log, nothing duplicated across a restart of A and while B is down for a while (health shows
 * the failure and the backoff, then the recovery).
 */

const POLL_SECONDS = 1;
/** B's liveness is short, so that a session whose agent goes quiet turns Disconnected there (a change A must follow). */
const B_LIVENESS = { VIGIL_HEARTBEAT_TIMEOUT_MS: '3000', VIGIL_DISCONNECT_GRACE_MS: '600000', VIGIL_SWEEP_INTERVAL_MS: '100' };

/** 64 characters (the longest Vigil username): its ARN is 90 */
const LONG_OWNER = `o${'-long'.repeat(12)}-owner-x`.slice(0, 64);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined/false), or fails with the last value seen. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(200);
  }
}

interface Reported {
  id: string;
  startDate: string;
  externalId: string;
}

describe.each(DATABASE_KINDS)('SSM import from a second gateway on %s', (kind) => {
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let a: TestGateway;
  let b: TestGateway;
  let portB: number;
  let agentB: string;
  let importerKey: AccessKey;
  let viewerOnA: string;
  /** B's sessions whose agent keeps heartbeating */
  const alive = new Set<string>();
  const reported: Record<string, Reported> = {};
  let beating: NodeJS.Timeout | undefined;

  const startB = async () => {
    b = await startTestGatewayOn(dbB, { PORT: String(portB), ...B_LIVENESS });
  };
  const startA = async () => {
    a = await startTestGatewayOn(dbA, {});
  };

  const openOnB = async (name: string, overrides: Record<string, unknown> = {}) => {
    const res = await b.http.post('/api/agent/sessions').auth(agentB, { type: 'bearer' }).send(sessionPayload({ owner: 'alice', ...overrides })).expect(201);
    reported[name] = res.body;
    alive.add(res.body.id);
    return res.body as Reported;
  };
  const endOnB = async (name: string, body: Record<string, unknown> = {}) => {
    alive.delete(reported[name].id);
    return (await b.http.post(`/api/agent/sessions/${reported[name].id}/end`).auth(agentB, { type: 'bearer' }).send(body).expect(200)).body;
  };

  const adminGet = async (gw: TestGateway, path: string) => (await gw.http.get(path).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body;
  const openOnA = async (): Promise<any[]> => (await adminGet(a, '/api/sessions?type=SSM&limit=1000')).items;
  const endedOnA = async (): Promise<any[]> => (await adminGet(a, '/api/access-logs?type=SSM&limit=1000')).items;
  const health = async () => (await adminGet(a, '/api/ssm-import/sources/lab')).health;
  /** B's session ids as A holds them (open or ended): each must appear once. */
  const mirroredOnA = async () => [...(await openOnA()), ...(await endedOnA())].map((s) => s.externalId).sort();
  const onA = async (name: string, where: 'open' | 'ended') => (where === 'open' ? await openOnA() : await endedOnA()).find((s) => s.externalId === reported[name].id);
  const expectEachOnce = async (names: string[]) => {
    const mirrored = await mirroredOnA();
    expect(mirrored).toEqual(names.map((n) => reported[n].id).sort());
  };

  beforeAll(async () => {
    dbA = await createTestDatabase(kind);
    dbB = await createTestDatabase(kind);
    portB = await freePort();
    await startB();
    await createUser(b, 'alice');
    // the importer reads B as an auditor: it sees every session and may change none
    importerKey = await createAccessKey(b, await createUser(b, 'importer', ['auditor']));
    agentB = await createAgent(b, 'b-agent');
    await startA();
    viewerOnA = await createUser(a, 'alice');
    beating = setInterval(() => {
      for (const id of alive) void b.http.post(`/api/agent/sessions/${id}/heartbeat`).auth(agentB, { type: 'bearer' }).then(() => undefined, () => undefined);
    }, 500);
  }, 120_000);

  afterAll(async () => {
    clearInterval(beating);
    await a?.close();
    await b?.close();
    await dbA?.drop();
    await dbB?.drop();
  });

  it('an admin makes B a source; its secret is never shown or audited; bad sources and non-admins are refused', async () => {
    const admin = { type: 'bearer' as const };
    const good = { name: 'lab', region: REGION, endpoint: b.url, ...importerKey, pollIntervalSeconds: POLL_SECONDS };
    const bad: [object, number, string][] = [
      [{ ...good, endpoint: 'file:///etc/passwd' }, 400, 'http:// or https://'],
      [{ ...good, endpoint: `http://user:pw@127.0.0.1:${portB}` }, 400, 'must not carry credentials'],
      [{ ...good, secretAccessKey: undefined }, 400, 'together'],
      [{ ...good, name: 'has space' }, 400, 'name must be'],
      [{ ...good, region: 'mars-1' }, 400, 'region must be'],
      [{ ...good, pollIntervalSeconds: 0 }, 400, 'pollIntervalSeconds'],
      [{ ...good, secretAccessKey: 'with\nnewline' }, 400, 'secretAccessKey'],
      [{ ...good, sessionToken: 'x' }, 400, 'sessionToken'],
    ];
    for (const [body, status, message] of bad) {
      const res = await a.http.post('/api/ssm-import/sources').auth(a.adminToken, admin).send(body);
      expect({ status: res.status, message: JSON.stringify(res.body) }).toEqual({ status, message: expect.stringContaining(message) });
    }
    await a.http.post('/api/ssm-import/sources').auth(viewerOnA, admin).send(good).expect(403);
    await a.http.get('/api/ssm-import/sources').auth(viewerOnA, admin).expect(403);

    const created = await a.http.post('/api/ssm-import/sources').auth(a.adminToken, admin).send(good).expect(201);
    expect(created.body).toMatchObject({ name: 'lab', region: REGION, endpoint: b.url, credentials: 'access-key', accessKeyId: importerKey.accessKeyId, enabled: true, origin: 'api' });
    await a.http.post('/api/ssm-import/sources').auth(a.adminToken, admin).send({ ...good, name: 'LAB' }).expect(409);

    const everything = JSON.stringify([created.body, await adminGet(a, '/api/ssm-import/sources'), await adminGet(a, '/api/audit?limit=1000')]);
    expect(everything).not.toContain(importerKey.secretAccessKey);
    const audit = (await adminGet(a, '/api/audit?limit=1000')).items.filter((r: { action: string }) => r.action === 'ssm-import.create');
    expect(audit).toEqual([expect.objectContaining({ actor: 'user:admin', eventName: 'CreateImportSource', requestParameters: expect.objectContaining({ name: 'lab', credentials: `access key ${importerKey.accessKeyId}` }) })]);
  });

  it('sessions opened on B appear on A as type SSM with their AWS attributes, seen by admins only', async () => {
    const s1 = await openOnB('s1', { client: 'srv-db-01' });
    await openOnB('s2', { client: 'srv-web-02', type: 'PAM_RDP' });
    await eventually('s1 and s2 on A', async () => (await openOnA()).length === 2);
    const mirrored = await onA('s1', 'open');
    expect(mirrored).toMatchObject({
      type: 'SSM',
      status: 'Connected',
      externalId: s1.id,
      user: 'alice',
      device: 'srv-db-01',
      client: 'srv-db-01',
      serviceUrl: `ssm://${REGION}/srv-db-01`,
      accountName: 'vigil',
      serviceProvider: 'aws-ssm:lab',
      owner: 'arn:vigil:iam::vigil:user/alice',
      startDate: s1.startDate,
    });
    const attributes = await adminGet(a, `/api/ssm-import/sessions/${mirrored.id}`);
    expect(attributes).toMatchObject({
      source: 'lab',
      region: REGION,
      awsSessionId: s1.id,
      target: 'srv-db-01',
      owner: 'arn:vigil:iam::vigil:user/alice',
      documentName: 'Vigil-PAM_SSH',
      awsStatus: 'Connected',
      ended: false,
    });
    // A's own alice is not B's alice: an AWS principal owns these, only admins and auditors see them
    expect((await a.http.get('/api/sessions?type=SSM').auth(viewerOnA, { type: 'bearer' }).expect(200)).body.items).toEqual([]);
    await a.http.get(`/api/ssm-import/sessions/${mirrored.id}`).auth(viewerOnA, { type: 'bearer' }).expect(403);

    const h = await health();
    expect(h).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastError: null, polledBy: expect.any(String), counts: expect.objectContaining({ active: 2, imported: 2 }) });
    expect(Date.parse(h.lastSuccessAt)).toBeGreaterThan(Date.parse(s1.startDate));
  });

  it('a status change on B is followed on A: Disconnected while its agent is quiet, Connected again', async () => {
    alive.delete(reported.s2.id);
    await eventually('s2 Disconnected on B', async () => (await adminGet(b, `/api/sessions/${reported.s2.id}`)).status === 'Disconnected');
    await eventually('s2 Disconnected on A', async () => (await onA('s2', 'open'))?.status === 'Disconnected');
    alive.add(reported.s2.id);
    await eventually('s2 Connected on A', async () => (await onA('s2', 'open'))?.status === 'Connected');
    await expectEachOnce(['s1', 's2']);
  });

  it('sessions ending on B end on A once, with B’s end date and status, one that lived between two polls too', async () => {
    const endedS1 = await endOnB('s1', { reason: 'failed' });
    await openOnB('s3');
    const endedS3 = await endOnB('s3');
    const s1 = await eventually('s1 in A’s access log', () => onA('s1', 'ended'));
    const s3 = await eventually('s3 in A’s access log', () => onA('s3', 'ended'));
    expect(s1).toMatchObject({ type: 'SSM', status: 'Failed', endReason: 'failed', startDate: reported.s1.startDate, endDate: endedS1.endDate, endedBy: null });
    expect(s3).toMatchObject({ status: 'Terminated', endReason: 'ended', startDate: reported.s3.startDate, endDate: endedS3.endDate });
    expect(await onA('s1', 'open')).toBeUndefined();

    // more polls change nothing
    const ended = (await health()).counts.ended;
    const seen = Date.parse((await health()).lastSuccessAt);
    await eventually('two more polls', async () => Date.parse((await health()).lastSuccessAt) > seen + 1500);
    expect((await health()).counts.ended).toBe(ended);
    await expectEachOnce(['s1', 's2', 's3']);
    const endRecords = (await adminGet(a, `/api/audit?sessionId=${s1.id}`)).items.filter((r: { action: string }) => r.action === 'session.end');
    expect(endRecords).toHaveLength(1);
  });

  it('a restart of A duplicates nothing and catches up with what changed on B meanwhile', async () => {
    await a.close();
    const endedS2 = await endOnB('s2');
    // an owner whose ARN is longer than a Vigil username may be (PostgreSQL enforces the column's width)
    await openOnB('s4', { client: 'srv-app-04', owner: LONG_OWNER });
    await startA();
    await eventually('s2 ended on A after the restart', () => onA('s2', 'ended'));
    const s4 = await eventually('s4 on A after the restart', () => onA('s4', 'open'));
    expect(s4).toMatchObject({ owner: `arn:vigil:iam::vigil:user/${LONG_OWNER}`, user: LONG_OWNER });
    expect((await onA('s2', 'ended')).endDate).toBe(endedS2.endDate);
    await expectEachOnce(['s1', 's2', 's3', 's4']);
    expect((await health()).counts.imported).toBe(4);
  });

  it('while B is down A’s health shows the failure and backs off; once B is back, A recovers with nothing lost or duplicated', async () => {
    await b.close();
    const failing = await eventually('two failed polls', async () => {
      const h = await health();
      return h.consecutiveFailures >= 2 && h;
    });
    expect(failing).toMatchObject({ status: 'failing', lastError: { at: expect.any(String), message: expect.stringMatching(/ECONNREFUSED|connect|socket/i) } });
    // exponential: the second failure waits at least two intervals (one after a success)
    expect(Date.parse(failing.nextPollAt) - Date.parse(failing.lastPollAt)).toBeGreaterThanOrEqual(2 * POLL_SECONDS * 1000);
    // A keeps what it knows while it cannot see B (its heartbeat timeout is far longer than this outage)
    expect((await onA('s4', 'open'))?.status).toBe('Connected');

    await startB();
    const downUntil = Date.now();
    await openOnB('s5');
    const endedS4 = await endOnB('s4');
    const recovered = await eventually('recovery', async () => {
      const h = await health();
      return h.status === 'ok' && Date.parse(h.lastSuccessAt) > downUntil && h;
    });
    expect(recovered).toMatchObject({ consecutiveFailures: 0, lastError: { message: expect.any(String) } });
    await eventually('s5 on A', () => onA('s5', 'open'));
    await eventually('s4 ended on A', () => onA('s4', 'ended'));
    expect((await onA('s4', 'ended')).endDate).toBe(endedS4.endDate);
    await expectEachOnce(['s1', 's2', 's3', 's4', 's5']);
  });

  it('updates and deletions are audited; a disabled source stops polling', async () => {
    const patched = await a.http.patch('/api/ssm-import/sources/lab').auth(a.adminToken, { type: 'bearer' }).send({ enabled: false }).expect(200);
    expect(patched.body.health.status).toBe('disabled');
    await sleep(1500); // a poll under way when the change landed may still finish
    const polls = Date.parse((await health()).lastPollAt);
    await sleep(3 * POLL_SECONDS * 1000);
    expect(Date.parse((await health()).lastPollAt)).toBe(polls);
    await a.http.patch('/api/ssm-import/sources/lab').auth(a.adminToken, { type: 'bearer' }).send({ name: 'renamed' }).expect(400);
    await a.http.delete('/api/ssm-import/sources/lab').auth(a.adminToken, { type: 'bearer' }).expect(204);
    await a.http.get('/api/ssm-import/sources/lab').auth(a.adminToken, { type: 'bearer' }).expect(404);
    const actions = (await adminGet(a, '/api/audit?limit=1000')).items.map((r: { action: string }) => r.action);
    expect(actions.filter((x: string) => x.startsWith('ssm-import.')).sort()).toEqual(['ssm-import.create', 'ssm-import.delete', 'ssm-import.update']);
    // what it imported stays
    await expectEachOnce(['s1', 's2', 's3', 's4', 's5']);
  });

  it('the environment’s source (VIGIL_SSM_IMPORT_*) takes its credentials from the AWS provider chain and is read-only through the API', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    // the SDK's provider chain reads these itself: they never pass through Vigil's configuration
    process.env.AWS_ACCESS_KEY_ID = importerKey.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = importerKey.secretAccessKey;
    const dbC = await createTestDatabase(kind);
    const c = await startTestGatewayOn(dbC, { VIGIL_SSM_IMPORT_REGION: REGION, VIGIL_SSM_IMPORT_ENDPOINT: b.url, VIGIL_SSM_IMPORT_NAME: 'from-env', VIGIL_SSM_IMPORT_POLL_SECONDS: '1' });
    try {
      const [source] = await adminGet(c, '/api/ssm-import/sources');
      expect(source).toMatchObject({ name: 'from-env', region: REGION, endpoint: b.url, origin: 'environment', credentials: 'provider-chain', accessKeyId: null, enabled: true });
      const everything = async () => [...(await adminGet(c, '/api/sessions?type=SSM')).items, ...(await adminGet(c, '/api/access-logs?type=SSM')).items];
      // B's whole History on the first poll, and what is open there
      await eventually('B’s sessions on C', async () => (await everything()).length === 5);
      expect((await everything()).map((x) => x.externalId).sort()).toEqual(['s1', 's2', 's3', 's4', 's5'].map((n) => reported[n].id).sort());
      expect((await everything()).every((x) => x.serviceProvider === 'aws-ssm:from-env')).toBe(true);
      await c.http.patch('/api/ssm-import/sources/from-env').auth(c.adminToken, { type: 'bearer' }).send({ enabled: false }).expect(409);
      await c.http.delete('/api/ssm-import/sources/from-env').auth(c.adminToken, { type: 'bearer' }).expect(409);
    } finally {
      await c.close();
      await dbC.drop();
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
