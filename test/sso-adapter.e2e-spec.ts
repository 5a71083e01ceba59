import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { SsoAdapterConfig } from '../apps/sso-adapter/src/adapter-config';
import { RunningSsoAdapter, startSsoAdapter } from '../apps/sso-adapter/src/sso-adapter';
import { SIGNATURE_HEADER, signWebhook } from '../apps/sso-adapter/src/webhook-signature';
import { TestGateway, createUser, startTestGateway } from './support/test-gateway';
import { eventually } from './support/wait';

const SECRET = 'e2e-webhook-secret-0123456789abcdef0123';

interface View {
  id: string;
  externalId: string;
  type: string;
  user: string;
  device: string;
  client: string;
  serviceProvider: string;
  accountName: string;
  owner: string;
  endReason?: string;
}

/**
 * The SSO adapter against the real gateway: a signed Keycloak webhook (a real HTTP POST) opens
 * WebSSO sessions over the /agents channel and the logout ends them; forged and replayed posts
 * change nothing; the generic JSON and portal log lines report ESSO sessions the same way.
 */
describe('SSO adapter → Vigil', () => {
  let gw: TestGateway;
  let agentToken: string;
  const dirs: string[] = [];
  const adapters: RunningSsoAdapter[] = [];

  beforeAll(async () => {
    gw = await startTestGateway('sqlite');
    await createUser(gw, 'alice');
    agentToken = (await gw.http.post('/api/agents').auth(gw.adminToken, { type: 'bearer' }).send({ name: 'sso-adapter', kind: 'agent' }).expect(201)).body.token;
  });
  afterAll(async () => {
    for (const adapter of adapters) await adapter.close();
    await gw?.close();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const start = async (overrides: Partial<SsoAdapterConfig> = {}, stdin?: PassThrough): Promise<RunningSsoAdapter> => {
    const queueDir = mkdtempSync(join(tmpdir(), 'vigil-sso-'));
    dirs.push(queueDir);
    const adapter = await startSsoAdapter(
      {
        vigilUrl: gw.url,
        agentToken,
        webhookSecret: SECRET,
        host: '127.0.0.1',
        port: 0,
        queueDir,
        owner: 'alice',
        client: 'keycloak.corp.example',
        transport: 'socket',
        stdin: stdin !== undefined,
        ...overrides,
      },
      { log: () => undefined, stdin },
    );
    adapters.push(adapter);
    return adapter;
  };

  const post = (adapter: RunningSsoAdapter, path: string, payload: unknown, signature?: string) => {
    const body = JSON.stringify(payload);
    return request(adapter.url!)
      .post(path)
      .set('content-type', 'application/json')
      .set(SIGNATURE_HEADER, signature ?? signWebhook(SECRET, body))
      .send(body);
  };
  const openSessions = async (): Promise<View[]> => (await gw.http.get('/api/sessions?limit=500').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items;
  const accessLog = async (): Promise<View[]> => (await gw.http.get('/api/access-logs?limit=500').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items;
  const keycloak = (type: string, clientId: string | undefined, sessionId = 'kc-5f2e') => ({
    time: Date.now() - 1000,
    type,
    realmId: 'corp',
    ...(clientId ? { clientId } : {}),
    userId: '0b9d0c53-user',
    sessionId,
    ipAddress: '10.20.0.7',
    details: type === 'LOGIN' ? { username: 'jdoe', auth_method: 'openid-connect' } : {},
  });

  it('Keycloak LOGIN → WebSSO session per client (over /agents); LOGOUT → all ended', async () => {
    const adapter = await start();
    await post(adapter, '/webhook/keycloak', keycloak('LOGIN', 'crm')).expect(202, { opened: 1, ended: 0, ignored: 0 });
    await post(adapter, '/webhook/keycloak', keycloak('LOGIN', 'wiki')).expect(202);
    // the IdP retries a delivery (a new signature): the same session, not a second one
    await post(adapter, '/webhook/keycloak', keycloak('LOGIN', 'crm')).expect(202);

    const mine = (items: View[]) => items.filter((s) => s.externalId.startsWith('keycloak:corp/kc-5f2e:'));
    const open = await eventually(openSessions, (items) => mine(items).length === 2);
    expect(mine(open).sort((a, b) => a.serviceProvider.localeCompare(b.serviceProvider))).toEqual([
      expect.objectContaining({ type: 'WebSSO', user: 'jdoe', device: '10.20.0.7', client: 'keycloak.corp.example', serviceProvider: 'crm', accountName: 'jdoe', owner: 'alice' }),
      expect.objectContaining({ type: 'WebSSO', serviceProvider: 'wiki' }),
    ]);
    // it came through the socket channel: the audit record names the SDK socket's user agent
    const audit = (await gw.http.get(`/api/audit?limit=50&sessionId=${mine(open)[0].id}`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body.items;
    expect(audit).toEqual([expect.objectContaining({ eventName: 'StartSession', userAgent: 'vigil-sso-adapter/1', userIdentity: expect.objectContaining({ type: 'VigilAgent' }) })]);

    await post(adapter, '/webhook/keycloak', keycloak('LOGOUT', undefined)).expect(202, { opened: 0, ended: 2, ignored: 0 });
    const ended = await eventually(accessLog, (items) => mine(items).length === 2);
    expect(mine(ended).map((e) => e.endReason)).toEqual(['ended', 'ended']);
    expect(mine(await openSessions())).toEqual([]);
  });

  it('refuses forged, replayed, unsigned and oversized posts without touching Vigil', async () => {
    const adapter = await start();
    const payload = keycloak('LOGIN', 'forged-sp', 'kc-forged');
    const body = JSON.stringify(payload);
    await post(adapter, '/webhook/keycloak', payload, signWebhook('not-the-secret-but-32-bytes-long-!!', body)).expect(401, { error: 'signature does not match' });
    await request(adapter.url!).post('/webhook/keycloak').set('content-type', 'application/json').send(body).expect(401);
    await post(adapter, '/webhook/keycloak', payload, signWebhook(SECRET, body, Date.now() - 3600_000)).expect(401);
    const signature = signWebhook(SECRET, body);
    await post(adapter, '/webhook/keycloak', keycloak('LOGIN', 'other-sp', 'kc-forged'), signature).expect(401);
    await post(adapter, '/webhook/keycloak', payload, signature).expect(202);
    await post(adapter, '/webhook/keycloak', payload, signature).expect(401, { error: 'replayed request' });
    await post(adapter, '/webhook/keycloak', { junk: 'x'.repeat(70_000) }).expect(413);
    await post(adapter, '/webhook/keycloak', { type: 'LOGIN' }).expect(400);
    await post(adapter, '/webhook/nope', {}).expect(404);
    const sessions = await eventually(openSessions, (items) => items.some((s) => s.externalId === 'keycloak:corp/kc-forged:forged-sp'));
    expect(sessions.filter((s) => s.externalId.includes('kc-forged')).map((s) => s.serviceProvider)).toEqual(['forged-sp']);
  });

  it('generic JSON over the HTTP transport, and portal log lines on stdin: ESSO sessions', async () => {
    const adapter = await start({ transport: 'http' });
    await post(adapter, '/webhook/generic', { event: 'login', session: 'p-77', user: 'jdoe', ip: '10.0.0.9', serviceProvider: 'sap-gui', account: 'JDOE01', type: 'ESSO' }).expect(202);
    const opened = await eventually(openSessions, (items) => items.some((s) => s.externalId === 'portal:p-77:sap-gui'));
    expect(opened.find((s) => s.externalId === 'portal:p-77:sap-gui')).toMatchObject({ type: 'ESSO', accountName: 'JDOE01', serviceProvider: 'sap-gui' });
    await post(adapter, '/webhook/generic', { event: 'logout', session: 'p-77' }).expect(202, { opened: 0, ended: 1, ignored: 0 });
    await eventually(accessLog, (items) => items.some((e) => e.externalId === 'portal:p-77:sap-gui'));

    const stdin = new PassThrough();
    const tail = await start({ webhookSecret: null }, stdin);
    expect(tail.url).toBeNull();
    stdin.write('2026-12-01T10:00:00Z portal: event=login session=l-1 user=jdoe ip=10.0.0.3 sp=outlook type=ESSO\n');
    stdin.write('noise that is not an SSO event\n');
    stdin.end('2026-12-01T10:05:00Z portal: event=logout session=l-1\n');
    await tail.stdinDone;
    const entry = (await eventually(accessLog, (items) => items.some((e) => e.externalId === 'log:l-1:outlook'))).find((e) => e.externalId === 'log:l-1:outlook');
    expect(entry).toMatchObject({ type: 'ESSO', serviceProvider: 'outlook', endReason: 'ended', startDate: '2026-12-01T10:00:00.000Z', endDate: '2026-12-01T10:05:00.000Z' });
  });
});
