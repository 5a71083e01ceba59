import * as fs from 'node:fs';
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { Socket } from 'socket.io-client';
import { AGENT_EVENTS } from '@vigil/agent-channel';
import { SessionsService } from '@vigil/sessions';
import {
  AGENTS_INTERNAL_EVENTS,
  AGENTS_ROWS,
  AgentsExpect,
  Cells,
  EXCLUDED_PATHS,
  HTTP_ROWS,
  HttpCall,
  HttpExpect,
  HttpRow,
  LIVE_ERRORS,
  LIVE_ROWS,
  LiveExpect,
  LiveRow,
  MatrixContext,
  PRINCIPALS,
  Principal,
  SESSIONS_INTERNAL_EVENTS,
  SESSIONS_ROWS,
  SessionsExpect,
  SessionsRow,
  TERMINAL_ERRORS,
  TERMINAL_INTERNAL_EVENTS,
  TERMINAL_ROWS,
  TerminalExpect,
  USER_PRINCIPALS,
  cellOf,
} from './support/authz-matrix';
import { mountedRoutes } from '../apps/gateway/src/mounted-routes';
import { DATABASE_KINDS } from './support/databases';
import { KeyPair, SshdHandle, makeKeyPair, makeTempDir, run, sshClientOptions, startSshd } from './support/sshd';
import { InteractiveProcess } from './support/terminal';
import { TestGateway, connectSocket, login, startTestGateway } from './support/test-gateway';
import { generateParseableKeyPair } from './support/ssh-key-pair';
import { socketGateways } from './support/socket-gateways';

const ACK_TIMEOUT_MS = 10_000;
/** After the expected receivers of a /sessions event got it, how long the others must stay silent. */
const SILENCE_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** `/api/sessions/:id` and `/api/sessions/{id}` → `/api/sessions/{}`: rows and routes match whatever the parameter is called. */
const shape = (route: string) => route.replace(/\{[^}]*\}|:[A-Za-z0-9_]+/g, '{}');

/** The web console's files (`GET /`, `GET /assets/x.js`...), routes of the router but not of the API. */
const CONSOLE_FILE = /^GET \/($|.*\.[A-Za-z0-9]+$)/;

