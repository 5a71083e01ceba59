import { DescribeSessionsCommand, SSMServiceException, paginateDescribeSessions } from '@aws-sdk/client-ssm';
import { AuditService } from '@vigil/audit';
import { SessionsService } from '@vigil/sessions';
import { DATABASE_KINDS } from './support/databases';
import { AccessKey, awsCli, boto3, createAccessKey, sdkClient } from './support/ssm-clients';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';

/**
 * DescribeSessions through the real clients: the Debian AWS CLI v2, boto3 and @aws-sdk/client-ssm,
 * each pointed at the gateway with its endpoint option and signing with a Vigil access key.
 * The data: open and ended sessions of alice and bob with distinct targets, start times and
 * statuses (every filter key has something to tell apart), and 25 ended sessions of carol to page.
 */
const HOUR = 3_600_000;
const ARN = (name: string) => `arn:vigil:iam::vigil:user/${name}`;

describe.each(DATABASE_KINDS)('SSM DescribeSessions on %s', (kind) => {
  let gw: TestGateway;
  let agent: string;
  const keys = {} as Record<'admin' | 'alice' | 'bob' | 'carol', AccessKey>;
  const tokens = {} as Record<'admin' | 'alice' | 'bob' | 'carol', string>;
  /** session ids by name */
  const ids: Record<string, string> = {};
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  const open = async (name: string, over: Record<string, unknown>) => {
    const res = await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload(over));
    if (res.status !== 201) throw new Error(`open ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    ids[name] = res.body.id;
    return res.body.id as string;
  };
  const end = async (id: string, body: Record<string, unknown>) => {
    await gw.http.post(`/api/agent/sessions/${id}/end`).auth(agent, { type: 'bearer' }).send(body).expect(200);
  };
  /** the names of the data set's sessions among `sessions` (carol's pager sessions left out) */
  const named = (sessions: { SessionId?: string }[]) =>
    sessions
      .map((s) => Object.entries(ids).find(([, id]) => id === s.SessionId)?.[0] ?? `unknown:${s.SessionId}`)
      .filter((n) => !n.startsWith('p'))
      .sort();

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    tokens.admin = gw.adminToken;
    for (const name of ['alice', 'bob', 'carol'] as const) tokens[name] = await createUser(gw, name, ['owner']);
    for (const name of ['admin', 'alice', 'bob', 'carol'] as const) keys[name] = await createAccessKey(gw, tokens[name]);
    agent = await createAgent(gw, `ssm-agent-${kind}`);

    await open('a1', { owner: 'alice', type: 'CONSOLE', client: 'srv-a', serviceProvider: 'idp-1', startDate: iso(now - 3 * HOUR) });
    await open('a2', { owner: 'alice', type: 'PAM_SSH', client: 'srv-b', serviceProvider: 'idp-1', startDate: iso(now - 1 * HOUR) });
    await open('b1', { owner: 'bob', type: 'CONSOLE', client: 'srv-a', serviceProvider: 'idp-2', startDate: iso(now - 2 * HOUR) });
    const view = (await gw.http.get(`/api/sessions/${ids.a2}`).auth(gw.adminToken, { type: 'bearer' }).expect(200)).body;
    expect(await gw.app.get(SessionsService).markDisconnected(ids.a2, Date.parse(view.lastHeartbeat))).toBeTruthy();

    await end(await open('h1', { owner: 'alice', client: 'srv-a', startDate: iso(now - 6 * HOUR) }), { endDate: iso(now - 5 * HOUR) });
    await end(await open('h2', { owner: 'alice', client: 'srv-c', startDate: iso(now - 4 * HOUR) }), { endDate: iso(now - 3.5 * HOUR), reason: 'failed' });
    await end(await open('h3', { owner: 'bob', client: 'srv-a', startDate: iso(now - 5 * HOUR) }), { endDate: iso(now - 4 * HOUR) });
    for (let i = 0; i < 25; i++) {
      const id = await open(`p${i}`, { owner: 'carol', client: 'srv-pager', startDate: iso(now - 10 * HOUR + i * 60_000) });
      await end(id, { endDate: iso(now - 9 * HOUR + i * 60_000) });
    }
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  /** Every filter key on both states, as alice (an owner: her sessions only) and as admin (all). */
  const FILTERS: { state: 'Active' | 'History'; key: string; value: () => string; alice: string[]; admin: string[] }[] = [
    { state: 'Active', key: 'InvokedAfter', value: () => iso(now - 2.5 * HOUR), alice: ['a2'], admin: ['a2', 'b1'] },
    { state: 'Active', key: 'InvokedBefore', value: () => iso(now - 1.5 * HOUR), alice: ['a1'], admin: ['a1', 'b1'] },
    { state: 'Active', key: 'Target', value: () => 'srv-a', alice: ['a1'], admin: ['a1', 'b1'] },
    { state: 'Active', key: 'Owner', value: () => ARN('bob'), alice: [], admin: ['b1'] },
    { state: 'Active', key: 'Status', value: () => 'Disconnected', alice: ['a2'], admin: ['a2'] },
    { state: 'Active', key: 'SessionId', value: () => ids.b1, alice: [], admin: ['b1'] },
    { state: 'Active', key: 'AccessType', value: () => 'Standard', alice: ['a1', 'a2'], admin: ['a1', 'a2', 'b1'] },
    { state: 'History', key: 'InvokedAfter', value: () => iso(now - 5.5 * HOUR), alice: ['h2'], admin: ['h2', 'h3'] },
    { state: 'History', key: 'InvokedBefore', value: () => iso(now - 4.5 * HOUR), alice: ['h1'], admin: ['h1', 'h3'] },
    { state: 'History', key: 'Target', value: () => 'srv-c', alice: ['h2'], admin: ['h2'] },
    { state: 'History', key: 'Owner', value: () => 'alice', alice: ['h1', 'h2'], admin: ['h1', 'h2'] },
    { state: 'History', key: 'Status', value: () => 'Failed', alice: ['h2'], admin: ['h2'] },
    { state: 'History', key: 'SessionId', value: () => ids.h3, alice: [], admin: ['h3'] },
    { state: 'History', key: 'AccessType', value: () => 'JustInTime', alice: [], admin: [] },
  ];

  it('the JS SDK: every filter key on Active and History, scoped to the caller, in SSM’s Session shape', async () => {
    const seen: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const who of ['alice', 'admin'] as const) {
      const client = sdkClient(gw, keys[who]);
      for (const f of FILTERS) {
        const out = await client.send(new DescribeSessionsCommand({ State: f.state, MaxResults: 200, Filters: [{ key: f.key as never, value: f.value() }] }));
        seen[`${who} ${f.state} ${f.key}`] = named(out.Sessions ?? []);
        expected[`${who} ${f.state} ${f.key}`] = f[who];
      }
      client.destroy();
    }
    expect(seen).toEqual(expected);

    const client = sdkClient(gw, keys.alice);
    const [active] = (await client.send(new DescribeSessionsCommand({ State: 'Active', Filters: [{ key: 'SessionId', value: ids.a1 }] }))).Sessions!;
    expect(active).toEqual({
      SessionId: ids.a1,
      Target: 'srv-a',
      Status: 'Connected',
      StartDate: new Date(now - 3 * HOUR),
      DocumentName: 'Vigil-CONSOLE',
      Owner: ARN('alice'),
      Details: JSON.stringify({ type: 'CONSOLE', user: 'jdoe', device: '10.0.0.12', accountName: 'root', serviceProvider: 'idp-1' }),
      OutputUrl: {},
      AccessType: 'Standard',
    });
    const [ended] = (await client.send(new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'SessionId', value: ids.h2 }] }))).Sessions!;
    expect(ended).toMatchObject({ Status: 'Failed', EndDate: new Date(now - 3.5 * HOUR), Target: 'srv-c' });
    client.destroy();
  });

  it('the AWS CLI v2: describe-sessions --state Active and History with each filter key', async () => {
    // Each run costs ~1 s of CPU: the whole key-by-key table on SQLite; on PostgreSQL the same
    // SQL is proved by the SDK test above, and two CLI runs prove the CLI reads its answers.
    const table = kind === 'sqlite' ? FILTERS : FILTERS.filter((f) => f.key === 'Target');
    const seen: Record<string, string[] | string> = {};
    const expected: Record<string, string[]> = {};
    for (const f of table) {
      const out = await awsCli(gw, keys.alice, ['describe-sessions', '--state', f.state, '--filters', `key=${f.key},value=${f.value()}`]);
      seen[`${f.state} ${f.key}`] = out.code === 0 ? named(out.json.Sessions) : `exit ${out.code}: ${out.stderr}`;
      expected[`${f.state} ${f.key}`] = f.alice;
    }
    expect(seen).toEqual(expected);
  }, 180_000);

  it('boto3: every filter key on both states, and its paginator over carol’s 25 ended sessions', async () => {
    const cases = FILTERS.map((f) => ({ state: f.state, key: f.key, value: f.value() }));
    const out = await boto3(
      gw,
      keys.alice,
      [
        'seen = [[s["SessionId"] for s in client.describe_sessions(State=c["state"], Filters=[{"key": c["key"], "value": c["value"]}])["Sessions"]] for c in args]',
        'print(json.dumps({"seen": seen}))',
      ].join('\n'),
      cases,
    );
    expect(Object.fromEntries(FILTERS.map((f, i) => [`${f.state} ${f.key}`, named(out.seen[i].map((id: string) => ({ SessionId: id })))]))).toEqual(
      Object.fromEntries(FILTERS.map((f) => [`${f.state} ${f.key}`, f.alice])),
    );

    const paged = await boto3(
      gw,
      keys.carol,
      [
        'pages = list(client.get_paginator("describe_sessions").paginate(State="History", PaginationConfig={"PageSize": 10}))',
        'print(json.dumps({"sizes": [len(p["Sessions"]) for p in pages], "ids": [s["SessionId"] for p in pages for s in p["Sessions"]],',
        '  "tokens": [p.get("NextToken") for p in pages], "first": iso(pages[0]["Sessions"][0])}))',
      ].join('\n'),
    );
    expect(paged.sizes).toEqual([10, 10, 5]);
    expect(new Set(paged.ids).size).toBe(25);
    expect(paged.tokens[2]).toBeNull();
    expect(paged.tokens[0]).not.toEqual(paged.tokens[1]);
    // the newest first; boto3 read the epoch seconds as a datetime
    expect(paged.first).toMatchObject({ SessionId: ids.p24, Status: 'Terminated', Owner: ARN('carol'), StartDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/) });
  }, 120_000);

  it('paging over 3 pages with the CLI: --page-size 9 follows every NextToken; --max-items + --starting-token resume without repeats', async () => {
    const expectedIds = Array.from({ length: 25 }, (_, i) => ids[`p${24 - i}`]);
    // what the CLI asked the server: carol's DescribeSessions calls with MaxResults 9, from the audit trail (boto3 above asked 10)
    const audit = gw.app.get(AuditService);
    const pageCalls = async () => {
      await audit.settle();
      return (await audit.recent(1000)).filter(
        (e) => e.actor === 'user:carol' && e.action === 'ssm.DescribeSessions' && (e.requestParameters as { maxResults?: number } | null)?.maxResults === 9,
      ).length;
    };
    const before = await pageCalls();
    const whole = await awsCli(gw, keys.carol, ['describe-sessions', '--state', 'History', '--page-size', '9']);
    expect(whole.stderr).toBe('');
    expect(whole.json.Sessions.map((s: { SessionId: string }) => s.SessionId)).toEqual(expectedIds);
    expect(whole.json.NextToken).toBeUndefined();
    const deadline = Date.now() + 10_000;
    while ((await pageCalls()) - before < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await pageCalls()) - before).toBe(3);

    const resumed: string[] = [];
    let starting: string | undefined;
    let runs = 0;
    do {
      const out = await awsCli(gw, keys.carol, ['describe-sessions', '--state', 'History', '--max-items', '10', ...(starting ? ['--starting-token', starting] : [])]);
      expect(out.code).toBe(0);
      resumed.push(...out.json.Sessions.map((s: { SessionId: string }) => s.SessionId));
      expect(out.json.NextToken).not.toBe(starting);
      starting = out.json.NextToken;
    } while (starting && ++runs < 5);
    expect(resumed).toEqual(expectedIds);
    expect(runs).toBe(2);
  }, 180_000);

  it('the SDK paginator and raw tokens: reusable, never repeated, omitted on the last page, bound to their query and caller', async () => {
    const client = sdkClient(gw, keys.carol);
    const pages = [];
    for await (const page of paginateDescribeSessions({ client, pageSize: 7 }, { State: 'History' })) pages.push(page);
    expect(pages.map((p) => p.Sessions!.length)).toEqual([7, 7, 7, 4]);
    expect('NextToken' in pages[3] && pages[3].NextToken !== undefined).toBe(false);
    const tokens = pages.slice(0, 3).map((p) => p.NextToken!);
    expect(new Set(tokens).size).toBe(3);

    const again = await client.send(new DescribeSessionsCommand({ State: 'History', MaxResults: 7, NextToken: tokens[0] }));
    expect(again.Sessions!.map((s) => s.SessionId)).toEqual(pages[1].Sessions!.map((s) => s.SessionId));
    expect(again.NextToken).toBe(tokens[1]);

    const refused = async (c: typeof client, input: ConstructorParameters<typeof DescribeSessionsCommand>[0]) =>
      c.send(new DescribeSessionsCommand(input)).then(
        () => 'accepted',
        (e: SSMServiceException) => `${e.name} ${e.$metadata.httpStatusCode}`,
      );
    const forged = `${tokens[0].slice(0, -2)}${tokens[0].endsWith('AA') ? 'BB' : 'AA'}`;
    expect({
      truncated: await refused(client, { State: 'History', NextToken: tokens[0].slice(0, 20) }),
      forged: await refused(client, { State: 'History', NextToken: forged }),
      'another state': await refused(client, { State: 'Active', NextToken: tokens[0] }),
      'another filter': await refused(client, { State: 'History', NextToken: tokens[0], Filters: [{ key: 'Target', value: 'srv-pager' }] }),
      'another caller': await refused(sdkClient(gw, keys.alice), { State: 'History', NextToken: tokens[0] }),
    }).toEqual({
      truncated: 'InvalidNextToken 400',
      forged: 'InvalidNextToken 400',
      'another state': 'InvalidNextToken 400',
      'another filter': 'InvalidNextToken 400',
      'another caller': 'InvalidNextToken 400',
    });
    client.destroy();
  });

  it('another owner’s sessions are invisible, by any filter; admins see them', async () => {
    const aliceClient = sdkClient(gw, keys.alice);
    const all = async (state: 'Active' | 'History', client = aliceClient) => {
      const found: string[] = [];
      for await (const page of paginateDescribeSessions({ client, pageSize: 200 }, { State: state })) found.push(...page.Sessions!.map((s) => s.SessionId!));
      return found;
    };
    expect(named((await all('Active')).map((SessionId) => ({ SessionId })))).toEqual(['a1', 'a2']);
    expect(named((await all('History')).map((SessionId) => ({ SessionId })))).toEqual(['h1', 'h2']);
    for (const [state, id] of [
      ['Active', ids.b1],
      ['History', ids.h3],
    ] as const) {
      const out = await aliceClient.send(new DescribeSessionsCommand({ State: state, Filters: [{ key: 'SessionId', value: id }] }));
      expect(out.Sessions).toEqual([]);
    }
    const adminClient = sdkClient(gw, keys.admin);
    expect(named((await all('Active', adminClient)).map((SessionId) => ({ SessionId })))).toEqual(['a1', 'a2', 'b1']);
    aliceClient.destroy();
    adminClient.destroy();
  });
});
