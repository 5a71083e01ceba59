import { chainedRecord } from './audit-view.fixture';
import { API_CALL, SESSION_STATE_CHANGE, SHADOWING, apiCallSource, envelopeId, envelopesOf } from './envelope';

const SESSION = '0193a8c2-0000-7000-8000-00000000abcd';

describe('envelopesOf', () => {
  const start = chainedRecord(
    { action: 'session.start', actor: 'agent:a1', sessionId: SESSION, requestParameters: { type: 'PAM_SSH', user: 'jdoe', owner: 'alice', device: '10.0.0.12', client: 'srv-db-01', target: 'db-01' } },
    7,
  );

  it('gives a session start as an SSM API call and a Vigil state change, both EventBridge-shaped', () => {
    const [call, state, ...rest] = envelopesOf(start);
    expect(rest).toEqual([]);
    expect(call.envelope).toMatchObject({ version: '0', 'detail-type': API_CALL, source: 'aws.ssm', account: '000000000000', region: 'vigil', time: '2026-12-01T09:12:44Z' });
    expect(call.envelope.resources).toEqual([`arn:vigil:session:vigil:000000000000:${SESSION}`]);
    expect(call.envelope.detail).toMatchObject({ eventName: 'StartSession', eventSource: 'vigil.sessions', sessionId: SESSION, eventID: start.eventID });
    // the chain's own fields are not part of a CloudTrail record
    for (const key of ['seq', 'hash', 'action', 'actor']) expect(call.envelope.detail).not.toHaveProperty(key);
    expect(state.envelope).toMatchObject({ 'detail-type': SESSION_STATE_CHANGE, source: 'vigil' });
    expect(state.envelope.detail).toEqual({ sessionId: SESSION, state: 'started', type: 'PAM_SSH', user: 'jdoe', owner: 'alice', device: '10.0.0.12', client: 'srv-db-01', target: 'db-01' });
    expect([call.auditSeq, call.subSeq, state.auditSeq, state.subSeq]).toEqual([7, 0, 7, 1]);
    expect(call.orderKey).toBe(SESSION);
  });

  it('keeps ids stable: the same record gives the same ids; each detail-type its own', () => {
    const again = envelopesOf(structuredClone(start));
    expect(again.map((e) => e.envelope.id)).toEqual(envelopesOf(start).map((e) => e.envelope.id));
    expect(new Set(again.map((e) => e.envelope.id)).size).toBe(2);
    expect(envelopeId(start.eventID, API_CALL)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(envelopeId('other', API_CALL)).not.toBe(envelopeId(start.eventID, API_CALL));
  });

  it('names who terminated and why, from the record', () => {
    const terminate = chainedRecord({ action: 'session.terminate', actor: 'user:admin', sessionId: SESSION, requestParameters: { reason: 'policy violation' } }, 9);
    const state = envelopesOf(terminate).find((e) => e.envelope['detail-type'] === SESSION_STATE_CHANGE)!;
    expect(state.envelope.detail).toMatchObject({ state: 'terminated', endedBy: 'admin', reason: 'policy violation' });
    expect(envelopesOf(terminate)[0].envelope.source).toBe('aws.ssm');
  });

  it('gives live actions a Vigil Shadowing event with the viewer and mode', () => {
    const join = chainedRecord({ action: 'viewer.join', actor: 'user:sam', sessionId: SESSION, requestParameters: { mode: 'interact' } }, 10);
    const [call, shadow] = envelopesOf(join);
    expect(call.envelope.source).toBe('vigil.live');
    expect(shadow.envelope).toMatchObject({ 'detail-type': SHADOWING, source: 'vigil', detail: { sessionId: SESSION, action: 'JoinSession', viewer: 'sam', mode: 'interact' } });
  });

  it('gives other records one API call, ordered under the empty key when about no session', () => {
    const login = chainedRecord({ action: 'auth.login', actor: 'user:alice', context: { sourceIp: '10.1.1.1' } }, 11);
    const out = envelopesOf(login);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ orderKey: '', envelope: { source: 'vigil.auth', resources: [] } });
    const ssm = chainedRecord({ action: 'ssm.DescribeSessions', actor: 'user:alice' }, 12);
    expect(envelopesOf(ssm)[0].envelope.source).toBe('aws.ssm');
  });

  it('maps AWS services to aws.<service> and keeps Vigil sources', () => {
    expect(apiCallSource({ eventSource: 'cloudtrail.amazonaws.com', action: 'cloudtrail.LookupEvents' })).toBe('aws.cloudtrail');
    expect(apiCallSource({ eventSource: 'vigil.targets', action: 'target.create' })).toBe('vigil.targets');
    expect(apiCallSource({ eventSource: 'vigil.sessions', action: 'session.end' })).toBe('aws.ssm');
  });
});
