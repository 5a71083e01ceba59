import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

interface BadCase {
  name: string;
  method: 'get' | 'post' | 'put';
  path: string | ((ctx: Ctx) => string);
  as: 'agent' | 'owner' | 'admin' | 'nobody';
  body?: unknown;
  raw?: { type: string; data: string };
  status: number;
  message: RegExp;
}
interface Ctx {
  sessionId: string;
}

const BIG = 'x'.repeat(70 * 1024);
const FAKE_ID = '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f';

const cases: BadCase[] = [
  { name: 'unknown field', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ color: 'red' }), status: 400, message: /property color should not exist/ },
  { name: 'bad enum type', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ type: 'TELNET' }), status: 400, message: /type must be one of/ },
  { name: 'SSM type from an agent', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ type: 'SSM' }), status: 400, message: /type must be one of/ },
  { name: 'missing user', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ user: undefined }), status: 400, message: /user must/ },
  { name: 'port as string', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ port: '22' }), status: 400, message: /port must be an integer/ },
  { name: 'port out of range', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ port: 70000 }), status: 400, message: /port must not be greater than 65535/ },
  { name: 'user as number', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ user: 42 }), status: 400, message: /user must be a string/ },
  { name: 'control characters in device', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ device: 'a\u0001b' }), status: 400, message: /device must not contain control characters/ },
  // U+0000 is refused before validation, on both engines alike (PostgreSQL cannot store it: it was a 500 there)
  { name: 'NUL in a body', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ serviceUrl: 'ssh://a\u0000b' }), status: 400, message: /body: NUL characters/ },
  { name: 'NUL in a login, unauthenticated', method: 'post', path: '/api/auth/login', as: 'nobody', body: { username: 'a\u0000b', password: 'x' }, status: 400, message: /body: NUL characters/ },
  { name: 'CSV with no column', method: 'get', path: '/api/sessions?format=csv&columns=%20', as: 'owner', status: 400, message: /columns: name at least one column/ },
  { name: 'NUL in a query string', method: 'get', path: '/api/access-logs?q=%00', as: 'owner', status: 400, message: /url: NUL characters/ },
  { name: 'relative serviceUrl', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ serviceUrl: 'crm/login' }), status: 400, message: /serviceUrl must be an absolute URL/ },
  { name: 'owner with spaces', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ owner: 'not a user' }), status: 400, message: /owner must be a Vigil username/ },
  { name: 'startDate not a date', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ startDate: 'yesterday' }), status: 400, message: /startDate must be an ISO-8601 date/ },
  { name: 'startDate in the future', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ startDate: '2999-01-01T00:00:00Z' }), status: 400, message: /startDate must not be in the future/ },
  { name: 'externalId too long', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ externalId: 'e'.repeat(129) }), status: 400, message: /externalId must be shorter than or equal to 128/ },
  { name: 'malformed JSON', method: 'post', path: '/api/agent/sessions', as: 'agent', raw: { type: 'application/json', data: '{"externalId": "x",' }, status: 400, message: /malformed JSON/ },
  { name: 'oversized body', method: 'post', path: '/api/agent/sessions', as: 'agent', body: sessionPayload({ serviceProvider: BIG }), status: 413, message: /larger than/ },
  { name: 'JSON array instead of object', method: 'post', path: '/api/agent/sessions', as: 'agent', raw: { type: 'application/json', data: '[1,2]' }, status: 400, message: /body: must be a JSON object/ },
  { name: 'no token', method: 'post', path: '/api/agent/sessions', as: 'nobody', body: sessionPayload(), status: 401, message: /agent token/ },
  { name: 'user token on the agent API', method: 'post', path: '/api/agent/sessions', as: 'owner', body: sessionPayload(), status: 401, message: /agent token/ },
  { name: 'heartbeat for a non-uuid id', method: 'post', path: '/api/agent/sessions/not-a-uuid/heartbeat', as: 'agent', status: 400, message: /uuid is expected/ },
  { name: 'heartbeat for an unknown session', method: 'post', path: `/api/agent/sessions/${FAKE_ID}/heartbeat`, as: 'agent', status: 404, message: /not open/ },
  { name: 'end with unknown reason', method: 'post', path: (c) => `/api/agent/sessions/${c.sessionId}/end`, as: 'agent', body: { reason: 'bored' }, status: 400, message: /reason must be one of/ },
  { name: 'end with a timeout reason (Vigil decides those)', method: 'post', path: (c) => `/api/agent/sessions/${c.sessionId}/end`, as: 'agent', body: { reason: 'timeout' }, status: 400, message: /reason must be one of/ },
  { name: 'end before start', method: 'post', path: (c) => `/api/agent/sessions/${c.sessionId}/end`, as: 'agent', body: { endDate: '2001-01-01T00:00:00Z' }, status: 400, message: /endDate must not be before/ },
  { name: 'login with missing password', method: 'post', path: '/api/auth/login', as: 'nobody', body: { username: 'admin' }, status: 400, message: /password must be/ },
  { name: 'login with wrong password', method: 'post', path: '/api/auth/login', as: 'nobody', body: { username: 'admin', password: 'nope' }, status: 401, message: /invalid username or password/ },
  { name: 'create user as owner', method: 'post', path: '/api/users', as: 'owner', body: { username: 'x', password: 'xxxxxxxx', roles: [], privileges: [] }, status: 403, message: /requires role admin/ },
  { name: 'create user with unknown role', method: 'post', path: '/api/users', as: 'admin', body: { username: 'x', password: 'xxxxxxxx', roles: ['root'], privileges: [] }, status: 400, message: /each value in roles must be one of/ },
  { name: 'create user with short password', method: 'post', path: '/api/users', as: 'admin', body: { username: 'xy', password: 'short', roles: [], privileges: [] }, status: 400, message: /password must be longer than or equal to 8/ },
  { name: 'duplicate username', method: 'post', path: '/api/users', as: 'admin', body: { username: 'alice', password: 'xxxxxxxx', roles: ['owner'], privileges: [] }, status: 409, message: /username: "alice" is already taken/ },
  { name: 'agent with bad kind', method: 'post', path: '/api/agents', as: 'admin', body: { name: 'a', kind: 'robot' }, status: 400, message: /kind must be one of/ },
  { name: 'unknown column', method: 'put', path: '/api/me/session-columns', as: 'owner', body: { columns: ['user', 'salary'] }, status: 400, message: /each value in columns must be one of/ },
  { name: 'empty column list', method: 'put', path: '/api/me/session-columns', as: 'owner', body: { columns: [] }, status: 400, message: /columns must contain at least 1/ },
  { name: 'unknown CSV column', method: 'get', path: '/api/sessions?format=csv&columns=user,salary', as: 'owner', status: 400, message: /unknown column\(s\) salary/ },
  { name: 'unknown query parameter', method: 'get', path: '/api/access-logs?color=red', as: 'owner', status: 400, message: /property color should not exist/ },
  { name: 'access-log limit too high', method: 'get', path: '/api/access-logs?limit=5000', as: 'owner', status: 400, message: /limit must not be greater than 1000/ },
  { name: 'access-log limit not a number', method: 'get', path: '/api/access-logs?limit=ten', as: 'owner', status: 400, message: /limit must be an integer/ },
  { name: 'access-log bad date', method: 'get', path: '/api/access-logs?from=monday', as: 'owner', status: 400, message: /from must be an ISO-8601 date/ },
  { name: 'access-log from after to', method: 'get', path: '/api/access-logs?from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z', as: 'owner', status: 400, message: /from must not be after to/ },
  { name: 'access-log forged nextToken', method: 'get', path: '/api/access-logs?nextToken=Zm9vYmFy', as: 'owner', status: 400, message: /nextToken is invalid/ },
  { name: 'access-log bad type', method: 'get', path: '/api/access-logs?type=FTP', as: 'owner', status: 400, message: /type must be one of/ },
  { name: 'terminate without reason', method: 'post', path: (c) => `/api/sessions/${c.sessionId}/terminate`, as: 'owner', body: {}, status: 400, message: /reason must be a string/ },
  { name: 'bad bearer syntax', method: 'get', path: '/api/sessions', as: 'nobody', status: 401, message: /bearer token/ },
];

