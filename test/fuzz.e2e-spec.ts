import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { Client as SshClient } from 'ssh2';
import { DataSource } from 'typeorm';
import { AuditService } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, connectSocket, createAgent, createUser, startTestGateway } from './support/test-gateway';
import { generateParseableKeyPair } from './support/ssh-key-pair';
import { socketGateways } from './support/socket-gateways';

/**
 * Fuzzing every door of the gateway with fast-check: the agent API, the owner API, the socket.io
 * namespaces, HTTP login and SSH login names. Whatever arrives, the gateway answers with a 4xx
 * that carries a message (or a socket.io ack with an error), never a 5xx or a silent socket, and
 * keeps serving (/health). What it refuses changes nothing stored: every table is compared row by
 * row before and after, except the rows of what it accepted (those ids are collected as they are
 * answered). The audit chain may only gain refusal records and records of accepted sessions.
 *
 * Both engines: PostgreSQL and SQLite fail differently (NUL bytes, encodings, integer ranges).
 * Runs are sized for < ~2 min per engine on a loaded 2-core machine; VIGIL_FUZZ_SCALE multiplies
 * them for a deeper local run and VIGIL_FUZZ_SEED replays a failure fast-check reported.
 */

const SCALE = Number(process.env.VIGIL_FUZZ_SCALE ?? 1);
const SEED = process.env.VIGIL_FUZZ_SEED === undefined ? undefined : Number(process.env.VIGIL_FUZZ_SEED);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: SEED, endOnFailure: true });
const ACK_TIMEOUT_MS = 8_000;
const SSH_TIMEOUT_MS = 20_000;
/** Refusals the audit trail records by design (a refused login is evidence). */
const REFUSAL_ACTIONS = new Set(['auth.login-failed', 'jump.login-refused']);
/** Changes the fuzz makes on purpose (the column-settings user's): recorded like any change. */
const ACCEPTED_CHANGES = new Set(['columns.update']);
const FAKE_ID = '6f1c1d2e-8a5b-4c1e-9f3a-0a1b2c3d4e5f';

// ── generators ─────────────────────────────────────────────────────────────────────────────────

const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '%00',
  'a\u0000b',
  '\u202e',
  '\ud800',
  '\u009b2J',
  '\u001b[2J',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '${jndi:ldap://x/a}',
  '=cmd|"/c calc"!A1',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'NaN',
  '-1',
  '1e309',
  '9007199254740993',
  '2024-02-30T25:61:00Z',
  '0000-00-00T00:00:00Z',
);
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => 'x'.repeat(n)) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
/** A value that is valid for the field most of the time, hostile otherwise. */
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostileValue });
/** uriEncode throws on lone surrogates; UTF-8 bytes, percent-encoded, never do. */
const uriEncode = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
/** What an HTTP header can carry (Node refuses the rest before sending). */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
const printable = (max: number) => fc.stringMatching(new RegExp(`^[a-zA-Z0-9 ._:@/-]{1,${max}}$`));
const recentIso = fc.integer({ min: 0, max: 3600_000 }).map((ago) => new Date(Date.now() - ago).toISOString());
const uuidLike = fc.oneof(fc.uuid(), fc.constant(FAKE_ID), hostileString.map((s) => uriEncode(s)), fc.constantFrom('%', '%zz', '..%2F..', '%00', 'a%2Fb', '%E0%A4%A'));

