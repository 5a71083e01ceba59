import { randomBytes } from 'node:crypto';
import type { AuditService, AuditView } from '@vigil/audit';
import type { UserPrincipal } from '@vigil/auth';
import { AwsCall, AwsError } from '@vigil/aws-protocol';
import { NextTokenCodec } from '@vigil/ssm';
import { LookupEventsOperation, mayLookUpEvents } from './lookup-events.operation';
import { memoryStore, record } from './lookup-events.fixtures';

const user = (name: string, roles: UserPrincipal['roles']): UserPrincipal => ({ kind: 'user', id: `id-${name}`, username: name, roles, privileges: [] });
const callAs = (u: UserPrincipal): AwsCall => ({ requestId: 'r', accessKeyId: 'AKIA', user: u, region: 'us-east-1', sourceIp: '127.0.0.1', origin: 'http://127.0.0.1', auditContext: {}, recorded: false });
const admin = callAs(user('admin', ['admin']));
const auditor = callAs(user('aude', ['auditor']));

function setUp(records: AuditView[]) {
  const store = memoryStore(records);
  let settled = 0;
  const audit = {
    settle: async () => {
      settled++;
    },
    query: store,
  } as unknown as AuditService;
  const key = randomBytes(32);
  return { op: new LookupEventsOperation(audit, new NextTokenCodec(key)), store, key, settled: () => settled };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'answered',
    (e) => (e instanceof AwsError ? `${e.type} ${e.status}` : `threw ${String(e)}`),
  );
}