/** Every API route the running gateway serves, as `METHOD /path/{param}` (HEAD twins of GET routes left out). */
function apiRoutes(app: INestApplication): string[] {
  const routes = new Set<string>();
  for (const route of mountedRoutes(app)) {
    const [method, path] = route.split(' ');
    if (method === 'HEAD' || EXCLUDED_PATHS.test(path) || CONSOLE_FILE.test(route)) continue;
    routes.add(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  }
  return [...routes].sort();
}

/** Expected and actual side by side, keyed by principal, so a failure names who got what. */
function byPrincipal<T>(cells: Cells<T>, skip: Set<Principal>): Record<string, T> {
  return Object.fromEntries(PRINCIPALS.filter((p) => !skip.has(p)).map((p) => [p, cellOf(cells, p)]));
}

/**
 * Every HTTP route and every /live and /sessions event of the running gateway, for every kind of
 * caller (test/support/authz-matrix.ts has the table and says what each row checks). Real ids
 * throughout: registry sessions of two owners, a live SSH session through the embedded jump to a
 * real sshd, and the ended SSH session's sealed recording.
 */
describe.each(DATABASE_KINDS)('authorization matrix on %s', (kind) => {
  let gw: TestGateway;
  let dir: string;
  let sshd: SshdHandle;
  let ownerKey: KeyPair;
  let live: InteractiveProcess | undefined;
  let watcher: Socket | undefined;
  const sockets: Socket[] = [];
  const tokens = {} as Record<Principal, string | null>;
  const passwords = {} as Record<Principal, string>;
  const names = {} as Record<Principal, string>;
  /** the principals whose column cannot be checked, with why (only `disabled`, when PATCH /api/users is missing) */
  const unchecked = new Set<Principal>();
  let disableStatus = 0;
  /** sockets the disabled user opened before being disabled */
  const disabledSockets: { namespace: string; closed: Promise<boolean> }[] = [];
  let grantStatus = 0;
  let counter = 0;
  let ctx: MatrixContext;

  const admin = () => tokens.admin!;
  const api = (method: string, path: string, token: string | null, body?: object) => {
    let req = (gw.http as unknown as Record<string, (p: string) => import('supertest').Test>)[method.toLowerCase()](path);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return body === undefined ? req : req.send(body);
  };
  const unique = (prefix: string) => `${prefix}-${kind}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
  const openSession = async (owner: string): Promise<string> => {
    const res = await api('POST', '/api/agent/sessions', tokens.agent, {
      externalId: unique('ext'),
      type: 'CONSOLE',
      user: 'jdoe',
      device: '10.0.0.12',
      client: 'srv-01',
      owner,
    });
    if (res.status !== 201) throw new Error(`opening a session for ${owner}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const created = async (what: string, res: import('supertest').Response, field: string): Promise<string> => {
    if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body[field] as string;
  };
  const sshArgs = (loginName: string, ...rest: string[]) => [...sshClientOptions(ownerKey.privatePath), '-p', String(gw.jumpPort), `${loginName}@127.0.0.1`, ...rest];
  const track = (socket: Socket) => {
    sockets.push(socket);
    return socket;
  };
  const liveSocket = async (p: Principal): Promise<Socket | null> => {
    try {
      return track(await connectSocket(gw.url, '/live', tokens[p] ?? undefined));
    } catch {
      return null;
    }
  };

  beforeAll(async () => {
    dir = makeTempDir('vigil-authz');
    ownerKey = makeKeyPair(dir, 'olivia');
    const targetKey = makeKeyPair(dir, 'target');
    sshd = await startSshd({ authorizedKeys: [targetKey.publicLine] });
    gw = await startTestGateway(kind);
    tokens.admin = gw.adminToken;
    names.admin = 'admin';
    passwords.admin = 'admin-password-for-tests';
    tokens.anon = null;
    names.anon = 'nobody-here';
    passwords.anon = 'wrong-password';

    for (const p of ['agent', 'jump'] as const) {
      names[p] = `matrix-${p}`;
      const res = await api('POST', '/api/agents', admin(), { name: names[p], kind: p === 'agent' ? 'agent' : 'jump-server' });
      tokens[p] = await created(`agent ${p}`, res, 'token');
      // An agent token is no password: the login row tries it as one.
      passwords[p] = tokens[p]!;
    }
    for (const [p, user] of Object.entries(USER_PRINCIPALS) as [Principal, (typeof USER_PRINCIPALS)[keyof typeof USER_PRINCIPALS]][]) {
      names[p] = user.username;
      passwords[p] = `${user.username}-matrix-password`;
      const res = await api('POST', '/api/users', admin(), { username: user.username, password: passwords[p], roles: user.roles, privileges: user.privileges });
      await created(`user ${p}`, res, 'id');
      tokens[p] = await login(gw.http, user.username, passwords[p]);
    }

    await created('owner key', await api('POST', '/api/me/ssh-keys', tokens.owner, { publicKey: ownerKey.publicLine }), 'id');
    const target = { name: 'box', host: '127.0.0.1', port: sshd.port, accountName: 'root', privateKey: targetKey.privateKey, owner: names.owner };
    await created('target', await api('POST', '/api/targets', admin(), target), 'name');
    // Grants (v2): nobody reaches a target without one. Before they exist the route is a 404.
    grantStatus = (await api('PUT', '/api/targets/box/grants', admin(), { users: [names.owner] })).status;
    const patchUser = 'ulla';
    await created('patch user', await api('POST', '/api/users', admin(), { username: patchUser, password: 'ulla-matrix-password', roles: ['owner'], privileges: [] }), 'id');
    const patchTarget = 'matrix-patch';
    await created('patch target', await api('POST', '/api/targets', admin(), { name: patchTarget, host: '127.0.0.1', port: 1, accountName: 'root', password: 'x' }), 'name');

    const ownerSession = await openSession(names.owner);
    const otherSession = await openSession(names.other);

    // An ended SSH session of the owner, with its sealed recording.
    const ended = await run('ssh', sshArgs(`${names.owner}+box`, 'echo matrix-ended'));
    if (ended.code !== 0) throw new Error(`ssh through the jump failed (${ended.code}): ${ended.stderr}`);
    const entries = await eventually(
      'the ended SSH session and its recording',
      async () => (await api('GET', '/api/access-logs?target=box', admin())).body.items as { id: string; recordingUrl: string | null }[],
      (items) => items?.length === 1 && items[0].recordingUrl !== null,
    );

    // A live one, watched by an admin throughout (so watchers lists have something to show).
    live = InteractiveProcess.spawn('ssh', ['-tt', ...sshArgs(`${names.owner}+box`)]);
    live.write('export PS1="$ "; echo READY-$((1+1))\n');
    await live.waitFor('READY-2', 20_000);
    const open = await eventually(
      'the live SSH session',
      async () => (await api('GET', '/api/sessions?type=PAM_SSH', admin())).body.items as { id: string }[],
      (items) => items?.length === 1,
    );
    watcher = track(await connectSocket(gw.url, '/live', admin()));
    const watching = await watcher.timeout(ACK_TIMEOUT_MS).emitWithAck('attach', { sessionId: open[0].id, mode: 'view' });
    if (!watching.ok) throw new Error(`the background watcher could not attach: ${JSON.stringify(watching)}`);

    // Disabled (v2): logged in above, with sockets open; its old token is what it presents from now on.
    for (const namespace of ['/live', '/sessions']) {
      const socket = track(await connectSocket(gw.url, namespace, tokens.disabled!));
      disabledSockets.push({ namespace, closed: new Promise((resolve) => socket.once('disconnect', () => resolve(true))) });
    }
    disableStatus = (await api('PATCH', `/api/users/${names.disabled}`, admin(), { disabled: true })).status;
    if (disableStatus !== 200) unchecked.add('disabled');

    ctx = {
      ownerSession,
      otherSession,
      liveSession: open[0].id,
      endedEntry: entries[0].id,
      target: 'box',
      patchUser,
      patchTarget,
      username: (p) => names[p],
      password: (p) => passwords[p],
      freshOwnerSession: () => openSession(names.owner),
      freshUser: async () => {
        const username = unique('gone');
        await created('fresh user', await api('POST', '/api/users', admin(), { username, password: 'fresh-matrix-password', roles: ['owner'], privileges: [] }), 'id');
        return username;
      },
      freshAgent: async () => created('fresh agent', await api('POST', '/api/agents', admin(), { name: unique('agent'), kind: 'agent' }), 'id'),
      freshTarget: async () =>
        created('fresh target', await api('POST', '/api/targets', admin(), { name: unique('t'), host: '127.0.0.1', port: 1, accountName: 'root', password: 'x' }), 'name'),
      freshOwnerKey: async () => created('fresh key', await api('POST', '/api/me/ssh-keys', tokens.owner, { publicKey: ctx.newPublicKey() }), 'id'),
      freshOwnerAccessKey: async () => created('fresh access key', await api('POST', '/api/access-keys', tokens.owner, {}), 'accessKeyId'),
      freshSsmImportSource: async () => created('fresh SSM import source', await api('POST', '/api/ssm-import/sources', admin(), { name: unique('src'), region: 'eu-west-1', enabled: false }), 'name'),
      freshEventRule: async () =>
        created(
          'fresh event rule',
          await api('POST', '/api/event-rules', admin(), {
            name: unique('rule'),
            eventPattern: { source: ['vigil'] },
            enabled: false,
            targets: [{ type: 'webhook', url: 'http://127.0.0.1:9/unused' }],
          }),
          'id',
        ),
      freshToken: async (p) => (p in USER_PRINCIPALS && p !== 'disabled') || p === 'admin' ? login(gw.http, names[p], passwords[p]) : tokens[p],
      newPublicKey: () => generateParseableKeyPair('ed25519').public,
      unique,
    };
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    live?.kill();
    await gw?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('coverage', () => {
    it('every route of the running gateway has a row', () => {
      const rows = new Set(HTTP_ROWS.map((r) => shape(r.route)));
      expect(apiRoutes(gw.app).filter((route) => !rows.has(shape(route)))).toEqual([]);
    });

    it('every row names a route of the running gateway', () => {
      const routes = new Set(apiRoutes(gw.app).map(shape));
      expect(HTTP_ROWS.map((r) => r.route).filter((route) => !routes.has(shape(route)))).toEqual([]);
    });

    it('no route has two rows', () => {
      const shapes = HTTP_ROWS.map((r) => shape(r.route));
      expect(shapes.filter((s, i) => shapes.indexOf(s) !== i)).toEqual([]);
    });

    it('every route is in the OpenAPI document', async () => {
      const doc = (await api('GET', '/api/docs-json', null).expect(200)).body as { paths: Record<string, Record<string, unknown>> };
      const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => shape(`${m.toUpperCase()} ${path}`))));
      const undocumentedOnPurpose = /^GET \/api\/docs-(json|yaml)$/;
      expect(apiRoutes(gw.app).filter((r) => !undocumentedOnPurpose.test(r) && !documented.has(shape(r)))).toEqual([]);
    });

    it('the table keeps its own rules: agent tokens only on /api/agent/*, user tokens never there, anonymous only on public routes', () => {
      const broken: string[] = [];
      for (const row of HTTP_ROWS) {
        const cells = Object.fromEntries(PRINCIPALS.map((p) => [p, cellOf(row.expect, p)]));
        const isPublic = PRINCIPALS.every((p) => cells[p] === cells.anon);
        if (isPublic) continue;
        const agentRoute = row.route.includes(' /api/agent/');
        for (const p of PRINCIPALS) {
          const agentLike = p === 'agent' || p === 'jump';
          const mustBe401 = p === 'anon' || p === 'disabled' || (agentRoute ? !agentLike : agentLike);
          if (mustBe401 && cells[p] !== 401) broken.push(`${row.route}: ${p} should be 401`);
        }
      }
      expect(broken).toEqual([]);
    });

    it('every /live event the gateway subscribes to has a row, and every control action', async () => {
      const gateways = socketGateways(gw.app);
      expect([...(gateways.get('/live')?.messages ?? [])].sort()).toEqual([...new Set(LIVE_ROWS.map((r) => r.event))].sort());
      // The actions `control` takes, as the gateway itself lists them when given a wrong one.
      const ack = await watcher!.timeout(ACK_TIMEOUT_MS).emitWithAck('control', { sessionId: ctx.liveSession, action: 'no-such-action' });
      const listed = /action must be one of: (.+)$/.exec(String(ack.error))?.[1].split(', ') ?? [`(unexpected ack ${JSON.stringify(ack)})`];
      const rowActions = LIVE_ROWS.filter((r) => r.event === 'control').map((r) => (r.payload(ctx.liveSession) as { action: string }).action);
      expect([...new Set(rowActions)].sort()).toEqual([...listed].sort());
    });

    it('every event the /sessions gateway listens to has a row (or says why it forwards nothing), and /sessions takes no client events', () => {
      const sessions = socketGateways(gw.app).get('/sessions');
      const known = [...SESSIONS_ROWS.map((r) => r.event), ...Object.keys(SESSIONS_INTERNAL_EVENTS)];
      expect([...(sessions?.domainEvents ?? [])].sort()).toEqual(known.sort());
      expect([...(sessions?.messages ?? [])]).toEqual([]);
    });

    it('the only socket.io namespaces are /agents, /live, /sessions and /terminal (a new one needs rows)', () => {
      expect([...socketGateways(gw.app).keys()].sort()).toEqual(['/agents', '/live', '/sessions', '/terminal']);
    });

    it('every /agents event has a row, and every domain event its gateway listens to is explained', () => {
      const agents = socketGateways(gw.app).get('/agents');
      // its events are dispatched by one onAny listener (one ack per packet), not @SubscribeMessage
      expect([...(agents?.messages ?? [])]).toEqual([]);
      expect(AGENTS_ROWS.map((r) => r.event).sort()).toEqual([...AGENT_EVENTS].sort());
      expect([...(agents?.domainEvents ?? [])].sort()).toEqual(Object.keys(AGENTS_INTERNAL_EVENTS).sort());
    });

    it.each(AGENTS_ROWS.map((row) => [row.event, row] as const))('/agents %s', async (_event, row) => {
      const actual: Record<string, AgentsExpect | string> = {};
      for (const p of PRINCIPALS) {
        if (unchecked.has(p)) continue;
        let socket: Socket;
        try {
          socket = track(await connectSocket(gw.url, '/agents', tokens[p] ?? undefined));
        } catch {
          actual[p] = 'refused';
          continue;
        }
        try {
          const sessionId = row.session === 'fresh' ? await ctx.freshOwnerSession() : row.session === 'owner-session' ? ctx.ownerSession : '';
          const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(row.event, row.payload(ctx, sessionId));
          if (ack.ok === true) actual[p] = Array.isArray(ack.unknown) && ack.unknown.includes(sessionId) ? 'not-mine' : 'ok';
          else actual[p] = ack.status === 404 ? 'not-found' : `unexpected ack ${JSON.stringify(ack)}`;
        } finally {
          socket.close();
        }
      }
      expect(actual).toEqual(byPrincipal(row.expect, unchecked));
    });

    it('every /terminal event the gateway subscribes to or listens to has a row', () => {
      const terminal = socketGateways(gw.app).get('/terminal');
      expect([...(terminal?.messages ?? [])].sort()).toEqual(TERMINAL_ROWS.map((r) => r.event).sort());
      expect([...(terminal?.domainEvents ?? [])].sort()).toEqual(Object.keys(TERMINAL_INTERNAL_EVENTS).sort());
    });

    it.each(TERMINAL_ROWS.map((row) => [row.event, row] as const))('/terminal %s', async (_event, row) => {
      const actual: Record<string, TerminalExpect | string> = {};
      for (const p of PRINCIPALS) {
        if (unchecked.has(p)) continue;
        let socket: Socket;
        try {
          socket = await connectSocket(gw.url, '/terminal', tokens[p] ?? undefined);
        } catch {
          actual[p] = 'refused';
          continue;
        }
        try {
          const open = { target: 'box', cols: 80, rows: 24 };
          if (row.event !== 'open') await socket.timeout(30_000).emitWithAck('open', open);
          const ack = await socket.timeout(30_000).emitWithAck(row.event, row.payload);
          const error = String(ack.error ?? '');
          const known = (Object.entries(TERMINAL_ERRORS) as [TerminalExpect, RegExp][]).find(([, pattern]) => pattern.test(error));
          actual[p] = ack.ok === true ? 'ok' : (known?.[0] ?? `unexpected ack ${JSON.stringify(ack)}`);
        } finally {
          socket.close();
        }
      }
      expect(actual).toEqual(byPrincipal(row.expect, unchecked));
    });

    it('an admin disables a user with PATCH /api/users/{username} {disabled: true} (v2; until then the disabled column is not checked)', () => {
      expect(disableStatus).toBe(200);
    });

    it('the sockets the disabled user had open are closed when it is disabled', async () => {
      const closed = await Promise.all(disabledSockets.map(({ namespace, closed }) => Promise.race([closed, sleep(10_000).then(() => false)]).then((c) => [namespace, c])));
      expect(Object.fromEntries(closed)).toEqual({ '/live': true, '/sessions': true });
    });

    it('the setup grants the owner the target when grants exist (v2: PUT /api/targets/{name}/grants)', () => {
      expect(grantStatus).toBeGreaterThanOrEqual(200);
      expect(grantStatus).toBeLessThan(300);
    });
  });

  describe('HTTP', () => {
    const callOf = async (row: HttpRow, p: Principal): Promise<HttpCall> =>
      row.call ? row.call(ctx, p) : { path: row.route.slice(row.route.indexOf(' ') + 1) };

    /** The status as the table writes it: '2xx' where the row accepts any success, "no message" on a 4xx without one. */
    const observe = (expected: HttpExpect, res: import('supertest').Response): HttpExpect | string => {
      if (expected === '2xx' && res.status >= 200 && res.status < 300) return '2xx';
      if (res.status >= 400 && res.status < 500) {
        // AWS-shaped answers (POST /) are application/x-amz-json-1.1, which supertest leaves as text.
        const body = res.body && Object.keys(res.body).length > 0 ? res.body : (() => { try { return JSON.parse(res.text); } catch { return undefined; } })();
        const message = [body?.message].flat().join('; ');
        if (!message) return `${res.status} without a message`;
      }
      return res.status;
    };

    it.each(HTTP_ROWS.map((row) => [row.route, row] as const))('%s', async (_route, row) => {
      const method = row.route.slice(0, row.route.indexOf(' '));
      const actual: Record<string, HttpExpect | string> = {};
      const seen: Record<string, boolean | null> = {};
      for (const p of PRINCIPALS) {
        if (unchecked.has(p)) continue;
        const call = await callOf(row, p);
        const res = await api(method, call.path, call.token === undefined ? tokens[p] : call.token, call.body);
        actual[p] = observe(cellOf(row.expect, p), res);
        if (row.sees) seen[p] = res.status === 200 ? row.sees.ids(res.body).includes(row.sees.id(ctx)) : null;
        // The password row changed it: the new one is what later logins need.
        if (row.route === 'POST /api/me/password' && res.status === 204) passwords[p] = `${passwords[p]}-2`;
      }
      if (row.after === 'refresh-tokens') {
        for (const p of PRINCIPALS) if ((p in USER_PRINCIPALS && p !== 'disabled') || p === 'admin') tokens[p] = await login(gw.http, names[p], passwords[p]);
      }
      expect(actual).toEqual(byPrincipal(row.expect, unchecked));
      if (row.sees) expect(seen).toEqual(byPrincipal(row.sees.expect, unchecked));
    });
  });

  describe('socket.io /live', () => {
    const classify = (ack: { ok?: boolean; error?: string }): LiveExpect | string => {
      if (ack?.ok === true) return 'ok';
      const error = String(ack?.error);
      const match = (Object.entries(LIVE_ERRORS) as [LiveExpect, RegExp][]).find(([, pattern]) => pattern.test(error));
      return match ? match[0] : `error: ${error}`;
    };

    const attempt = async (row: LiveRow, p: Principal): Promise<LiveExpect | string> => {
      const sessionId = row.session === 'live' ? ctx.liveSession : await ctx.freshOwnerSession();
      const socket = await liveSocket(p);
      if (!socket) return 'refused';
      const send = (event: string, payload: object) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
      try {
        if (row.prelude === 'attach-view') await send('attach', { sessionId, mode: 'view' });
        if (row.prelude === 'thumbnail') await send('thumbnail-subscribe', { sessionId });
        if (row.prelude.startsWith('attach-best')) {
          const interact = await send('attach', { sessionId, mode: 'interact' });
          if (!interact.ok) await send('attach', { sessionId, mode: 'view' });
        }
        if (row.prelude.endsWith('+take')) await send('control', { sessionId, action: 'take' });
        return classify(await send(row.event, row.payload(sessionId)));
      } finally {
        // Detach before closing: the lock and any pause are released before the next principal.
        if (row.session === 'live') await send('detach', { sessionId }).catch(() => undefined);
        socket.close();
      }
    };

    it.each(LIVE_ROWS.map((row) => [row.label, row] as const))('%s', async (_label, row) => {
      const actual: Record<string, LiveExpect | string> = {};
      for (const p of PRINCIPALS) if (!unchecked.has(p)) actual[p] = await attempt(row, p);
      expect(actual).toEqual(byPrincipal(row.expect, unchecked));
    });

    it('no /live row ended the live session', async () => {
      await expect(api('GET', `/api/sessions/${ctx.liveSession}`, admin())).resolves.toMatchObject({ status: 200 });
    });
  });

  describe('socket.io /sessions', () => {
    const sessionsService = () => gw.app.get(SessionsService);

    /** Causes the row's event for a session of the owner; resolves with the session id the event carries. */
    const trigger = async (row: SessionsRow): Promise<string> => {
      switch (row.event) {
        case 'session.opened':
          return openSession(names.owner);
        case 'session.updated': {
          const id = await openSession(names.owner);
          const view = (await api('GET', `/api/sessions/${id}`, admin()).expect(200)).body as { lastHeartbeat: string };
          if (!(await sessionsService().markDisconnected(id, Date.parse(view.lastHeartbeat)))) throw new Error('could not mark the session Disconnected');
          return id;
        }
        case 'session.ended': {
          const id = await openSession(names.owner);
          await api('POST', `/api/agent/sessions/${id}/end`, tokens.agent, {}).expect(200);
          return id;
        }
        case 'session.viewers': {
          const viewer = track(await connectSocket(gw.url, '/live', admin()));
          const ack = await viewer.timeout(ACK_TIMEOUT_MS).emitWithAck('attach', { sessionId: ctx.liveSession, mode: 'view' });
          if (!ack.ok) throw new Error(`attach for session.viewers: ${JSON.stringify(ack)}`);
          return ctx.liveSession;
        }
        default:
          throw new Error(`no trigger for ${row.event}: add one to the matrix spec`);
      }
    };

    const idOf = (event: string, payload: { id?: string; sessionId?: string }) => (event === 'session.viewers' ? payload.sessionId : payload.id);

    it.each(SESSIONS_ROWS.map((row) => [row.event, row] as const))('%s', async (_event, row) => {
      const listeners = new Map<Principal, { socket: Socket; ids: string[] }>();
      const actual: Record<string, SessionsExpect> = {};
      for (const p of PRINCIPALS) {
        if (unchecked.has(p)) continue;
        try {
          const socket = track(await connectSocket(gw.url, '/sessions', tokens[p] ?? undefined));
          const ids: string[] = [];
          socket.on(row.event, (payload: { id?: string; sessionId?: string }) => ids.push(String(idOf(row.event, payload))));
          listeners.set(p, { socket, ids });
        } catch {
          actual[p] = 'refused';
        }
      }
      const id = await trigger(row);
      const receivers = [...listeners.keys()].filter((p) => cellOf(row.expect, p) === 'receives');
      await eventually(
        `${row.event} reaching ${receivers.join(', ')}`,
        async () => receivers.filter((p) => !listeners.get(p)!.ids.includes(id)),
        (missing) => missing.length === 0,
        10_000,
      ).catch(() => undefined);
      await sleep(SILENCE_MS);
      for (const [p, { socket, ids }] of listeners) {
        actual[p] = ids.includes(id) ? 'receives' : 'silent';
        socket.close();
      }
      expect(actual).toEqual(byPrincipal(row.expect, unchecked));
    });
  });
});