describe.each(DATABASE_KINDS)('bad input on %s', (kind) => {
  let gw: TestGateway;
  const tokens: Record<string, string | undefined> = {};
  const ctx: Ctx = { sessionId: '' };
  let snapshotBefore: unknown;

  const snapshot = async () => ({
    sessions: (await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' })).body,
    logs: (await gw.http.get('/api/access-logs').auth(gw.adminToken, { type: 'bearer' })).body,
    users: (await gw.http.get('/api/users').auth(gw.adminToken, { type: 'bearer' })).body,
  });

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    tokens.agent = await createAgent(gw);
    tokens.owner = await createUser(gw, 'alice');
    tokens.admin = gw.adminToken;
    const opened = await gw.http.post('/api/agent/sessions').auth(tokens.agent, { type: 'bearer' }).send(sessionPayload({ owner: 'alice' })).expect(201);
    ctx.sessionId = opened.body.id;
    snapshotBefore = await snapshot();
  });
  afterAll(() => gw.close());

  it('has a table of at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases)('$name → $status', async (c) => {
    const path = typeof c.path === 'function' ? c.path(ctx) : c.path;
    let req = gw.http[c.method](path);
    if (c.as === 'nobody' && c.name === 'bad bearer syntax') req = req.set('Authorization', 'Bearer');
    else if (c.as !== 'nobody') req = req.auth(tokens[c.as]!, { type: 'bearer' });
    const res = c.raw ? await req.set('Content-Type', c.raw.type).send(c.raw.data) : await req.send(c.body as object);
    expect(res.status).toBe(c.status);
    const message = [res.body.message].flat().join('; ');
    expect(message).toMatch(c.message);
  });

  it('left everything stored exactly as it was', async () => {
    expect(await snapshot()).toEqual(snapshotBefore);
  });
});