/** Raw bodies that are not the JSON object a route wants. */
const rawBody = fc.oneof(
  fc.record({ type: fc.constantFrom('application/json', 'application/json; charset=utf-8'), data: fc.oneof(hostileString, fc.jsonValue().map((v) => JSON.stringify(v) ?? '')) }),
  fc.record({ type: fc.constant('application/json'), data: fc.integer({ min: 1, max: 4000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) }),
  fc.record({ type: fc.constant('application/json'), data: fc.integer({ min: 1, max: 4000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)) }),
  fc.record({ type: fc.constant('application/json'), data: fc.integer({ min: 60_000, max: 80_000 }).map((n) => JSON.stringify({ a: 'x'.repeat(n) })) }),
  fc.record({
    type: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', 'application/json; charset=latin1'),
    data: hostileString,
  }),
);
type Body = { json: object } | { raw: { type: string; data: string } };
const bodyOf = <T extends object>(object: fc.Arbitrary<T>): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 6, arbitrary: object.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.dictionary(hostileString.filter((k) => k.length > 0 && k.length < 40), hostileValue, { maxKeys: 4 }).map((json) => ({ json })) },
    { weight: 2, arbitrary: rawBody.map((raw) => ({ raw })) },
  );
/** Adds an unknown field now and then: the ValidationPipe must refuse it by name. */
const withExtra = <T extends object>(object: fc.Arbitrary<T>) =>
  fc.tuple(object, fc.option(fc.tuple(fc.constantFrom('color', 'id', 'status', 'agentId', '__proto__', 'constructor', 'isAdmin'), hostileValue), { freq: 6 })).map(([o, extra]) =>
    extra ? Object.defineProperty({ ...o }, extra[0], { value: extra[1], enumerable: true }) : o,
  );
const dropUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const openBody = bodyOf(
  withExtra(
    fc
      .record(
        {
          externalId: field(fc.stringMatching(/^[a-z0-9:-]{1,40}$/)),
          type: field(fc.constantFrom('CONSOLE', 'WebSSO', 'ESSO', 'PAM', 'PAM_SSH', 'PAM_RDP', 'SSM', 'pam', 'TELNET')),
          user: field(printable(40)),
          device: field(printable(40)),
          client: field(printable(40)),
          port: field(fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer(), fc.double())),
          serviceUrl: field(fc.constantFrom('ssh://db-01:22', 'https://crm.example.com/login', 'rdp://win:3389', 'crm/login', 'javascript:alert(1)', 'ssh:// x')),
          accountName: field(printable(40)),
          serviceProvider: field(printable(40)),
          // never the fuzzer itself: the owner-API property below relies on the fuzzer owning nothing
          owner: field(fc.constantFrom('victim', 'fuzzer-2', 'admin', 'nobody', 'Victim', 'a b', '')),
          startDate: field(fc.oneof(recentIso, fc.constantFrom('2999-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2024-01-01', '2024-01-01T00:00:00'))),
        },
        { requiredKeys: [] },
      )
      .map(dropUndefined),
  ),
);
const endBody = bodyOf(
  withExtra(
    fc
      .record(
        { endDate: field(fc.oneof(recentIso, fc.constantFrom('2999-01-01T00:00:00Z', '2001-01-01T00:00:00Z'))), reason: field(fc.constantFrom('ended', 'failed', 'terminated', 'timeout', 'bored', 'ENDED')) },
        { requiredKeys: [] },
      )
      .map(dropUndefined),
  ),
);
const loginBody = bodyOf(
  withExtra(
    fc
      .record({ username: field(fc.constantFrom('admin', 'victim', 'fuzzer', 'Admin', 'ADMIN', 'nobody', 'admin ', ' admin')), password: field(printable(30)) }, { requiredKeys: [] })
      .map(dropUndefined),
  ),
);
const columnsBody = bodyOf(
  withExtra(
    fc
      .record(
        {
          columns: field(
            fc.oneof(
              fc.uniqueArray(fc.constantFrom('user', 'device', 'client', 'startDate', 'type', 'port', 'serviceUrl', 'accountName', 'serviceProvider', 'owner', 'status', 'duration', 'id', 'externalId', 'lastHeartbeat'), { maxLength: 16 }),
              fc.array(fc.oneof(fc.constantFrom('user', 'salary', 'USER', ''), hostileValue), { maxLength: 20 }),
            ),
          ),
        },
        { requiredKeys: [] },
      )
      .map(dropUndefined),
  ),
);
const terminateBody = bodyOf(withExtra(fc.record({ reason: field(printable(60)) }, { requiredKeys: [] }).map(dropUndefined)));

