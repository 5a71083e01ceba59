import { chainedRecord } from './audit-view.fixture';
import { RuleMatcher } from './rule-matcher';
import type { RuleRowVersion } from './rule-store';

const SESSION = '0193a8c2-0000-7000-8000-00000000abcd';
const rule = (id: string, pattern: unknown, targets: string[], updatedAt = 1): RuleRowVersion => ({
  id,
  updatedAt,
  eventPattern: JSON.stringify(pattern),
  targets: JSON.stringify(targets.map((t) => ({ id: t, type: 'webhook', url: 'http://127.0.0.1:9/' }))),
});

describe('RuleMatcher', () => {
  const start = chainedRecord({ action: 'session.start', actor: 'agent:a', sessionId: SESSION, requestParameters: { user: 'jdoe' } }, 5);
  const login = chainedRecord({ action: 'auth.login', actor: 'user:alice' }, 6);

  it('makes one delivery per (matching envelope, rule, target), in chain order', () => {
    const matcher = new RuleMatcher();
    const rows = matcher.deliveriesFor(
      [start, login],
      [rule('r-ssm', { source: ['aws.ssm'] }, ['t1', 't2']), rule('r-state', { 'detail-type': ['Vigil Session State Change'], detail: { state: ['started'] } }, ['t3']), rule('r-none', { source: ['nothing'] }, ['t4'])],
    );
    expect(rows.map((r) => [r.ruleId, r.targetId, r.detailType, r.auditSeq, r.subSeq, r.orderKey])).toEqual([
      ['r-ssm', 't1', 'AWS API Call via CloudTrail', 5, 0, SESSION],
      ['r-ssm', 't2', 'AWS API Call via CloudTrail', 5, 0, SESSION],
      ['r-state', 't3', 'Vigil Session State Change', 5, 1, SESSION],
    ]);
    expect(JSON.parse(rows[0].envelope).id).toBe(rows[0].eventId);
  });

  it('follows a rule change (new updatedAt) and forgets rules no longer enabled', () => {
    const matcher = new RuleMatcher();
    expect(matcher.deliveriesFor([login], [rule('r', { source: ['aws.ssm'] }, ['t'])])).toHaveLength(0);
    expect(matcher.deliveriesFor([login], [rule('r', { source: ['vigil.auth'] }, ['t'], 2)])).toHaveLength(1);
    expect(matcher.deliveriesFor([login], [])).toHaveLength(0);
  });

  it('skips a stored rule that no longer compiles, and reports it, without failing the batch', () => {
    const broken: string[] = [];
    const matcher = new RuleMatcher((id) => broken.push(id));
    const rows = matcher.deliveriesFor([login], [rule('bad', { source: [{ prefix: 1 }] }, ['t']), rule('ok', { source: ['vigil.auth'] }, ['t2'])]);
    expect(rows.map((r) => r.ruleId)).toEqual(['ok']);
    expect(broken).toEqual(['bad']);
  });
});
