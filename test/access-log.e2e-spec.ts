import { DATABASE_KINDS } from './support/databases';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

interface Entry {
  id: string;
  user: string;
  owner: string;
  type: string;
  client: string;
  startDate: string;
  endDate: string;
}

describe.each(DATABASE_KINDS)('access log on %s', (kind) => {
  let gw: TestGateway;
  let alice: string;
  let agent: string;
  const ended: Entry[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    agent = await createAgent(gw);
    alice = await createUser(gw, 'alice');
    const base = Date.now() - 30 * 3600_000;
    // 30 sessions, one per hour: users u0..u2, owners alice/bob, types rotating, clients c0..c4
    for (let i = 0; i < 30; i++) {
      const start = new Date(base + i * 3600_000).toISOString();
      const end = new Date(base + i * 3600_000 + 1800_000).toISOString();
      const opened = await gw.http
        .post('/api/agent/sessions')
        .auth(agent, { type: 'bearer' })
        .send(
          sessionPayload({
            externalId: `hist-${i}`,
            user: `u${i % 3}`,
            owner: i % 2 === 0 ? 'alice' : 'bob',
            type: ['PAM_SSH', 'WebSSO', 'CONSOLE'][i % 3],
            client: `c${i % 5}`,
            accountName: i === 17 ? 'Oracle_DBA' : 'root',
            startDate: start,
          }),
        )
        .expect(201);
      const res = await gw.http.post(`/api/agent/sessions/${opened.body.id}/end`).auth(agent, { type: 'bearer' }).send({ endDate: end }).expect(200);
      ended.push(res.body);
    }
  });
  afterAll(() => gw.close());

  const search = (query: string, token = gw.adminToken) => gw.http.get(`/api/access-logs${query}`).auth(token, { type: 'bearer' }).expect(200);

  it('pages newest first with opaque tokens, no gaps or repeats, and the last page has no token', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await search(`?limit=7${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
      seen.push(...res.body.items.map((e: Entry) => e.id));
      token = res.body.nextToken;
      pages++;
    } while (token);
    expect(pages).toBe(5);
    expect(seen).toEqual([...ended].reverse().map((e) => e.id));
  });

  it('a page token stays valid while new entries arrive', async () => {
    const first = await search('?limit=5');
    const late = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner: 'zed' })).expect(201);
    await gw.http.post(`/api/agent/sessions/${late.body.id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    const again = await search(`?limit=5&nextToken=${encodeURIComponent(first.body.nextToken)}`);
    expect(again.body.items.map((e: Entry) => e.id)).toEqual([...ended].reverse().slice(5, 10).map((e) => e.id));
  });

  it.each([
    ['user', '?user=u1', (e: Entry) => e.user === 'u1'],
    ['owner', '?owner=bob', (e: Entry) => e.owner === 'bob'],
    ['type', '?type=WebSSO', (e: Entry) => e.type === 'WebSSO'],
    ['target', '?target=c3', (e: Entry) => e.client === 'c3'],
    ['combined', '?user=u0&type=PAM_SSH&owner=alice', (e: Entry) => e.user === 'u0' && e.type === 'PAM_SSH' && e.owner === 'alice'],
  ])('filters by %s', async (_name, query, predicate) => {
    const res = await search(`${query}&limit=1000`);
    const expected = ended.filter(predicate).map((e) => e.id).reverse();
    expect(expected.length).toBeGreaterThan(0);
    expect(res.body.items.map((e: Entry) => e.id)).toEqual(expected);
  });

  it('filters by time range: sessions active at some point within [from, to]', async () => {
    const from = ended[10].endDate; // touches session 10's last instant
    const to = ended[12].startDate;
    const res = await search(`?from=${from}&to=${to}`);
    expect(res.body.items.map((e: Entry) => e.id)).toEqual([ended[12].id, ended[11].id, ended[10].id]);
  });

  it('free text is case-insensitive, matches any attribute and treats wildcards literally', async () => {
    const res = await search('?q=oracle_d');
    expect(res.body.items).toHaveLength(1);
    await search('?q=%25').then((r) => expect(r.body.items).toEqual([]));
    await search('?q=_').then((r) => expect(r.body.items.map((e: Entry) => e.id)).toEqual([ended[17].id]));
  });

  it('an owner sees only their own entries, whatever filter they pass', async () => {
    const mine = await search('?limit=1000', alice);
    expect(mine.body.items).toHaveLength(15);
    expect(mine.body.items.every((e: Entry) => e.owner === 'alice')).toBe(true);
    await search('?owner=bob', alice).then((r) => expect(r.body.items).toEqual([]));
    await gw.http.get(`/api/access-logs/${ended[1].id}`).auth(alice, { type: 'bearer' }).expect(404);
    await gw.http.get(`/api/access-logs/${ended[0].id}`).auth(alice, { type: 'bearer' }).expect(200);
  });

  it('exports every matching entry as CSV, beyond one page', async () => {
    const csv = await gw.http.get('/api/access-logs?format=csv&type=CONSOLE&columns=user,type,client').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('User,Type,Client');
    expect(lines.slice(1)).toEqual(ended.filter((e) => e.type === 'CONSOLE').reverse().map((e) => `${e.user},CONSOLE,${e.client}`));
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="access-logs.csv"/);
  });
  it('a long session is found by a window that only touches its start', async () => {
    const startedAt = Date.now() - 60 * 3600_000;
    const long = await gw.http
      .post('/api/agent/sessions')
      .auth(agent, { type: 'bearer' })
      .send(sessionPayload({ owner: 'zed', externalId: 'long-one', startDate: new Date(startedAt).toISOString() }))
      .expect(201);
    await gw.http.post(`/api/agent/sessions/${long.body.id}/end`).auth(agent, { type: 'bearer' }).send({}).expect(200);
    const window = `from=${new Date(startedAt - 3600_000).toISOString()}&to=${new Date(startedAt + 60_000).toISOString()}`;
    const res = await search(`?${window}&owner=zed`);
    expect(res.body.items.map((e: Entry) => e.id)).toEqual([long.body.id]);
  });
});
