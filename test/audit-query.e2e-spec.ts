import { AuditService } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createUser, startTestGateway } from './support/test-gateway';

const SESSION = '0190b2a4-0000-7000-8000-0000000000aa';

/** `GET /api/audit`: CloudTrail-shaped records, every filter, keyset paging, the CSV export. */
describe.each(DATABASE_KINDS)('GET /api/audit on %s', (kind) => {
  let gw: TestGateway;
  let audit: AuditService;
  let startedAt: number;
  const get = (query: Record<string, string>) => gw.http.get('/api/audit').query(query).auth(gw.adminToken, { type: 'bearer' });

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    audit = gw.app.get(AuditService);
    startedAt = Date.now();
    for (let i = 0; i < 25; i++) {
      await audit.record({ action: 'viewer.join', actor: `user:${i % 2 ? 'alice' : 'bob'}`, sessionId: SESSION, context: { sourceIp: `10.0.0.${i % 3}`, userAgent: 'jest' }, requestParameters: { mode: 'view', i } });
    }
    await audit.record({ action: 'session.terminate', actor: 'user:carol', sessionId: SESSION, context: { sourceIp: '10.9.9.9' }, requestParameters: { reason: 'policy' } });
    await audit.record({ action: 'user.create', actor: 'user:admin', requestParameters: { username: 'dave', password: 'correct horse battery' } });
    await audit.record({ action: 'target.delete', actor: 'user:eve', errorCode: 'Forbidden', errorMessage: 'not an admin', requestParameters: { name: 'db-01' } });
  });
  afterAll(async () => gw?.close());

  it('serves CloudTrail records with the chain fields, secrets hidden', async () => {
    const { body } = await get({ eventName: 'CreateUser', user: 'admin' }).expect(200);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      eventVersion: '1.08',
      eventSource: 'vigil.iam',
      eventName: 'CreateUser',
      userIdentity: { type: 'VigilUser', userName: 'admin' },
      requestParameters: { username: 'dave', password: 'Value hidden due to security reasons.' },
      readOnly: false,
      action: 'user.create',
    });
    expect(body.items[0].eventID).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(body.items[0].eventTime)).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(JSON.stringify(body)).not.toContain('correct horse');
  });

  it('filters by event name, user, session, source IP, errors only and time range', async () => {
    expect((await get({ eventName: 'TerminateSession' }).expect(200)).body.items.map((e: { userIdentity: { userName: string } }) => e.userIdentity.userName)).toEqual(['carol']);
    const alice = (await get({ user: 'alice', limit: '1000' }).expect(200)).body.items;
    expect(alice).toHaveLength(12);
    expect(alice.every((e: { userIdentity: { userName: string } }) => e.userIdentity.userName === 'alice')).toBe(true);
    expect((await get({ sessionId: SESSION, limit: '1000' }).expect(200)).body.items).toHaveLength(26);
    expect((await get({ sourceIp: '10.0.0.1', limit: '1000' }).expect(200)).body.items.length).toBe(8);
    const errors = (await get({ errorsOnly: 'true' }).expect(200)).body.items;
    expect(errors.map((e: { errorCode: string; eventName: string }) => [e.eventName, e.errorCode])).toEqual([['DeleteTarget', 'Forbidden']]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await get({ from: future }).expect(200)).body.items).toEqual([]);
    expect((await get({ to: new Date(startedAt - 60_000).toISOString() }).expect(200)).body.items).toEqual([]);
  });

  it('pages newest first with nextToken: every record once, none lost', async () => {
    const seen: number[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const { body } = await get({ sessionId: SESSION, limit: '7', ...(nextToken ? { nextToken } : {}) }).expect(200);
      seen.push(...body.items.map((e: { seq: number }) => e.seq));
      nextToken = body.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(26);
    expect(new Set(seen).size).toBe(26);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('exports what the filter shows as CSV with a dated file name, and records the export', async () => {
    const res = await get({ user: 'alice', format: 'csv' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/vigil-audit-\d{4}-\d{2}-\d{2}\.csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^Event time,Event name,/);
    expect(lines).toHaveLength(13);
    expect(lines.slice(1).every((l) => l.includes(',JoinSession,') && l.includes(',alice,'))).toBe(true);
    const exports = (await get({ eventName: 'ExportAuditEvents' }).expect(200)).body.items;
    expect(exports[0]).toMatchObject({ userIdentity: { userName: 'admin' }, requestParameters: { user: 'alice' }, readOnly: true });
  });

  it('refuses bad filters with a 400 naming the field, and non-auditors with 403', async () => {
    for (const [query, field] of [
      [{ from: 'last tuesday' }, 'from'],
      [{ sessionId: "1' OR '1'='1" }, 'sessionId'],
      [{ limit: '100000' }, 'limit'],
      [{ nextToken: 'AAAA' }, 'nextToken'],
      [{ eventName: '<script>' }, 'eventName'],
    ] as const) {
      const res = await get(query as Record<string, string>).expect(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    const owner = await createUser(gw, 'owner-q');
    await gw.http.get('/api/audit').auth(owner, { type: 'bearer' }).expect(403);
    await gw.http.get('/api/audit/export').auth(owner, { type: 'bearer' }).expect(403);
    await gw.http.get('/api/audit').expect(401);
  });
});