/** Query strings: known parameters with good and bad values, unknown ones, repeats, broken escapes. */
const queryString = (known: Record<string, fc.Arbitrary<string>>) =>
  fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.oneof(...Object.entries(known).map(([k, v]) => fc.tuple(fc.constant(k), fc.oneof(v, hostileString)))) },
        { weight: 1, arbitrary: fc.tuple(fc.oneof(hostileString, fc.constantFrom('color', 'limit[]', 'limit[a]', '__proto__[x]', 'columns[]')), hostileString) },
      ),
      { maxLength: 6 },
    )
    .chain((pairs) =>
      fc.constantFrom('encoded', 'raw-junk').map((mode) =>
        pairs
          .map(([k, v]) => (mode === 'encoded' ? `${uriEncode(k)}=${uriEncode(v)}` : `${uriEncode(k)}=${uriEncode(v)}${['%', '%zz', '%00', '&&', '=='][v.length % 5]}`))
          .join('&'),
      ),
    );
const commonQuery = {
  type: fc.constantFrom('CONSOLE', 'PAM_SSH', 'SSM', 'FTP'),
  user: printable(20),
  limit: fc.oneof(fc.integer({ min: -5, max: 1005 }).map(String), fc.constantFrom('1.5', '1e3', '0x10', ' 7', '')),
  nextToken: fc.oneof(fc.base64String({ maxLength: 40 }), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'))),
  format: fc.constantFrom('json', 'csv', 'CSV', 'xml'),
  columns: fc.array(fc.constantFrom('user', 'owner', 'id', 'salary', '', ' ', 'endReason'), { maxLength: 6 }).map((c) => c.join(',')),
};
const sessionsQuery = queryString(commonQuery);
const accessLogQuery = queryString({
  ...commonQuery,
  owner: printable(20),
  target: printable(20),
  q: fc.oneof(printable(30), fc.constantFrom('%', '_', '\\', '%_%', "'", '\u0000')),
  from: fc.oneof(recentIso, fc.constantFrom('2024-01-01', 'monday', '2024-02-01T00:00:00Z')),
  to: fc.oneof(recentIso, fc.constantFrom('2023-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z')),
});
const authHeader = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer x', 'Bearer vga_', 'Bearer vgu_'),
  hostileString.map((s) => `Bearer ${headerSafe(s)}`),
);

/** socket.io payloads: what the parsers expect, nearly, and anything else socket.io can carry. */
const livePayload = (sessionIds: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ sessionId: field(sessionIds), mode: field(fc.constantFrom('view', 'interact')), data: field(fc.string({ unit: 'binary', maxLength: 200 })), action: field(fc.constantFrom('take', 'handback', 'pause-user', 'resume-user')), force: field(fc.boolean()), reason: field(printable(60)) }, { requiredKeys: [] }).map(dropUndefined) },
    { weight: 2, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => ({ sessionId: FAKE_ID, data: 'x'.repeat(n), reason: 'y'.repeat(n % 1000) })) },
  );
/** Every event a /live client may send (checked against the running gateway below, so a new one is fuzzed too). */
const LIVE_EVENTS = ['attach', 'input', 'control', 'message', 'terminate', 'detach', 'thumbnail-subscribe', 'thumbnail-unsubscribe'];

// ── the suite ──────────────────────────────────────────────────────────────────────────────────

interface Snapshot {
  tables: Record<string, string[]>;
  auditSeq: number;
}

