import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuditService } from '@vigil/audit';
import { DATABASE_KINDS } from './support/databases';
import { AWS_CLI, AccessKey, SYSTEM_PYTHON, createAccessKey, isolatedAwsEnv, rawSsm } from './support/ssm-clients';
import { run } from './support/sshd';
import { TestGateway, createAgent, createUser, sessionPayload, startTestGateway } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents';
const CLI_REGION = 'us-east-1';

interface LookupEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: number | string;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType: string; ResourceName: string }[];
  CloudTrailEvent: string;
}

interface Cli {
  code: number | null;
  stderr: string;
  json: { Events: LookupEvent[]; NextToken?: string } | null;
}

/** The session ids an event is about. */
const sessionsOf = (events: LookupEvent[]) => events.flatMap((e) => e.Resources.filter((r) => r.ResourceType === 'Session').map((r) => r.ResourceName));
/** Sleeps until just past the next whole second: records before and after are a whole-second time range apart. */
const pastNextSecond = () => sleep(1000 - (Date.now() % 1000) + 150);

/**
 * The CloudTrail LookupEvents-compatible API driven by the real AWS CLI (/usr/bin/aws cloudtrail
 * lookup-events) and boto3: by event name, by user, time range, paging over 3+ pages (manual
 * NextToken, the CLI's and boto3's paginators), the CloudTrailEvent JSON, and as an attacker:
 * a non-admin key, a forged signature, a wrong signing scope, invalid and foreign NextTokens.
 */
