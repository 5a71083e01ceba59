import { AUDIT_ACTIONS, AUDIT_VOCABULARY } from './audit-vocabulary';
import { toCloudTrailBody, userIdentityOf } from './audit-entry';
import { HIDDEN_VALUE, hideSecrets } from './hidden-values';
import { MonotonicUuidv7 } from './uuid7';

describe('hideSecrets', () => {
  it('replaces secret-named fields at any depth and keeps the rest', () => {
    const out = hideSecrets({
      username: 'alice',
      password: 'hunter2',
      nested: { webhook: { secret: 's3cr3t', url: 'https://x' }, list: [{ accessToken: 't' }, { apiKey: 'k', privateKey: 'p' }] },
      Authorization: 'Bearer abc',
      newPassword: 'x',
      clientSecret: 'y',
      secretAccessKey: 'wJalr',
      hasSecret: true,
      empty: { password: '' },
    });
    expect(out).toEqual({
      username: 'alice',
      password: HIDDEN_VALUE,
      nested: { webhook: { secret: HIDDEN_VALUE, url: 'https://x' }, list: [{ accessToken: HIDDEN_VALUE }, { apiKey: 'k', privateKey: HIDDEN_VALUE }] },
      Authorization: HIDDEN_VALUE,
      newPassword: HIDDEN_VALUE,
      clientSecret: HIDDEN_VALUE,
      secretAccessKey: HIDDEN_VALUE,
      hasSecret: true,
      empty: { password: '' },
    });
  });

  it('bounds what an attacker can make it keep: long strings, many items, deep nesting, non-JSON values', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const out = hideSecrets({ long: 'x'.repeat(100_000), many: Array.from({ length: 10_000 }, (_, i) => i), deep, fn: () => 1, nan: NaN, big: 10n }) as Record<string, unknown>;
    expect((out.long as string).length).toBeLessThanOrEqual(1025);
    expect((out.many as number[]).length).toBe(100);
    expect(JSON.stringify(out.deep)).not.toContain('leaf');
    expect(out).not.toHaveProperty('fn');
    expect(out.nan).toBeNull();
    expect(out.big).toBe('10');
  });

  it('treats __proto__ as a plain key (no prototype pollution)', () => {
    const out = hideSecrets(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(out.a).toBe(1);
  });
});

describe('toCloudTrailBody', () => {
  it('builds the CloudTrail fields from the vocabulary and the call context', () => {
    const body = toCloudTrailBody(
      {
        action: 'session.terminate',
        actor: 'user:alice',
        sessionId: '0190b2a4-0000-7000-8000-000000000001',
        context: { sourceIp: '10.0.0.9', userAgent: 'curl/8', requestId: 'req-1' },
        requestParameters: { reason: 'policy', password: 'x' },
      },
      'event-1',
    );
    expect(body).toMatchObject({
      eventVersion: '1.08',
      eventID: 'event-1',
      eventSource: 'vigil.sessions',
      eventName: 'TerminateSession',
      eventType: 'AwsApiCall',
      userIdentity: { type: 'VigilUser', userName: 'alice' },
      sourceIPAddress: '10.0.0.9',
      userAgent: 'curl/8',
      requestParameters: { reason: 'policy', password: HIDDEN_VALUE },
      responseElements: null,
      readOnly: false,
      requestID: 'req-1',
      sessionId: '0190b2a4-0000-7000-8000-000000000001',
      resources: [{ type: 'Session', name: '0190b2a4-0000-7000-8000-000000000001' }],
    });
    expect(body).not.toHaveProperty('errorCode');
  });

  it('a refusal carries errorCode and errorMessage; a sign-in its ConsoleLogin outcome', () => {
    const failed = toCloudTrailBody({ action: 'auth.login-failed', actor: 'ip:10.0.0.1', errorCode: 'FailedAuthentication', requestParameters: { username: 'bob' } }, 'e');
    expect(failed).toMatchObject({ eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', errorCode: 'FailedAuthentication', errorMessage: 'FailedAuthentication', responseElements: { ConsoleLogin: 'Failure' }, userIdentity: { type: 'Anonymous' } });
    expect(toCloudTrailBody({ action: 'auth.login', actor: 'user:bob' }, 'e').responseElements).toEqual({ ConsoleLogin: 'Success' });
  });

  it('an SSM-API terminate names the AWS service as its source', () => {
    expect(toCloudTrailBody({ action: 'session.terminate', actor: 'user:a', context: { eventSource: 'ssm.amazonaws.com', accessKeyId: 'AKIAX' } }, 'e')).toMatchObject({
      eventSource: 'ssm.amazonaws.com',
      userIdentity: { accessKeyId: 'AKIAX' },
    });
  });

  it('names every kind of actor', () => {
    expect(userIdentityOf('user:alice')).toMatchObject({ type: 'VigilUser', userName: 'alice' });
    expect(userIdentityOf('agent:42')).toMatchObject({ type: 'VigilAgent', userName: 'agent:42' });
    expect(userIdentityOf('ip:1.2.3.4')).toEqual({ type: 'Anonymous', principalId: 'ip:1.2.3.4' });
    expect(userIdentityOf('system')).toMatchObject({ type: 'Vigil' });
  });

  it('every action has a CloudTrail-style event name', () => {
    for (const action of AUDIT_ACTIONS) expect(AUDIT_VOCABULARY[action].eventName).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});

describe('MonotonicUuidv7', () => {
  it('sorts in creation order within one millisecond, across a counter overflow and a clock step back', () => {
    const ids = new MonotonicUuidv7();
    const made = [...Array.from({ length: 5000 }, () => ids.next(1_700_000_000_000)), ids.next(1_699_999_999_000), ids.next(1_700_000_000_000)];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
