import type { AccessLogView, SessionView } from '@vigil/common';
import { toSsmSession } from './ssm-session';

const open: SessionView = {
  id: '0190f0aa-0000-7000-8000-000000000001',
  externalId: 'e-1',
  agentId: 'jump-1',
  type: 'PAM_SSH',
  status: 'Connected',
  user: 'alice',
  device: '10.0.0.12',
  client: 'vigil-jump',
  port: 22,
  serviceUrl: 'ssh://root@10.0.0.5:22',
  accountName: 'root',
  serviceProvider: 'db-01',
  owner: 'alice',
  startDate: '2024-08-29T12:00:00.123Z',
  lastHeartbeat: '2024-08-29T12:00:05.000Z',
  liveStream: 'terminal',
};
const ended: AccessLogView = {
  ...open,
  status: 'Terminated',
  endDate: '2024-08-29T12:30:00.000Z',
  durationSeconds: 1800,
  endReason: 'terminated',
  endedBy: 'admin',
  endMessage: 'incident\n42',
  recordingUrl: `/api/access-logs/${open.id}/recording`,
  recordingStatus: 'complete',
  recordingFormat: 'asciicast',
} as AccessLogView;

describe('toSsmSession', () => {
  const origin = 'http://127.0.0.1:8080';

  it('maps an open jump session: epoch-second numbers, the target, no EndDate, the live recording', () => {
    const s = toSsmSession(open, { viaJump: true, origin });
    expect(s).toEqual({
      SessionId: open.id,
      Target: 'db-01',
      Status: 'Connected',
      StartDate: 1724932800.123,
      DocumentName: 'Vigil-PAM_SSH',
      Owner: 'arn:vigil:iam::vigil:user/alice',
      Details: JSON.stringify({ type: 'PAM_SSH', user: 'alice', device: '10.0.0.12', accountName: 'root', serviceProvider: 'db-01' }),
      OutputUrl: { S3OutputUrl: `${origin}/api/sessions/${open.id}/recording` },
      AccessType: 'Standard',
    });
    expect(typeof s.StartDate).toBe('number');
  });

  it('maps an agent session: the client server, no recording ({}), optional members omitted rather than null', () => {
    const s = toSsmSession({ ...open, accountName: null, serviceProvider: null }, { viaJump: false, origin });
    expect(s.Target).toBe('vigil-jump');
    expect(s.OutputUrl).toEqual({});
    expect(Object.values(s)).not.toContain(null);
    expect(Object.values(s)).not.toContain('');
    expect('EndDate' in s || 'Reason' in s || 'MaxSessionDuration' in s).toBe(false);
    expect(JSON.parse(s.Details)).toEqual({ type: 'PAM_SSH', user: 'alice', device: '10.0.0.12' });
  });

  it('maps an ended session: EndDate, the terminate reason on one line, the sealed recording; an ARN owner is kept', () => {
    const s = toSsmSession({ ...ended, owner: 'arn:aws:iam::123456789012:user/bob' }, { viaJump: true, origin });
    expect(s).toMatchObject({ Status: 'Terminated', EndDate: 1724934600, Reason: 'incident 42', Owner: 'arn:aws:iam::123456789012:user/bob' });
    expect(s.OutputUrl).toEqual({ S3OutputUrl: `${origin}/api/access-logs/${open.id}/recording` });
  });

  it('keeps Details within SSM’s 1,024 characters even for the longest, most escaped attributes', () => {
    const long = '\u0001'.repeat(256);
    const s = toSsmSession({ ...open, user: long, device: long, accountName: long, serviceProvider: long }, { viaJump: false, origin });
    expect(s.Details.length).toBeLessThanOrEqual(1024);
    expect(() => JSON.parse(s.Details)).not.toThrow();
  });
});