describe.each(DATABASE_KINDS)('CloudTrail LookupEvents on %s', (kind) => {
  let gw: TestGateway;
  let audit: AuditService;
  const keys = {} as Record<'admin' | 'aude' | 'olive' | 'alice', AccessKey>;
  /** sessions terminated by admin before (A) and after (C) alice's (B) */
  const terminated = { A: [] as string[], B: [] as string[], C: [] as string[] };
  let tokens: Record<'alice' | 'aude' | 'olive', string>;

  const lookup = async (key: AccessKey, args: string[]): Promise<Cli> => {
    const env = isolatedAwsEnv(key);
    const result = await run(AWS_CLI, ['cloudtrail', 'lookup-events', ...args, '--endpoint-url', gw.url, '--region', CLI_REGION, '--no-cli-pager', '--output', 'json'], {
      env,
      timeoutMs: 60_000,
    });
    fs.rmSync(path.dirname(env.AWS_CONFIG_FILE!), { recursive: true, force: true });
    let json: Cli['json'] = null;
    try {
      json = result.stdout.trim() ? JSON.parse(result.stdout) : null;
    } catch {
      json = null;
    }
    return { code: result.code, stderr: result.stderr, json };
  };

  /** A signed LookupEvents the way the CLI signs it, for what the CLI would not send. */
  const raw = (key: AccessKey, body: object, options: Parameters<typeof rawSsm>[2] = {}) =>
    rawSsm(gw, key, { target: TARGET, service: 'cloudtrail', region: CLI_REGION, body: JSON.stringify(body), ...options });

  /** A session opened by the agent for `owner`, then terminated over HTTP by `token`; resolves once its record is chained. */
  const terminate = async (agent: string, owner: string, token: string): Promise<string> => {
    const id = (await gw.http.post('/api/agent/sessions').auth(agent, { type: 'bearer' }).send(sessionPayload({ owner })).expect(201)).body.id as string;
    await gw.http.post(`/api/sessions/${id}/terminate`).auth(token, { type: 'bearer' }).send({ reason: 'cloudtrail e2e' }).expect(202);
    return id;
  };
  const chained = async (ids: string[]) => {
    await audit.settle();
    const found = await eventually(
      async () => {
        await audit.settle();
        return Promise.all(ids.map(async (id) => (await audit.query({ eventName: 'TerminateSession', resourceName: id, limit: 5 })).items.length));
      },
      (counts) => counts.every((n) => n > 0),
    );
    expect(found.every((n) => n > 0)).toBe(true);
  };

  beforeAll(async () => {
    gw = await startTestGateway(kind);
    audit = gw.app.get(AuditService);
    tokens = {
      alice: await createUser(gw, 'alice', ['owner']),
      aude: await createUser(gw, 'aude', ['auditor']),
      olive: await createUser(gw, 'olive', ['owner']),
    };
    keys.admin = await createAccessKey(gw, gw.adminToken);
    keys.aude = await createAccessKey(gw, tokens.aude);
    keys.olive = await createAccessKey(gw, tokens.olive);
    keys.alice = await createAccessKey(gw, tokens.alice);
    const agent = await createAgent(gw, `cloudtrail-${kind}`);
    // Three phases a whole second apart: A and C by admin, B by alice on her own sessions.
    for (let i = 0; i < 2; i++) terminated.A.push(await terminate(agent, 'alice', gw.adminToken));
    await chained(terminated.A);
    await pastNextSecond();
    for (let i = 0; i < 3; i++) terminated.B.push(await terminate(agent, 'alice', tokens.alice));
    await chained(terminated.B);
    await pastNextSecond();
    for (let i = 0; i < 2; i++) terminated.C.push(await terminate(agent, 'olive', gw.adminToken));
    await chained(terminated.C);
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  const all = () => [...terminated.A, ...terminated.B, ...terminated.C];

  it('aws cloudtrail lookup-events by EventName finds every termination, newest first, with the CloudTrailEvent JSON', async () => {
    const out = await lookup(keys.admin, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=TerminateSession']);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    const events = out.json!.Events;
    expect(events.every((e) => e.EventName === 'TerminateSession' && e.ReadOnly === 'false')).toBe(true);
    expect(new Set(sessionsOf(events))).toEqual(new Set(all()));
    expect(new Set(events.map((e) => e.EventId)).size).toBe(events.length);
    const times = events.map((e) => (typeof e.EventTime === 'number' ? e.EventTime * 1000 : Date.parse(e.EventTime)));
    expect(times.every(Number.isFinite)).toBe(true);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // the newest termination (phase C) comes first
    expect(terminated.C).toContain(sessionsOf([events[0]])[0]);

    for (const event of events) {
      const record = JSON.parse(event.CloudTrailEvent);
      expect(record).toMatchObject({ eventVersion: '1.08', eventID: event.EventId, eventName: 'TerminateSession', eventSource: event.EventSource, userIdentity: { userName: event.Username } });
      expect(['admin', 'alice']).toContain(record.userIdentity.userName);
      expect(Date.parse(record.eventTime)).toBe(Math.round(typeof event.EventTime === 'number' ? event.EventTime * 1000 : Date.parse(event.EventTime)));
      for (const key of ['seq', 'hash', 'action', 'actor']) expect(record).not.toHaveProperty(key);
    }
  }, 60_000);

  it('by Username: alice’s own terminations, none of admin’s; every event is hers', async () => {
    const out = await lookup(keys.aude, ['--lookup-attributes', 'AttributeKey=Username,AttributeValue=alice']);
    expect(out.code).toBe(0);
    const events = out.json!.Events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.Username === 'alice' && JSON.parse(e.CloudTrailEvent).userIdentity.userName === 'alice')).toBe(true);
    const hers = events.filter((e) => e.EventName === 'TerminateSession');
    expect(new Set(sessionsOf(hers))).toEqual(new Set(terminated.B));
  }, 60_000);

  it('--start-time/--end-time: only the records inside the range, both ends inclusive', async () => {
    const page = await audit.query({ eventName: 'TerminateSession', limit: 100 });
    const at = (ids: string[]) => page.items.filter((r) => r.sessionId && ids.includes(r.sessionId)).map((r) => Date.parse(r.eventTime));
    const start = Math.floor(Math.min(...at(terminated.B)) / 1000);
    const end = Math.ceil(Math.max(...at(terminated.B)) / 1000);
    // the phases are a whole second apart, so whole-second bounds separate them
    expect(Math.max(...at(terminated.A))).toBeLessThan(start * 1000);
    expect(Math.min(...at(terminated.C))).toBeGreaterThan(end * 1000);
    const iso = (s: number) => new Date(s * 1000).toISOString();
    const out = await lookup(keys.admin, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=TerminateSession', '--start-time', iso(start), '--end-time', iso(end)]);
    expect(out.code).toBe(0);
    expect(new Set(sessionsOf(out.json!.Events))).toEqual(new Set(terminated.B));

    const reversed = await lookup(keys.admin, ['--start-time', iso(end), '--end-time', iso(start)]);
    expect(reversed.code).not.toBe(0);
    expect(reversed.stderr).toMatch(/\(InvalidTimeRangeException\) when calling the LookupEvents operation/);
  }, 60_000);

  it('pages by hand with --max-results 3 --no-paginate: 3 distinct pages, no duplicate, none lost; the CLI paginator agrees', async () => {
    const full = await lookup(keys.admin, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=TerminateSession', '--max-results', '50', '--no-paginate']);
    expect(full.json!.NextToken).toBeUndefined();
    const everything = full.json!.Events.map((e) => e.EventId);
    expect(everything.length).toBeGreaterThanOrEqual(7);

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const out = await lookup(keys.admin, [
        '--lookup-attributes',
        'AttributeKey=EventName,AttributeValue=TerminateSession',
        '--max-results',
        '3',
        '--no-paginate',
        ...(token ? ['--next-token', token] : []),
      ]);
      expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
      pages.push(out.json!.Events.map((e) => e.EventId));
      if (out.json!.NextToken) expect(out.json!.NextToken).not.toBe(token);
      token = out.json!.NextToken;
    } while (token && pages.length < 20);
    expect(pages.length).toBe(Math.ceil(everything.length / 3));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
    expect(pages.flat()).toEqual(everything);

    // the CLI's own paginator: --page-size 2 under --max-items 5, then --starting-token for the rest
    const first = await lookup(keys.admin, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=TerminateSession', '--page-size', '2', '--max-items', '5']);
    expect(first.json!.Events.map((e) => e.EventId)).toEqual(everything.slice(0, 5));
    expect(first.json!.NextToken).toEqual(expect.any(String));
    const rest = await lookup(keys.admin, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=TerminateSession', '--page-size', '2', '--starting-token', first.json!.NextToken!]);
    expect(rest.json!.Events.map((e) => e.EventId)).toEqual(everything.slice(5));
  }, 180_000);

  it('boto3’s lookup_events paginator over pages of 2 yields the same events; its errors are CloudTrail’s', async () => {
    const env = isolatedAwsEnv(keys.aude);
    const program = [
      'import json, boto3, botocore',
      'from botocore.config import Config',
      `c = boto3.client("cloudtrail", endpoint_url=${JSON.stringify(gw.url)}, region_name="${CLI_REGION}", config=Config(retries={"max_attempts": 1}))`,
      'attrs = [{"AttributeKey": "EventName", "AttributeValue": "TerminateSession"}]',
      'pages = [[e["EventId"] for e in p["Events"]] for p in c.get_paginator("lookup_events").paginate(LookupAttributes=attrs, PaginationConfig={"PageSize": 2})]',
      'def code(**kw):',
      '    try:',
      '        c.lookup_events(**kw)',
      '        return None',
      '    except botocore.exceptions.ClientError as e:',
      '        return e.response["Error"]["Code"]',
      'errors = {"max": code(MaxResults=51), "two": code(LookupAttributes=attrs * 2), "category": code(EventCategory="data"), "token": code(NextToken="forged")}',
      'first = c.lookup_events(LookupAttributes=attrs, MaxResults=1)["Events"][0]',
      'print(json.dumps({"pages": pages, "errors": errors, "timeType": type(first["EventTime"]).__name__, "insight": c.lookup_events(EventCategory="insight")["Events"]}))',
    ].join('\n');
    const result = await run(SYSTEM_PYTHON, ['-c', program], { env, timeoutMs: 60_000 });
    fs.rmSync(path.dirname(env.AWS_CONFIG_FILE!), { recursive: true, force: true });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { pages: string[][]; errors: Record<string, string>; timeType: string; insight: unknown[] };
    const everything = (await audit.query({ eventName: 'TerminateSession', limit: 100 })).items.map((r) => r.eventID);
    expect(out.pages.length).toBe(Math.ceil(everything.length / 2));
    expect(out.pages.length).toBeGreaterThanOrEqual(3);
    expect(out.pages.flat()).toEqual(everything);
    expect(out.errors).toEqual({
      max: 'InvalidMaxResultsException',
      two: 'InvalidLookupAttributesException',
      category: 'InvalidEventCategoryException',
      token: 'InvalidNextTokenException',
    });
    // EventTime arrives as an awsJson timestamp: boto3 parses it into a datetime
    expect(out.timeType).toBe('datetime');
    expect(out.insight).toEqual([]);
  }, 90_000);

  it('as an attacker: a non-admin key is AccessDenied (and recorded), forged signatures and SSM-scoped signatures are refused', async () => {
    const denied = await lookup(keys.olive, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=TerminateSession']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/\(AccessDeniedException\) when calling the LookupEvents operation/);
    expect(denied.json).toBeNull();
    const ownerRaw = await raw(keys.alice, {});
    expect({ status: ownerRaw.status, type: ownerRaw.body?.__type }).toEqual({ status: 400, type: 'AccessDeniedException' });

    const forged = await raw({ accessKeyId: keys.admin.accessKeyId, secretAccessKey: `${keys.admin.secretAccessKey.slice(0, -1)}${keys.admin.secretAccessKey.endsWith('x') ? 'y' : 'x'}` }, {});
    expect({ status: forged.status, type: forged.body?.__type, events: forged.body?.Events }).toEqual({ status: 400, type: 'InvalidSignatureException', events: undefined });
    const swapped = await raw(keys.admin, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'TerminateSession' }] }, { sendBody: '{}' });
    expect({ status: swapped.status, type: swapped.body?.__type }).toEqual({ status: 400, type: 'InvalidSignatureException' });
    const ssmScoped = await raw(keys.admin, {}, { service: 'ssm' });
    expect(ssmScoped.status).toBe(400);
    expect(ssmScoped.body?.Events).toBeUndefined();
    const unsigned = await rawSsm(gw, null, { target: TARGET, body: '{}' });
    expect({ status: unsigned.status, type: unsigned.body?.__type }).toEqual({ status: 400, type: 'MissingAuthenticationTokenException' });

    // the refusals are in the trail, which the auditor can read back
    const trail = await lookup(keys.aude, ['--lookup-attributes', 'AttributeKey=EventName,AttributeValue=LookupEvents']);
    const refusals = trail.json!.Events.map((e) => JSON.parse(e.CloudTrailEvent)).filter((r) => r.errorCode);
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ errorCode: 'AccessDeniedException', userIdentity: expect.objectContaining({ userName: 'olive', accessKeyId: keys.olive.accessKeyId }) }),
        expect.objectContaining({ errorCode: 'InvalidSignatureException', userIdentity: expect.objectContaining({ userName: 'admin' }) }),
      ]),
    );
  }, 90_000);

  it('an invalid NextToken is InvalidNextTokenException: garbage, altered, or made for another query or caller', async () => {
    const garbage = await lookup(keys.admin, ['--next-token', 'not-a-token', '--no-paginate']);
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toMatch(/\(InvalidNextTokenException\) when calling the LookupEvents operation/);

    const byName = { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'TerminateSession' }], MaxResults: 2 };
    const first = await raw(keys.admin, byName);
    expect(first.status).toBe(200);
    const token: string = first.body.NextToken;
    expect(token).toEqual(expect.any(String));
    const again = await raw(keys.admin, { ...byName, NextToken: token });
    expect(again.status).toBe(200);
    const answers = await Promise.all([
      raw(keys.admin, { ...byName, NextToken: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }),
      raw(keys.admin, { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }], NextToken: token }),
      raw(keys.admin, { ...byName, StartTime: 0, NextToken: token }),
      raw(keys.aude, { ...byName, NextToken: token }),
    ]);
    expect(answers.map((a) => `${a.status} ${a.body?.__type}`)).toEqual(Array(4).fill('400 InvalidNextTokenException'));
  }, 60_000);
});
