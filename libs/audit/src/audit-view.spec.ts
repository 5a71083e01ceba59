import { AuditEntry, toCloudTrailBody } from '@vigil/common';
import { auditViewOfBody, toAuditView } from './audit-view';

/**
 * The chainer builds the views of records this process wrote from the body object itself
 * (auditViewOfBody), not by parsing its JSON back (toAuditView): the two must never differ, or an
 * event rule would see one thing and the stored record say another.
 */
describe('auditViewOfBody', () => {
  const entries: AuditEntry[] = [
    { action: 'session.start', actor: 'agent:a1', sessionId: 's1', requestParameters: { externalId: 'e1', owner: 'alice', port: undefined, nested: { token: 'secret-value', ok: true } } },
    {
      action: 'auth.login',
      actor: 'ip:10.0.0.9',
      context: { sourceIp: '10.0.0.9', userAgent: 'x'.repeat(300), requestId: 'r1' },
      requestParameters: { username: 'bob', password: 'hunter2' },
      errorCode: 'InvalidCredentials',
    },
    {
      action: 'target.create',
      actor: 'user:admin',
      context: { accessKeyId: 'AKIAVIGIL', eventSource: 'ssm.amazonaws.com' },
      requestParameters: { list: [1, 2, Number.NaN, { signature: 'abc' }], date: new Date(0) as unknown as string, big: 10n as unknown as number },
      responseElements: { f: () => 1 } as unknown as Record<string, unknown>,
      resources: [{ type: 'Target', name: 'db-01' }],
    },
    { action: 'session.terminate', actor: 'system', sessionId: 's2', requestParameters: null, responseElements: null },
  ];

  it.each(entries.map((entry, i) => [entry.action, i] as const))('%s: the same view as parsing the stored detail', (_action, i) => {
    const body = toCloudTrailBody(entries[i], `0190-${i}`);
    const row = { seq: 7 + i, at: 1_700_000_000_000 + i, actor: entries[i].actor, action: entries[i].action, sessionId: entries[i].sessionId ?? null, hash: 'h'.repeat(64) };
    const parsed = toAuditView({ ...row, detail: JSON.stringify(body) });
    const direct = auditViewOfBody(row, body);
    expect(direct).toStrictEqual(parsed);
    expect(JSON.stringify(direct)).toBe(JSON.stringify(parsed));
  });
});