describe('LookupEventsOperation', () => {
  const records = Array.from({ length: 7 }, (_, i) => record(i + 1, i % 2 ? { eventName: 'JoinSession' } : {}));

  it('only admins and auditors may look up events; the others are AccessDenied before any input is read', async () => {
    expect([['admin'], ['auditor'], ['owner'], [], ['owner', 'auditor']].map((roles) => mayLookUpEvents(user('u', roles as UserPrincipal['roles'])))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
    const { op, store } = setUp(records);
    expect(await refusal(op.handle({}, callAs(user('olive', ['owner']))))).toBe('AccessDeniedException 400');
    expect(await refusal(op.handle({ MaxResults: 'garbage' }, callAs(user('olive', ['owner']))))).toBe('AccessDeniedException 400');
    expect(store.reads).toEqual([]);
  });

  it('pages newest first with signed NextTokens: every matching record once, then no token', async () => {
    const { op, settled } = setUp(records);
    const input = { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'TerminateSession' }], MaxResults: 2 };
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = (await op.handle({ ...input, ...(token ? { NextToken: token } : {}) }, admin)) as { Events: { EventId: string; EventName: string }[]; NextToken?: string };
      expect(out.Events.every((e) => e.EventName === 'TerminateSession')).toBe(true);
      seen.push(...out.Events.map((e) => e.EventId));
      token = out.NextToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual([7, 5, 3, 1].map((s) => record(s).eventID));
    expect(pages).toBe(2);
    expect(settled()).toBe(2);
  });

  it('refuses a NextToken that is forged, altered, of another query, caller or key — but takes it with another page size', async () => {
    const { op, key } = setUp(records);
    const input = { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'TerminateSession' }], MaxResults: 1 };
    const { NextToken: token } = (await op.handle(input, admin)) as { NextToken: string };
    expect(token).toEqual(expect.any(String));
    const [payload, mac] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify([1, 'LookupEvents', 'x', 'id-admin', '999'])).toString('base64url');
    const other = new LookupEventsOperation({ settle: async () => undefined, query: memoryStore(records) } as unknown as AuditService, new NextTokenCodec(randomBytes(32)));
    const results = {
      forged: await refusal(op.handle({ ...input, NextToken: `${forgedPayload}.${mac}` }, admin)),
      truncated: await refusal(op.handle({ ...input, NextToken: token.slice(0, -2) }, admin)),
      payloadOnly: await refusal(op.handle({ ...input, NextToken: payload }, admin)),
      garbage: await refusal(op.handle({ ...input, NextToken: 'x'.repeat(5000) }, admin)),
      otherAttribute: await refusal(op.handle({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'JoinSession' }], NextToken: token }, admin)),
      otherTimeRange: await refusal(op.handle({ ...input, StartTime: 0, NextToken: token }, admin)),
      otherCaller: await refusal(op.handle({ ...input, NextToken: token }, auditor)),
      otherKey: await refusal(other.handle({ ...input, NextToken: token }, admin)),
      otherPageSize: await refusal(op.handle({ ...input, MaxResults: 50, NextToken: token }, admin)),
    };
    expect(results).toEqual({
      forged: 'InvalidNextTokenException 400',
      truncated: 'InvalidNextTokenException 400',
      payloadOnly: 'InvalidNextTokenException 400',
      garbage: 'InvalidNextTokenException 400',
      otherAttribute: 'InvalidNextTokenException 400',
      otherTimeRange: 'InvalidNextTokenException 400',
      otherCaller: 'InvalidNextTokenException 400',
      otherKey: 'InvalidNextTokenException 400',
      otherPageSize: 'answered',
    });
    // the same master key on another gateway accepts it
    const twin = new LookupEventsOperation({ settle: async () => undefined, query: memoryStore(records) } as unknown as AuditService, new NextTokenCodec(key));
    await expect(twin.handle({ ...input, NextToken: token }, admin)).resolves.toMatchObject({ Events: [{ EventId: record(5).eventID }] });
  });

  it('a token whose signed cursor is not a seq is refused (no store read with it)', async () => {
    const { op, store, key } = setUp(records);
    const codec = new NextTokenCodec(key);
    const binding = { state: 'LookupEvents', query: { attribute: null, startTime: null, endTime: null, insight: false }, userId: 'id-admin' };
    for (const cursor of ['0', '-1', 'abc', '1e3', '99999999999999999999']) {
      expect(await refusal(op.handle({ NextToken: codec.encode({ ...binding, cursor }) }, admin))).toBe('InvalidNextTokenException 400');
    }
    expect(store.reads).toEqual([]);
    await expect(op.handle({ NextToken: codec.encode({ ...binding, cursor: '4' }) }, admin)).resolves.toMatchObject({ Events: [3, 2, 1].map((s) => ({ EventId: record(s).eventID })) });
  });

  it('EventCategory insight finds no events (Vigil makes no Insights events) without reading the trail', async () => {
    const { op, store } = setUp(records);
    await expect(op.handle({ EventCategory: 'insight' }, auditor)).resolves.toEqual({ Events: [] });
    expect(store.reads).toEqual([]);
  });

  it('a chainer failure does not make the trail unreadable', async () => {
    const store = memoryStore(records);
    const op = new LookupEventsOperation({ settle: async () => Promise.reject(new Error('busy')), query: store } as unknown as AuditService, new NextTokenCodec(randomBytes(32)));
    await expect(op.handle({ MaxResults: 1 }, admin)).resolves.toMatchObject({ Events: [{ EventId: record(7).eventID }], NextToken: expect.any(String) });
  });

  it('the audit record keeps the query, bounded, and never the token', () => {
    const { op } = setUp([]);
    const described = op.describe({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'x'.repeat(5000) }, { AttributeKey: 'Username', AttributeValue: 'b' }, { AttributeKey: 'c', AttributeValue: 'c' }],
      StartTime: 1,
      MaxResults: { evil: true },
      NextToken: 'secret-token-content',
    });
    expect(described).toEqual({
      parameters: {
        lookupAttributes: [
          { attributeKey: 'EventName', attributeValue: 'x'.repeat(256) },
          { attributeKey: 'Username', attributeValue: 'b' },
        ],
        startTime: 1,
        maxResults: null,
        nextToken: 'given',
      },
    });
    expect(op.describe({ LookupAttributes: [null] })).toEqual({ parameters: { lookupAttributes: [{ attributeKey: null, attributeValue: null }] } });
  });
});
