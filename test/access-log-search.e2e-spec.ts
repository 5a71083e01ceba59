/**
 * Access-log search (issue 11, friction): prefix/contains on user and target with the user's text
 * taken literally, the free text reaching why a session ended, the total count, "has recording",
 * From/To as "active during", and the page's column choice, on SQLite and PostgreSQL. An owner's
 * search and count never include another owner's rows.
 */
import { DataSource } from 'typeorm';
import { AccessLogService } from '@vigil/access-log';
import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

interface Entry {
  id: string;
  user: string;
  owner: string;
  client: string;
  serviceProvider: string | null;
  endMessage: string | null;
  recordingStatus: string | null;
}
interface Page {
  items: Entry[];
  nextToken?: string;
  total: { count: number; exact: boolean };
}

const HOUR = 3600_000;

describe.each(DATABASE_KINDS)('access-log search on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;
  let alice: string;
  let bob: string;
  const ids: Record<string, string> = {};
  const base = Date.now() - 48 * HOUR;

  /** An ended session; `hours` are [start, end] after `base`. */
  const ended = async (key: string, overrides: Record<string, unknown>, [start, end]: [number, number], terminate?: string) => {
    const opened = await gw.http
      .post('/api/agent/sessions')
      .auth(agent, { type: 'bearer' })
      .send(sessionPayload({ externalId: `search-${key}`, startDate: new Date(base + start * HOUR).toISOString(), ...overrides }))
      .expect(201);
    if (terminate) {
      await gw.http.post(`/api/sessions/${opened.body.id}/terminate`).auth(gw.adminToken, { type: 'bearer' }).send({ reason: terminate }).expect(202);
    } else {
      await gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(agent, { type: 'bearer' }).send({ endDate: new Date(base + end * HOUR).toISOString() }).expect(200);
    }
    ids[key] = opened.body.id as string;
  };

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    agent = await createAgent(gw);
    alice = await createUser(gw, 'alice');
    bob = await createUser(gw, 'bob');
    await ended('alice1', { user: 'alice', owner: 'alice', client: 'db-01', serviceProvider: null }, [0, 1]);
    await ended('Alina', { user: 'Alina', owner: 'alice', client: 'web-01', serviceProvider: null }, [2, 3]);
    await ended('malik', { user: 'malik', owner: 'alice', client: 'xdb-01', serviceProvider: null }, [4, 5]);
    await ended('percent', { user: 'al%ce', owner: 'alice', client: 'db_x', serviceProvider: null }, [6, 7]);
    // bob's: a user alice's prefix would match, on a target hers would too
    await ended('bobAli', { user: 'alister', owner: 'bob', client: 'db-02', serviceProvider: null }, [8, 9]);
    await ended('jump', { user: 'alice', owner: 'alice', type: 'PAM_SSH', client: 'jump-vm', serviceProvider: 'DB-Prod' }, [10, 11]);
    // a long one, started before the window below and ended after it
    await ended('long', { user: 'carol', owner: 'alice', client: 'ops-01', serviceProvider: null }, [12, 30]);
    await ended('terminated', { user: 'dave', owner: 'bob', type: 'CONSOLE', client: 'srv-9', serviceProvider: null }, [40, 41], 'ticket INC-4711 closed');
    await gw.app.get(AccessLogService).attachRecording(ids.Alina, '2025/01/01/alina.cast', 'a'.repeat(64));
    await gw.app.get(AccessLogService).attachRecording(ids.bobAli, '2025/01/01/bob.cast', 'b'.repeat(64));
  }, 120_000);
  afterAll(() => gw.close());

  const search = async (query: string, token = gw.adminToken): Promise<Page> =>
    (await gw.http.get(`/api/access-logs?limit=1000&${query}`).auth(token, { type: 'bearer' }).expect(200)).body as Page;
  const keysOf = (page: Page) => page.items.map((e) => Object.keys(ids).find((k) => ids[k] === e.id)).sort();

  it('user prefix is case-insensitive and anchored; exact stays exact', async () => {
    const page = await search('user=ALI&userMatch=prefix');
    expect(keysOf(page)).toEqual(['Alina', 'alice1', 'bobAli', 'jump']);
    expect(page.total).toEqual({ count: 4, exact: true });
    expect(keysOf(await search('user=alice'))).toEqual(['alice1', 'jump']);
    expect(keysOf(await search('user=li&userMatch=contains'))).toEqual(['Alina', 'alice1', 'bobAli', 'jump', 'malik']);
  });

  it("takes an attacker's % and _ literally: they match only themselves", async () => {
    for (const mode of ['prefix', 'contains']) {
      const all = await search(`user=%25&userMatch=${mode}`);
      expect({ mode, found: keysOf(all) }).toEqual({ mode, found: mode === 'prefix' ? [] : ['percent'] });
      expect(keysOf(await search(`user=al%25&userMatch=${mode}`))).toEqual(['percent']);
      expect(keysOf(await search(`user=_&userMatch=${mode}`))).toEqual([]);
      expect(keysOf(await search(`target=db_&targetMatch=${mode}`))).toEqual(['percent']);
    }
    expect((await search('q=%25')).total).toEqual({ count: 1, exact: true });
  });

  it('target matches the client or the service provider (a jump session\'s target)', async () => {
    expect(keysOf(await search('target=db-&targetMatch=prefix'))).toEqual(['alice1', 'bobAli', 'jump']);
    expect(keysOf(await search('target=db-0&targetMatch=contains'))).toEqual(['alice1', 'bobAli', 'malik']);
    expect(keysOf(await search('target=DB-Prod'))).toEqual(['jump']);
  });

  it('the free text covers why a session ended: its reason, who ended it and the message', async () => {
    expect(keysOf(await search('q=inc-4711'))).toEqual(['terminated']);
    expect(keysOf(await search('q=terminated'))).toEqual(['terminated']);
    const [entry] = (await search('q=inc-4711')).items;
    expect(entry.endMessage).toBe('ticket INC-4711 closed');
  });

  it("an owner's search and count hold only their rows, whatever they ask", async () => {
    const mine = await search('user=ali&userMatch=prefix', alice);
    expect(keysOf(mine)).toEqual(['Alina', 'alice1', 'jump']);
    expect(mine.total).toEqual({ count: 3, exact: true });
    const all = await search('', alice);
    expect(all.items.every((e) => e.owner === 'alice')).toBe(true);
    expect(all.total).toEqual({ count: 6, exact: true });
    expect((await search('', bob)).total).toEqual({ count: 2, exact: true });
    // bob's terminated session is invisible to alice, by message and by the count
    expect(await search('q=inc-4711', alice)).toEqual({ items: [], total: { count: 0, exact: true } });
    expect((await search('owner=bob', alice)).total.count).toBe(0);
    expect((await search('hasRecording=true', alice)).items.map((e) => e.id)).toEqual([ids.Alina]);
  });

  it('the total counts every page, not just this one, and is bounded', async () => {
    const first = (await gw.http.get('/api/access-logs?limit=2').auth(gw.adminToken, { type: 'bearer' }).expect(200)).body as Page;
    expect(first.items).toHaveLength(2);
    expect(first.total).toEqual({ count: 8, exact: true });
    const second = (await gw.http.get(`/api/access-logs?limit=2&nextToken=${encodeURIComponent(first.nextToken!)}`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body as Page;
    expect(second.total).toEqual(first.total);
    // past the cap the count says "more than cap", having read no more than cap + 1 rows
    const service = gw.app.get(AccessLogService);
    await expect(service.count({ ownerScope: null }, 5)).resolves.toEqual({ count: 5, exact: false });
    await expect(service.count({ ownerScope: null }, 8)).resolves.toEqual({ count: 8, exact: true });
    await expect(service.count({ ownerScope: 'bob' }, 1)).resolves.toEqual({ count: 1, exact: false });
  });

  it('"with recording only" keeps the entries that have one; the Recording column says which', async () => {
    const page = await search('hasRecording=true');
    expect(keysOf(page)).toEqual(['Alina', 'bobAli']);
    expect(page.items.every((e) => e.recordingStatus === 'complete')).toBe(true);
    const csv = await gw.http.get('/api/access-logs?format=csv&columns=id,recording&user=a&userMatch=prefix').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Session ID,Recording');
    expect(lines).toContain(`${ids.Alina},complete`);
    expect(lines).toContain(`${ids.alice1},none`);
    await gw.http.get('/api/access-logs?hasRecording=yes').auth(gw.adminToken, { type: 'bearer' }).expect(400);
    await gw.http.get('/api/access-logs?userMatch=regex&user=a').auth(gw.adminToken, { type: 'bearer' }).expect(400);
  });

  it('From/To mean "active during": a session that started before From and ended after To is included', async () => {
    const from = new Date(base + 14 * HOUR).toISOString();
    const to = new Date(base + 16 * HOUR).toISOString();
    expect(keysOf(await search(`from=${from}&to=${to}`))).toEqual(['long']);
    // and one that only touches the window's start or its end
    expect(keysOf(await search(`from=${new Date(base + 30 * HOUR).toISOString()}&to=${new Date(base + 35 * HOUR).toISOString()}`))).toEqual(['long']);
    expect(keysOf(await search(`from=${new Date(base + 5 * HOUR).toISOString()}&to=${new Date(base + 6 * HOUR).toISOString()}`))).toEqual(['malik', 'percent']);
  });

  it('the CSV of a search has the session id, target, duration with its unit and the end message', async () => {
    const csv = await gw.http.get('/api/access-logs?format=csv&columns=id,target,duration,endMessage&q=inc-4711').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Session ID,Target,Duration (s),End message');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${ids.terminated},srv-9,\\d+,ticket INC-4711 closed$`));
    const jump = await gw.http.get('/api/access-logs?format=csv&columns=target&user=alice').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(jump.text.trimEnd().split('\r\n').slice(1).sort()).toEqual(['DB-Prod', 'db-01']);
  });

  it('a prefix search can use the LOWER(column) index', async () => {
    const ds = gw.app.get(DataSource);
    if (kind === 'postgres') {
      const runner = ds.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query('SET LOCAL enable_seqscan = off');
        const plan = (await runner.query("EXPLAIN SELECT id FROM access_log WHERE LOWER(user_name) LIKE $1", ['ali%'])) as { 'QUERY PLAN': string }[];
        expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('ix_access_log_user_prefix');
        await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    } else {
      const plan = (await ds.query(
        "EXPLAIN QUERY PLAN SELECT id FROM access_log WHERE LOWER(user_name) >= ? AND LOWER(user_name) < ? AND LOWER(user_name) LIKE ? ESCAPE '\\'",
        ['ali', 'ali\u{10FFFF}', 'ali%'],
      )) as { detail: string }[];
      expect(plan.map((r) => r.detail).join('\n')).toContain('USING INDEX ix_access_log_user_prefix');
    }
  });

  describe('column choice (GET/PUT /api/me/access-log-columns)', () => {
    const get = (token: string) => gw.http.get('/api/me/access-log-columns').auth(token, { type: 'bearer' }).expect(200);

    it('starts at the defaults, is saved per user and audited', async () => {
      const initial = await get(alice);
      expect(initial.body.columns).toEqual(initial.body.defaults);
      expect(initial.body.columns).toEqual(expect.arrayContaining(['recording', 'user', 'duration']));
      expect(initial.body.available.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['id', 'target', 'endMessage', 'recording']));
      await gw.http.put('/api/me/access-log-columns').auth(alice, { type: 'bearer' }).send({ columns: ['user', 'recording', 'id'] }).expect(200);
      expect((await get(alice)).body.columns).toEqual(['user', 'recording', 'id']);
      expect((await get(bob)).body.columns).toEqual(initial.body.defaults);
      const audit = await gw.http.get('/api/audit?limit=50').auth(gw.adminToken, { type: 'bearer' }).expect(200);
      const record = (audit.body.items as { action: string; userIdentity: { userName: string }; requestParameters: unknown }[]).find((r) => r.action === 'access-log-columns.update');
      expect(record).toMatchObject({ userIdentity: { userName: 'alice' }, requestParameters: { columns: ['user', 'recording', 'id'] } });
    });

    it('refuses unknown, repeated or no columns, keeping the saved ones', async () => {
      for (const columns of [['user', 'salary'], [], ['user', 'user'], 'user']) {
        await gw.http.put('/api/me/access-log-columns').auth(bob, { type: 'bearer' }).send({ columns }).expect(400);
      }
      await gw.http.put('/api/me/access-log-columns').auth(bob, { type: 'bearer' }).send({ columns: ['owner'] }).expect(200);
      await gw.http.put('/api/me/access-log-columns').auth(bob, { type: 'bearer' }).send({ columns: ['owner', 'bogus'] }).expect(400);
      expect((await get(bob)).body.columns).toEqual(['owner']);
      await gw.http.get('/api/me/access-log-columns').expect(401);
    });

    it("goes with its user: deleting the user deletes their choice", async () => {
      const carl = await createUser(gw, 'carl');
      await gw.http.put('/api/me/access-log-columns').auth(carl, { type: 'bearer' }).send({ columns: ['type'] }).expect(200);
      await gw.http.delete('/api/users/carl').auth(gw.adminToken, { type: 'bearer' }).expect((r) => expect([200, 204]).toContain(r.status));
      const rows = (await gw.app.get(DataSource).query('SELECT COUNT(*) AS n FROM access_log_columns')) as { n: string | number }[];
      expect(Number(rows[0].n)).toBe(2);
    });
  });
});