describe.each(DATABASE_KINDS)('fuzzing on %s', (kind) => {
  let gw: TestGateway;
  let dataSource: DataSource;
  let agentToken: string;
  let otherAgentToken: string;
  let fuzzerToken: string;
  let victimToken: string;
  let columnsToken: string;
  const tokens: Record<string, string> = {};
  /** ids of what the gateway accepted (sessions the fuzz opened): their rows may change */
  const accepted = new Set<string>();
  /** rows the fuzz may change on purpose (the column-settings user) */
  const ignoredIds = new Set<string>();
  const victimSessions: string[] = [];
  const ownAgentSessions: string[] = [];
  let before: Snapshot;
  /** the fuzzer's SSH key: `fuzzer+<anything>` gets past authentication to the target lookup */
  const fuzzerKey = generateParseableKeyPair('ed25519');

  const snapshot = async (): Promise<Snapshot> => {
    await gw.app.get(AuditService).settle(); // records committed so far are in the chain: the head covers them
    const tables: Record<string, string[]> = {};
    for (const table of [...new Set(dataSource.entityMetadatas.map((m) => m.tableName))].sort()) {
      if (table.startsWith('audit_')) continue; // the trail grows by design (records, head, checkpoints)
      const rows = (await dataSource.query(`SELECT * FROM ${table}`)) as Record<string, unknown>[];
      tables[table] = rows
        .filter((row) => !Object.values(row).some((v) => typeof v === 'string' && (accepted.has(v) || ignoredIds.has(v))))
        .map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))))
        .sort();
    }
    const [head] = (await dataSource.query('SELECT seq FROM audit_head')) as { seq: string | number }[];
    return { tables, auditSeq: Number(head.seq) };
  };

  /** One HTTP request: no 5xx, a 4xx says why. Returns the response for the caller's own checks. */
  const send = async (method: 'get' | 'post' | 'put', path: string, body: Body | undefined, auth: string | undefined) => {
    let req = gw.http[method](path);
    if (auth !== undefined) req = req.set('Authorization', auth);
    const res = body === undefined ? await req : 'json' in body ? await req.send(body.json) : await req.set('Content-Type', body.raw.type).send(body.raw.data);
    if (res.status >= 500) throw new Error(`${method.toUpperCase()} ${path.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    if (res.status >= 400) {
      const message = [res.body?.message].flat().join('; ');
      if (!message) throw new Error(`${method.toUpperCase()} ${path.slice(0, 200)} → ${res.status} without a message: ${res.text.slice(0, 300)}`);
    }
    return res;
  };
  const bearer = (token: string) => `Bearer ${token}`;
  const healthy = async () => {
    const res = await gw.http.get('/health');
    expect(res.status).toBe(200);
  };
  const openFor = async (token: string, owner: string) => {
    const res = await gw.http.post('/api/agent/sessions').set('Authorization', bearer(token)).send({
      externalId: `seed-${Math.random().toString(36).slice(2)}`,
      type: 'PAM_SSH',
      user: 'jdoe',
      device: '10.0.0.1',
      client: 'srv',
      owner,
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    gw = await startTestGateway(kind, {
      // The throttle has its own tests. Left at its defaults, after 50 failures from 127.0.0.1
      // every fuzzed HTTP and SSH login would stop at it, and the parsing and credential checks
      // behind it would go unfuzzed.
      VIGIL_LOGIN_MAX_FAILURES: '1000',
      VIGIL_LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
      VIGIL_LOGIN_MAX_FAILURES_PER_IP: '100000',
      // A long run outlasts the default 90 s: the sweep would mark the seeded sessions
      // Disconnected, a change the snapshot would rightly see.
      VIGIL_HEARTBEAT_TIMEOUT_MS: String(6 * 3600_000),
    });
    dataSource = gw.app.get(DataSource);
    agentToken = await createAgent(gw, 'fuzz-agent');
    otherAgentToken = await createAgent(gw, 'other-agent');
    victimToken = await createUser(gw, 'victim');
    fuzzerToken = await createUser(gw, 'fuzzer');
    columnsToken = await createUser(gw, 'fuzz-columns');
    tokens.admin = gw.adminToken;
    const columnsUser = (await gw.http.get('/api/me').set('Authorization', bearer(columnsToken))).body as { id: string };
    ignoredIds.add(columnsUser.id);
    // sessions of another agent (the fuzzing agent must not touch them) and of the victim
    for (let i = 0; i < 3; i++) victimSessions.push(await openFor(otherAgentToken, 'victim'));
    const ended = await openFor(otherAgentToken, 'victim');
    await gw.http.post(`/api/agent/sessions/${ended}/end`).set('Authorization', bearer(otherAgentToken)).send({}).expect(200);
    victimSessions.push(ended);
    await gw.http.post('/api/targets').set('Authorization', bearer(gw.adminToken)).send({ name: 'fuzz-target', host: '127.0.0.1', port: 1, accountName: 'root', password: 'x' }).expect(201);
    await gw.http.post('/api/me/ssh-keys').set('Authorization', bearer(fuzzerToken)).send({ publicKey: fuzzerKey.public }).expect(201);
    before = await snapshot();
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  describe('entry points', () => {
    afterEach(healthy);

    it('agent API: open', async () => {
      await fc.assert(
        fc.asyncProperty(openBody, authHeader, fc.boolean(), async (body, auth, withToken) => {
          const res = await send('post', '/api/agent/sessions', body, withToken ? bearer(agentToken) : auth);
          if (res.status === 200 || res.status === 201) {
            expect(res.body.id).toEqual(expect.any(String));
            accepted.add(res.body.id);
            ownAgentSessions.push(res.body.id);
          } else expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        runs(700),
      );
    });

    it('agent API: heartbeat and end', async () => {
      const ids = fc.oneof(uuidLike, fc.constantFrom(...victimSessions), fc.constantFrom(...(ownAgentSessions.length ? ownAgentSessions : [FAKE_ID])));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('heartbeat', 'end'), ids, endBody, fc.oneof(fc.constant('fuzz'), fc.constant('user'), authHeader), async (action, id, body, who) => {
          const auth = who === 'fuzz' ? bearer(agentToken) : who === 'user' ? bearer(victimToken) : who;
          const res = await send('post', `/api/agent/sessions/${id}/${action}`, action === 'end' ? body : undefined, auth);
          if (res.status < 300) expect(ownAgentSessions).toContain(id);
        }),
        runs(600),
      );
    });

    it('owner API: /api/sessions and /api/access-logs query strings', async () => {
      const request = fc.oneof(
        sessionsQuery.map((q) => `/api/sessions?${q}`),
        accessLogQuery.map((q) => `/api/access-logs?${q}`),
      );
      const accept = fc.option(fc.constantFrom('text/csv', 'application/json', 'text/csv, application/json', '*/*'), { nil: undefined });
      await fc.assert(
        fc.asyncProperty(request, fc.constantFrom('fuzzer', 'victim', 'admin'), accept, async (path, who, accepts) => {
          let req = gw.http.get(path).set('Authorization', bearer(who === 'admin' ? gw.adminToken : who === 'victim' ? victimToken : fuzzerToken));
          if (accepts) req = req.set('Accept', accepts);
          const res = await req;
          if (res.status >= 500) throw new Error(`GET ${path.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
          if (res.status >= 400) expect([res.body?.message].flat().join('')).not.toBe('');
          // scoping holds whatever the filters: the fuzzer owns nothing, so sees nothing
          if (res.status === 200 && who === 'fuzzer' && res.body?.items) expect(res.body.items).toEqual([]);
          // ...and its CSV has a header line at most
          if (res.status === 200 && who === 'fuzzer' && /text\/csv/.test(String(res.headers['content-type']))) expect(res.text.split('\r\n').filter(Boolean).length).toBeLessThanOrEqual(1);
        }),
        runs(900),
      );
    });

    it('owner API: column settings', async () => {
      let stored = ((await gw.http.get('/api/me/session-columns').set('Authorization', bearer(columnsToken))).body as { columns: string[] }).columns;
      await fc.assert(
        fc.asyncProperty(columnsBody, async (body) => {
          const res = await send('put', '/api/me/session-columns', body, bearer(columnsToken));
          if (res.status === 200) stored = res.body.columns;
          // refused bodies leave the stored choice as it was
          const now = await gw.http.get('/api/me/session-columns').set('Authorization', bearer(columnsToken)).expect(200);
          expect(now.body.columns).toEqual(stored);
        }),
        runs(300),
      );
    });

    it('owner API: terminate bodies, on sessions the caller may not end', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.constantFrom(...victimSessions), uuidLike), terminateBody, fc.constantFrom('fuzzer', 'none', 'agent'), async (id, body, who) => {
          const auth = who === 'fuzzer' ? bearer(fuzzerToken) : who === 'agent' ? bearer(agentToken) : undefined;
          const res = await send('post', `/api/sessions/${id}/terminate`, body, auth);
          expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        runs(400),
      );
    });

    it('terminate reasons on the caller’s own sessions, over HTTP and /live (an accepted one ends the session)', async () => {
      let live: Socket | undefined;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.boolean(),
            terminateBody,
            // what the user's terminal and the access log receive: NUL and C1 controls on purpose
            fc.oneof(hostileValue, fc.string({ unit: 'binary', maxLength: 600 }), fc.constantFrom('a\u0000b', '\u0000', 'stop \u009b2J now', 'stop\u001b]0;x\u0007')),
            async (overHttp, body, reason) => {
            // a fresh session of the victim, reported by the fuzzing agent: whatever happens to it is accepted
            const id = await openFor(agentToken, 'victim');
            accepted.add(id);
            if (overHttp) {
              const res = await send('post', `/api/sessions/${id}/terminate`, body, bearer(victimToken));
              expect([202, 400, 413, 415]).toContain(res.status);
              return;
            }
            if (!live?.connected) {
              live?.close();
              live = await connectSocket(gw.url, '/live', victimToken);
            }
            const ack = (await live.timeout(ACK_TIMEOUT_MS).emitWithAck('terminate', { sessionId: id, reason })) as { ok: boolean; error?: string };
            if (!ack.ok) expect(ack.error).toMatch(/\S/);
          },
          ),
          runs(300),
        );
      } finally {
        live?.close();
      }
    });

    it('HTTP login bodies', async () => {
      await fc.assert(
        fc.asyncProperty(loginBody, async (body) => {
          const res = await send('post', '/api/auth/login', body, undefined);
          // nobody guesses a password here
          expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        runs(400),
      );
    });

    it('fuzzes every event the /live gateway subscribes to', () => {
      expect([...(socketGateways(gw.app).get('/live')?.messages ?? [])].sort()).toEqual([...LIVE_EVENTS].sort());
    });

    it('socket.io /live: arbitrary events and payloads, from a user who may see nothing and from an admin', async () => {
      const exceptions: unknown[] = [];
      const open: Record<string, Socket> = {};
      const socketOf = async (who: 'fuzzer' | 'admin') => {
        if (!open[who]?.connected) {
          open[who]?.close();
          open[who] = await connectSocket(gw.url, '/live', who === 'admin' ? gw.adminToken : fuzzerToken);
          open[who].on('exception', (e: unknown) => exceptions.push(e));
        }
        return open[who];
      };
      try {
        await fc.assert(
          fc.asyncProperty(
            // The fuzzer may see nothing: it also gets the real ids. The admin sees everything: it
            // gets random ids only, so nothing real is ended.
            fc.oneof(
              fc.tuple(fc.constant<'fuzzer' | 'admin'>('fuzzer'), livePayload(fc.oneof(fc.uuid(), fc.constantFrom(...victimSessions)))),
              fc.tuple(fc.constant<'fuzzer' | 'admin'>('admin'), livePayload(fc.uuid())),
            ),
            fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...LIVE_EVENTS) }, { weight: 1, arbitrary: fc.oneof(hostileString.filter((e) => !LIVE_EVENTS.includes(e) && e.length > 0), fc.constantFrom('connect', 'disconnect', 'error', 'newListener', '__proto__', 'exception')) }),
            async ([who, p], event) => {
              const socket = await socketOf(who);
              if (!LIVE_EVENTS.includes(event)) {
                // Reserved names throw in the client; unknown ones are ignored by the server.
                try {
                  socket.emit(event, p);
                } catch {
                  return;
                }
                return;
              }
              const ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, p)) as { ok: boolean; error?: string };
              expect(ack.ok).toBe(false);
              expect(ack.error).toEqual(expect.any(String));
              expect(ack.error!.length).toBeGreaterThan(0);
            },
          ),
          runs(1500),
        );
        // Still listening, after all of it (on new sockets: the fuzzed ones may be rate-limited).
        for (const token of [fuzzerToken, gw.adminToken]) {
          const socket = await connectSocket(gw.url, '/live', token);
          try {
            await expect(socket.timeout(ACK_TIMEOUT_MS).emitWithAck('attach', { sessionId: FAKE_ID, mode: 'view' })).resolves.toEqual({ ok: false, error: 'session not found' });
          } finally {
            socket.close();
          }
        }
        expect(exceptions).toEqual([]);
      } finally {
        Object.values(open).forEach((s) => s.close());
      }
    });

    it('socket.io /live: a payload over the 1 MB buffer closes that socket only', async () => {
      const big = await connectSocket(gw.url, '/live', fuzzerToken);
      const bystander = await connectSocket(gw.url, '/live', fuzzerToken);
      try {
        const closed = new Promise<string>((resolve) => big.once('disconnect', resolve));
        big.emit('input', { sessionId: FAKE_ID, data: 'x'.repeat(2 * 1024 * 1024) });
        await expect(closed).resolves.toEqual(expect.any(String));
        await expect(bystander.timeout(ACK_TIMEOUT_MS).emitWithAck('detach', { sessionId: FAKE_ID })).resolves.toEqual({ ok: false, error: 'not attached to this session' });
      } finally {
        big.close();
        bystander.close();
      }
    });

    it('socket.io handshakes of /live and /sessions: arbitrary auth; /sessions ignores client events', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/live', '/sessions'),
          fc.oneof(hostileValue, fc.record({ token: hostileValue }), fc.record({ token: fc.constant(fuzzerToken), extra: hostileValue }), fc.record({ token: fc.constant(agentToken) })),
          fc.array(fc.tuple(hostileString.filter((e) => e.length > 0 && !['connect', 'disconnect', 'error', 'connect_error', 'newListener', 'removeListener', 'disconnecting'].includes(e)), hostileValue), { maxLength: 3 }),
          async (namespace, auth, events) => {
            const { io } = await import('socket.io-client');
            const socket = io(`${gw.url}${namespace}`, { auth: auth as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
            try {
              const outcome = await new Promise<{ connected: boolean; message?: string; closed?: boolean }>((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`no connect, connect_error or close within ${ACK_TIMEOUT_MS} ms`)), ACK_TIMEOUT_MS);
                socket.once('connect', () => (clearTimeout(timer), resolve({ connected: true })));
                socket.once('connect_error', (e) => (clearTimeout(timer), resolve({ connected: false, message: e.message })));
                // A refusal closes the manager just before connect_error: let that win.
                socket.io.once('close', () => setTimeout(() => (clearTimeout(timer), resolve({ connected: false, closed: true })), 200));
              });
              const isObject = typeof auth === 'object' && auth !== null && !Array.isArray(auth);
              const valid = isObject && (auth as { token?: unknown }).token === fuzzerToken;
              expect(outcome.connected).toBe(valid);
              // socket.io itself closes the transport on a CONNECT whose auth is not an object;
              // whatever reaches Vigil is refused with a reason.
              if (outcome.closed) expect(isObject).toBe(false);
              else if (!outcome.connected) expect(outcome.message).toMatch(/\S/);
              if (outcome.connected) {
                for (const [event, payload] of events) socket.emit(event, payload);
                // the server ignores what it does not know, and the socket stays up
                await new Promise((r) => setTimeout(r, 20));
                expect(socket.connected).toBe(true);
              }
            } finally {
              socket.close();
            }
          },
        ),
        runs(250),
      );
    });

    it('SSH login names, against the jump', async () => {
      const banners: string[] = [];
      let readyCount = 0;
      const attempt = (username: string, auth: { password: string } | { privateKey: string }) =>
        new Promise<void>((resolve, reject) => {
          const client = new SshClient();
          const timer = setTimeout(() => {
            client.end();
            reject(new Error(`the jump kept ${JSON.stringify(username.slice(0, 100))} hanging for ${SSH_TIMEOUT_MS} ms`));
          }, SSH_TIMEOUT_MS);
          client.on('banner', (message: string) => banners.push(message));
          client.on('ready', () => {
            readyCount++;
            client.end();
          });
          client.on('error', () => undefined);
          client.on('close', () => {
            clearTimeout(timer);
            resolve();
          });
          client.connect({ host: '127.0.0.1', port: gw.jumpPort, username, ...auth, readyTimeout: SSH_TIMEOUT_MS, tryKeyboard: false, hostVerifier: () => true });
        });
      const targetPart = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), hostileString, fc.constantFrom('fuzz-targetX', 'FUZZ-TARGET', '..', '.'));
      const name = fc.oneof(
        hostileString,
        fc.string({ unit: 'binary', maxLength: 600 }),
        fc.tuple(fc.oneof(fc.constantFrom('fuzzer', 'admin', 'Fuzzer'), hostileString), fc.constantFrom('+', '++', ' +', '\u0000+', '+\u001b[31m'), targetPart).map(([u, p, t]) => `${u}${p}${t}`),
      );
      // Mostly password logins (wrong ones); the fuzzer's real key for `fuzzer+<anything>`, which
      // takes the login past authentication to the target lookup.
      const login = fc.oneof(
        fc.tuple(name, printable(20)).map(([username, password]) => ({ username, auth: { password } })),
        targetPart.map((t) => ({ username: `fuzzer+${t}`, auth: { privateKey: fuzzerKey.private } })),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(login, { minLength: 4, maxLength: 4 }), async (batch) => {
          await Promise.all(batch.map(({ username, auth }) => attempt(username, auth)));
        }),
        runs(50),
      );
      // Nobody got in (no name reaches an existing target but by luck: `fuzz-target` is not generated).
      expect(readyCount).toBe(0);
      // Refusals reach the client's terminal: no escape or other control characters in them.
      expect(banners.filter((b) => /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(b))).toEqual([]);
    }, 300_000);
  });

  it('left everything stored as it was, but for what it accepted; the audit chain holds', async () => {
    const after = await snapshot();
    expect(after.tables).toEqual(before.tables);
    await gw.app.get(AuditService).settle();
    const added = (await dataSource.query(
      `SELECT action, session_id, error_code, read_only FROM audit_events WHERE seq > ${kind === 'postgres' ? '$1' : '?'} ORDER BY seq`,
      [before.auditSeq],
    )) as { action: string; session_id: string | null; error_code: string | null; read_only: boolean | number | null }[];
    // Besides what was accepted, only refusals (with their errorCode) and reads (exports) are recorded.
    const unexpected = added.filter(
      (r) => !REFUSAL_ACTIONS.has(r.action) && !ACCEPTED_CHANGES.has(r.action) && r.error_code === null && !r.read_only && !(r.session_id && accepted.has(r.session_id)),
    );
    expect(unexpected).toEqual([]);
    const verify = await gw.http.get('/api/audit/verify').set('Authorization', bearer(gw.adminToken)).expect(200);
    expect(verify.body.ok).toBe(true);
    await healthy();
  });
});
