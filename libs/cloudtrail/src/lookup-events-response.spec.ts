import { toLookupEvent } from './lookup-events-response';
import { record } from './lookup-events.fixtures';

describe('toLookupEvent', () => {
  it('answers CloudTrail’s Event shape: ReadOnly as a string, EventTime in epoch seconds, resources renamed', () => {
    const view = record(7, {
      eventTime: '2024-12-01T10:00:00.250Z',
      readOnly: true,
      userIdentity: { type: 'VigilUser', userName: 'alice', principalId: 'user:alice', accessKeyId: 'AKIAVIGILEXAMPLE0001' },
      resources: [{ type: 'Session', name: 's-1', ARN: 'arn:vigil:session:vigil:000000000000:s-1' }],
      sessionId: 's-1',
    });
    const event = toLookupEvent(view);
    expect(event).toEqual({
      EventId: view.eventID,
      EventName: 'TerminateSession',
      ReadOnly: 'true',
      AccessKeyId: 'AKIAVIGILEXAMPLE0001',
      EventTime: Date.UTC(2024, 11, 1, 10, 0, 0, 250) / 1000,
      EventSource: 'vigil.sessions',
      Username: 'alice',
      Resources: [{ ResourceType: 'Session', ResourceName: 's-1' }],
      CloudTrailEvent: expect.any(String),
    });
    expect(toLookupEvent({ ...view, readOnly: false }).ReadOnly).toBe('false');
  });

  it('CloudTrailEvent is the whole record as JSON, eventTime kept, Vigil’s chain fields left out', () => {
    const view = record(3, { requestParameters: { sessionId: 's-1' } });
    const parsed = JSON.parse(toLookupEvent(view).CloudTrailEvent);
    const { seq, hash, action, actor, ...rest } = view;
    expect({ seq, hash, action, actor }).toEqual({ seq: 3, hash: 'h3', action: 'session.terminate', actor: 'user:admin' });
    expect(parsed).toEqual(rest);
    expect(parsed).toMatchObject({ eventTime: view.eventTime, eventName: 'TerminateSession', userIdentity: { userName: 'admin' } });
    for (const key of ['seq', 'hash', 'action', 'actor']) expect(parsed).not.toHaveProperty(key);
  });

  it('no access key, user name or resources: the optional members are left out, Resources is empty', () => {
    const event = toLookupEvent(record(4, { userIdentity: { type: 'Anonymous', principalId: 'ip:10.0.0.1' }, resources: undefined }));
    expect(event).not.toHaveProperty('AccessKeyId');
    expect(event).not.toHaveProperty('Username');
    expect(event.Resources).toEqual([]);
  });
});
