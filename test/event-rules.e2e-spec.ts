import { DataSource } from 'typeorm';
import { AuditService } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { SmtpReceiver, WebhookReceiver } from './support/event-receivers';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const PUBLIC_URL = 'https://vigil.example.com';
const MAX_ATTEMPTS = 6;

interface Envelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, any>;
}

/** What an envelope is, in one word a test can compare: `StartSession`, `started`, ... */
const kindOf = (e: Envelope) => (e['detail-type'] === 'Vigil Session State Change' ? String(e.detail.state) : String(e.detail.eventName));

/** Every envelope of the sessions of `user`: its API calls (request or response names the user) and its state changes. */
const sessionsOf = (user: string) => ({
  $or: [{ detail: { requestParameters: { user: [user] } } }, { detail: { responseElements: { user: [user] } } }, { 'detail-type': ['Vigil Session State Change'], detail: { user: [user] } }],
});

/**
 * Event rules end to end with real receivers on loopback (node http servers, a real SMTP server):
 * validation, secrets, signatures, ordering through retries, dead letters and redrive, Slack and
 * email text, metrics.
 */
describe.each(DATABASE_KINDS)('event rules on %s', (kind) => {
  let gw: TestGateway;
  let smtp: SmtpReceiver;
  let agentToken: string;
  const receivers: WebhookReceiver[] = [];
  const admin = () => ({ type: 'bearer' as const });

  const receiver = async (respond?: ConstructorParameters<typeof WebhookReceiver>[0]) => {
    const r = await WebhookReceiver.start(respond);
    receivers.push(r);
    return r;
  };
  const createRule = async (body: Record<string, unknown>) => (await gw.http.post('/api/event-rules').auth(gw.adminToken, admin()).send(body).expect(201)).body;
  const openSession = async (user: string, extra: Record<string, unknown> = {}) =>
    (await gw.http.post('/api/agent/sessions').auth(agentToken, admin()).send(sessionPayload({ user, ...extra })).expect(201)).body.id as string;
  const endSession = (id: string) => gw.http.post(`/api/agent/sessions/${id}/end`).auth(agentToken, admin()).send({}).expect(200);
  const deliveries = async (query: string) => (await gw.http.get(`/api/event-deliveries?${query}`).auth(gw.adminToken, admin()).expect(200)).body.items as any[];

  beforeAll(async () => {
    smtp = await SmtpReceiver.start();
    gw = await startTestGateway(kind, {
      VIGIL_EVENTS_POLL_MS: '100',
      VIGIL_EVENTS_RETRY_BASE_MS: '50',
      VIGIL_EVENTS_RETRY_MAX_MS: '200',
      VIGIL_EVENTS_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      VIGIL_EVENTS_REQUEST_TIMEOUT_MS: '1500',
      VIGIL_SMTP_URL: smtp.url,
      VIGIL_SMTP_FROM: 'vigil@example.com',
      VIGIL_PUBLIC_URL: PUBLIC_URL,
    });
    agentToken = await createAgent(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all(receivers.map((r) => r.stop()));
    await smtp?.stop();
  });

  it('answers bad rule input with 400 naming the field, a name in use with 409, non-admins with 403', async () => {
    const ok = await receiver();
    const base = { name: 'validation-base', eventPattern: { source: ['vigil'] }, targets: [{ type: 'webhook', url: ok.url }] };
    await createRule(base);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['invalid name', { ...base, name: 'bad name!' }, /^name: /],
      ['missing pattern', { ...base, name: 'v1', eventPattern: undefined }, /^eventPattern: is required/],
      ['invalid operator', { ...base, name: 'v2', eventPattern: { detail: { eventName: [{ prefix: 7 }] } } }, /^eventPattern\.detail\.eventName\[0\]/],
      ['unknown operator', { ...base, name: 'v3', eventPattern: { source: [{ 'no-such-op': 'x' }] } }, /^eventPattern\.source\[0\]/],
      ['empty match list', { ...base, name: 'v4', eventPattern: { source: [] } }, /^eventPattern\.source/],
      ['non-HTTP(S) target', { ...base, name: 'v5', targets: [{ type: 'webhook', url: 'ftp://127.0.0.1/x' }] }, /^targets\[0\]\.url: must be http\(s\)/],
      ['credentials in the URL', { ...base, name: 'v6', targets: [{ type: 'webhook', url: 'http://user:pw@127.0.0.1/x' }] }, /^targets\[0\]\.url: must not carry credentials/],
      ['unresolvable host', { ...base, name: 'v7', targets: [{ type: 'webhook', url: ok.url }, { type: 'slack', url: 'https://no-such-host.invalid/hook' }] }, /^targets\[1\]\.url: host "no-such-host\.invalid" does not resolve/],
      ['bad email address', { ...base, name: 'v8', targets: [{ type: 'email', to: ['ops@example.com', 'nobody'] }] }, /^targets\[0\]\.to\[1\]: is not an email address/],
      ['oversize template', { ...base, name: 'v9', targets: [{ type: 'webhook', url: ok.url, inputTransformer: { inputTemplate: 'x'.repeat(9000) } }] }, /^targets\[0\]\.inputTransformer\.inputTemplate/],
      ['six targets', { ...base, name: 'v10', targets: Array(6).fill(base.targets[0]) }, /^targets: at most 5/],
      ['unknown target type', { ...base, name: 'v11', targets: [{ type: 'sns', url: ok.url }] }, /^targets\[0\]\.type: /],
      ['unknown field', { ...base, name: 'v12', priority: 1 }, /^priority: unknown field/],
      ['short secret', { ...base, name: 'v13', targets: [{ type: 'webhook', url: ok.url, secret: 'abc' }] }, /^targets\[0\]\.secret: /],
    ];
    for (const [what, body, message] of cases) {
      const res = await gw.http.post('/api/event-rules').auth(gw.adminToken, admin()).send(body);
      expect([what, res.status, res.body.message]).toEqual([what, 400, expect.stringMatching(message)]);
    }
    const clash = await gw.http.post('/api/event-rules').auth(gw.adminToken, admin()).send({ ...base, name: 'VALIDATION-base' });
    expect([clash.status, clash.body.message]).toEqual([409, expect.stringMatching(/^name: /)]);
    const auditor = await createUser(gw, 'rules-auditor', ['auditor']);
    await gw.http.post('/api/event-rules').auth(auditor, admin()).send({ ...base, name: 'v20' }).expect(403);
    await gw.http.get('/api/event-rules').auth(auditor, admin()).expect(403);
    await gw.http.get('/api/event-deliveries').auth(auditor, admin()).expect(403);
    await gw.http.get('/api/event-rules').expect(401);
    // refused inputs stored nothing
    const names = (await gw.http.get('/api/event-rules').auth(gw.adminToken, admin()).expect(200)).body.map((r: { name: string }) => r.name);
    expect(names).toEqual(['validation-base']);
  });

  it('shows a webhook secret once, stores it encrypted, keeps it out of the audit trail, and signs with it', async () => {
    const hook = await receiver();
    const rule = await createRule({ name: 'signed', eventPattern: { 'detail-type': ['Vigil Session State Change'], detail: { user: ['signer'] } }, targets: [{ type: 'webhook', url: hook.url }] });
    const targetId: string = rule.targets[0].id;
    const secret: string = rule.secrets[targetId];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(rule.targets[0]).toEqual({ id: targetId, type: 'webhook', url: hook.url, hasSecret: true });
    const again = (await gw.http.get(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).expect(200)).body;
    expect(again.secrets).toBeUndefined();
    expect(JSON.stringify(again)).not.toContain(secret);
    const [row] = await gw.app.get(DataSource).query(kind === 'postgres' ? 'SELECT targets FROM event_rules WHERE id = $1' : 'SELECT targets FROM event_rules WHERE id = ?', [rule.id]);
    expect(row.targets).not.toContain(secret);
    expect(row.targets).toMatch(/"secretEnc":"v1:/);
    const audit = (await gw.http.get('/api/audit?eventName=PutRule').auth(gw.adminToken, admin()).expect(200)).body.items;
    const record = audit.find((r: any) => r.requestParameters?.ruleId === rule.id);
    expect(record).toMatchObject({ eventSource: 'vigil.events', userIdentity: { userName: 'admin' }, requestParameters: { name: 'signed' } });
    expect(JSON.stringify(audit)).not.toContain(secret);
    // a Slack webhook URL is a credential too: the trail keeps its origin only
    const slack = await createRule({ name: 'slack-url', eventPattern: { source: ['nothing'] }, targets: [{ type: 'slack', url: `${hook.url}/T000/B000/XXXXsecretXXXX?token=abc` }] });
    const slackRecord = (await gw.http.get('/api/audit?eventName=PutRule').auth(gw.adminToken, admin()).expect(200)).body.items.find((r: any) => r.requestParameters?.ruleId === slack.id);
    expect(slackRecord.requestParameters.targets[0].url).toBe(`${new URL(hook.url).origin}/…`);
    expect(JSON.stringify(slackRecord)).not.toContain('XXXXsecretXXXX');

    const id = await openSession('signer');
    await eventually(async () => hook.accepted.length, (n) => n === 1);
    const [request] = hook.accepted;
    const envelope = JSON.parse(request.body) as Envelope;
    expect(envelope).toMatchObject({ version: '0', 'detail-type': 'Vigil Session State Change', source: 'vigil', account: '000000000000', region: 'vigil', detail: { sessionId: id, state: 'started', user: 'signer', type: 'PAM_SSH' } });
    expect(request.headers['x-vigil-event-id']).toBe(envelope.id);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(WebhookReceiver.signatureValid(request, secret)).toBe(true);
    // an attacker's forgeries do not verify
    expect(WebhookReceiver.signatureValid({ ...request, body: request.body.replace('signer', 'signex') }, secret)).toBe(false);
    expect(WebhookReceiver.signatureValid(request, 'x'.repeat(43))).toBe(false);

    // rotate: the new secret signs, the old one no longer does
    const rotated = (await gw.http.post(`/api/event-rules/${rule.id}/rotate-secret`).auth(gw.adminToken, admin()).send({}).expect(200)).body;
    const newSecret: string = rotated.secrets[targetId];
    expect(newSecret).not.toBe(secret);
    await endSession(id);
    await eventually(async () => hook.accepted.length, (n) => n === 2);
    expect(WebhookReceiver.signatureValid(hook.accepted[1], newSecret)).toBe(true);
    expect(WebhookReceiver.signatureValid(hook.accepted[1], secret)).toBe(false);
    expect(JSON.parse(hook.accepted[1].body).detail).toMatchObject({ sessionId: id, state: 'ended' });

    // PATCH with the target's id keeps the secret (and reports none)
    const patched = (await gw.http.patch(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).send({ description: 'kept', targets: [{ id: targetId, type: 'webhook', url: hook.url }] }).expect(200)).body;
    expect(patched.secrets).toBeUndefined();
    expect(patched.targets[0]).toMatchObject({ id: targetId, hasSecret: true });
    const bad = await gw.http.patch(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).send({ targets: [{ id: '0193a8c2-0000-7000-8000-000000000000', type: 'webhook', url: hook.url }] });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringMatching(/^targets\[0\]\.id: /)]);
  });

  it('delivers every event of a session in order to a receiver that fails each one 3 times first', async () => {
    const failures = new Map<string, number>();
    const flaky = await receiver((request) => {
      const id = JSON.parse(request.body).id as string;
      const seen = failures.get(id) ?? 0;
      failures.set(id, seen + 1);
      return seen < 3 ? 500 : 200;
    });
    const rule = await createRule({ name: 'flaky', eventPattern: sessionsOf('flaky-user'), targets: [{ type: 'webhook', url: flaky.url }] });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await openSession('flaky-user'));
    for (const id of ids) await endSession(id);
    await eventually(async () => flaky.accepted.length, (n) => n === 12, 30_000);
    const accepted = flaky.acceptedBodies<Envelope>();
    expect(new Set(accepted.map((e) => e.id)).size).toBe(12);
    for (const id of ids) {
      const mine = accepted.filter((e) => e.detail.sessionId === id || e.detail.requestParameters?.sessionId === id || e.detail.responseElements?.sessionId === id);
      expect(mine.map(kindOf)).toEqual(['StartSession', 'started', 'EndSession', 'ended']);
      // order held through the retries: no request for an event before the previous one was accepted
      const requests = flaky.requests.filter((r) => mine.some((e) => e.id === JSON.parse(r.body).id)).map((r) => ({ id: JSON.parse(r.body).id as string, status: r.status }));
      const order = mine.map((e) => e.id);
      let position = 0;
      for (const r of requests) {
        expect(r.id).toBe(order[position]);
        if (r.status === 200) position++;
      }
      expect(position).toBe(4);
    }
    // the receiver's 200 is recorded by the worker's next pass
    const log = await eventually(() => deliveries(`ruleId=${rule.id}&status=delivered`), (items) => items.length === 12);
    expect(log).toHaveLength(12);
    expect(log.every((d) => d.attempts === 4 && d.lastStatusCode === 200 && d.status === 'delivered')).toBe(true);
    const attempts = (await gw.http.get(`/api/event-deliveries/${log[0].id}/attempts`).auth(gw.adminToken, admin()).expect(200)).body.items;
    expect(attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 200],
    ]);
    expect(attempts.every((a: { latencyMs: number }) => a.latencyMs >= 0)).toBe(true);
  });

  it('puts a delivery that keeps failing on the dead-letter list without blocking the next event; redrive delivers it', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 503));
    const rule = await createRule({ name: 'dead-letters', eventPattern: { 'detail-type': ['Vigil Session State Change'], detail: { user: ['doomed'] } }, targets: [{ type: 'webhook', url: hook.url }] });
    const id = await openSession('doomed');
    const dead = await eventually(() => deliveries(`ruleId=${rule.id}&status=dead`), (items) => items.length === 1, 20_000);
    expect(dead[0]).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, lastStatusCode: 503, detailType: 'Vigil Session State Change' });
    expect(dead[0].lastError).toMatch(/gave up after 6 attempts/);
    expect(hook.requests).toHaveLength(MAX_ATTEMPTS);
    up = true;
    await endSession(id);
    await eventually(async () => hook.accepted.length, (n) => n === 1);
    expect(JSON.parse(hook.accepted[0].body).detail.state).toBe('ended');

    const badRedrive = await gw.http.post('/api/event-deliveries/redrive').auth(gw.adminToken, admin()).send({ ids: ['nope'] });
    expect([badRedrive.status, badRedrive.body.message]).toEqual([400, expect.stringMatching(/^ids\[0\]: /)]);
    const redrive = await gw.http.post('/api/event-deliveries/redrive').auth(gw.adminToken, admin()).send({ ruleId: rule.id }).expect(200);
    expect(redrive.body).toEqual({ redriven: 1 });
    await eventually(async () => hook.accepted.length, (n) => n === 2);
    expect(JSON.parse(hook.accepted[1].body).detail.state).toBe('started');
    expect(await deliveries(`ruleId=${rule.id}&status=dead`)).toHaveLength(0);
    const audit = (await gw.http.get('/api/audit?eventName=RedriveDeliveries').auth(gw.adminToken, admin()).expect(200)).body.items;
    expect(audit[0]).toMatchObject({ requestParameters: { ruleId: rule.id }, responseElements: { redriven: 1 } });

    const page = await gw.http.get(`/api/event-deliveries?ruleId=${rule.id}&limit=1`).auth(gw.adminToken, admin()).expect(200);
    expect(page.body.items).toHaveLength(1);
    const next = await gw.http.get(`/api/event-deliveries?ruleId=${rule.id}&limit=1&nextToken=${page.body.nextToken}`).auth(gw.adminToken, admin()).expect(200);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    for (const [query, field] of [
      ['status=lost', 'status'],
      ['limit=0', 'limit'],
      ['ruleId=x', 'ruleId'],
    ]) {
      const res = await gw.http.get(`/api/event-deliveries?${query}`).auth(gw.adminToken, admin());
      expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(new RegExp(`^${field}: `))]);
    }
  });

  it('sends Slack and email targets readable text with a deep link, and applies input transformers', async () => {
    const slack = await receiver();
    const hook = await receiver();
    await createRule({
      name: 'people',
      eventPattern: { 'detail-type': ['Vigil Session State Change'], detail: { user: ['reader'] } },
      targets: [
        { type: 'slack', url: slack.url },
        { type: 'email', to: ['oncall@example.com', 'audit@example.com'] },
        { type: 'webhook', url: hook.url, inputTransformer: { inputPathsMap: { user: '$.detail.user', state: '$.detail.state' }, inputTemplate: '{"who": <user>, "what": "session <state>", "rule": "<aws.events.rule-name>"}' } },
      ],
    });
    const id = await openSession('reader', { client: 'srv-app-07', serviceProvider: 'app-07', owner: 'alice', device: '10.9.8.7' });
    await eventually(async () => slack.accepted.length + smtp.messages.filter((m) => m.subject.includes('reader')).length + hook.accepted.length, (n) => n === 3);
    const text = JSON.parse(slack.accepted[0].body).text as string;
    expect(text).toBe(`Session started: reader on app-07 (PAM_SSH, owner alice, from 10.9.8.7) <${PUBLIC_URL}/sessions/${id}/live|Open in Vigil>`);
    const mail = smtp.messages.find((m) => m.subject.includes('reader'))!;
    expect(mail.from).toBe('vigil@example.com');
    expect(mail.to.sort()).toEqual(['audit@example.com', 'oncall@example.com']);
    expect(mail.subject).toBe('[Vigil] Session started: reader on app-07 (PAM_SSH, owner alice, from 10.9.8.7)');
    expect(mail.body).toContain(`${PUBLIC_URL}/sessions/${id}/live`);
    expect(mail.raw).toMatch(/^X-Vigil-Event-Id: [0-9a-f-]{36}\r?$/im);
    expect(JSON.parse(hook.accepted[0].body)).toEqual({ who: 'reader', what: 'session started', rule: 'people' });

    await endSession(id);
    await eventually(async () => slack.accepted.length, (n) => n === 2);
    expect(JSON.parse(slack.accepted[1].body).text).toContain(`<${PUBLIC_URL}/access-logs/${id}|Open in Vigil>`);
  });

  it('keeps other targets moving while one receiver answers slowly', async () => {
    // answers after 10 s (the timer unref'd: it must not keep jest alive after the suite)
    const slow = await receiver(() => new Promise<number>((resolve) => setTimeout(() => resolve(200), 10_000).unref()));
    const fast = await receiver();
    const pattern = { 'detail-type': ['Vigil Session State Change'], detail: { user: ['busy'] } };
    await createRule({ name: 'slow', eventPattern: pattern, targets: [{ type: 'webhook', url: slow.url }] });
    await createRule({ name: 'fast', eventPattern: pattern, targets: [{ type: 'webhook', url: fast.url }] });
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, () => openSession('busy')));
    await eventually(async () => fast.accepted.length, (n) => n === 20, 10_000);
    expect(fast.accepted).toHaveLength(20);
    // 20 slow requests, each timed out after 1.5 s, would take ≥ 3 s even with half the slots
    expect(Date.now() - started).toBeLessThan(8_000);
    const slowLog = await eventually(() => deliveries('status=pending'), (items) => items.some((d) => d.lastError?.includes('no answer within 1500 ms')), 10_000);
    expect(slowLog.some((d) => d.lastError?.includes('no answer within 1500 ms'))).toBe(true);
  });

  it('tests a pattern against a given event, the latest real event, and refuses a bad pattern', async () => {
    const event = { version: '0', id: 'x', 'detail-type': 'Vigil Session State Change', source: 'vigil', detail: { state: 'started', user: 'jdoe' } };
    const yes = await gw.http.post('/api/event-rules/test-pattern').auth(gw.adminToken, admin()).send({ eventPattern: { detail: { user: [{ prefix: 'jd' }] } }, event }).expect(200);
    expect(yes.body).toEqual({ match: true, event });
    const no = await gw.http.post('/api/event-rules/test-pattern').auth(gw.adminToken, admin()).send({ eventPattern: { detail: { user: [{ 'anything-but': 'jdoe' }] } }, event }).expect(200);
    expect(no.body.match).toBe(false);
    const id = await openSession('latest-one');
    const real = await gw.http.post('/api/event-rules/test-pattern').auth(gw.adminToken, admin()).send({ eventPattern: { source: ['vigil'], detail: { user: ['latest-one'] } } }).expect(200);
    expect(real.body).toMatchObject({ match: true, event: { 'detail-type': 'Vigil Session State Change', detail: { sessionId: id } } });
    const bad = await gw.http.post('/api/event-rules/test-pattern').auth(gw.adminToken, admin()).send({ eventPattern: { detail: { n: [{ numeric: ['>'] }] } } });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringMatching(/^eventPattern\.detail\.n\[0\]/)]);
  });

  it('counts deliveries in /metrics, and a disabled or deleted rule makes no more deliveries', async () => {
    const hook = await receiver();
    const rule = await createRule({ name: 'toggled', eventPattern: { 'detail-type': ['Vigil Session State Change'], detail: { user: ['toggle'] } }, targets: [{ type: 'webhook', url: hook.url }] });
    // a rule change applies to the records chained after it: settle() chains what is committed
    const settle = () => gw.app.get(AuditService).settle();
    await openSession('toggle');
    await eventually(async () => hook.accepted.length, (n) => n === 1);
    await gw.http.patch(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).send({ enabled: false }).expect(200);
    await openSession('toggle');
    await settle();
    await gw.http.patch(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).send({ enabled: true }).expect(200);
    await openSession('toggle');
    await eventually(async () => hook.accepted.length, (n) => n === 2);
    await settle();
    await gw.http.delete(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).expect(204);
    await gw.http.get(`/api/event-rules/${rule.id}`).auth(gw.adminToken, admin()).expect(404);
    expect(await deliveries(`ruleId=${rule.id}`)).toHaveLength(0);
    await openSession('toggle');
    await sleep(500);
    expect(hook.requests).toHaveLength(2);
    const audit = (await gw.http.get('/api/audit?eventSource=vigil.events').auth(gw.adminToken, admin()).expect(200)).body.items.filter((r: any) => r.requestParameters?.ruleId === rule.id);
    expect(audit.map((r: any) => r.eventName)).toEqual(['DeleteRule', 'UpdateRule', 'UpdateRule', 'PutRule']);

    const metrics = (await gw.http.get('/metrics').expect(200)).text;
    const delivered = Number(/vigil_event_deliveries_total\{status="delivered"\} (\d+)/.exec(metrics)?.[1]);
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/vigil_event_deliveries_total\{status="failed"\} \d+/);
    expect(metrics).toMatch(/vigil_event_deliveries_total\{status="dead"\} \d+/);
    expect(metrics).toMatch(/vigil_event_delivery_latency_seconds_count\{type="webhook"\} \d+/);
    expect(metrics).toMatch(/vigil_event_deliveries_pending \d+/);
  });
});
