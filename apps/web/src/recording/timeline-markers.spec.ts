import type { AuditRecord } from '../api/audit';
import { markersFromAudit } from './timeline-markers';

const START = Date.parse('2026-12-01T14:00:00.000Z');
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

let seq = 0;
const record = (eventName: string, secondsAfterStart: number, user: string | null, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  eventID: `e-${++seq}`,
  eventTime: new Date(START + secondsAfterStart * 1000).toISOString(),
  eventSource: 'vigil.live',
  eventName,
  userIdentity: user ? { type: 'VigilUser', userName: user, principalId: user } : { type: 'Vigil', principalId: 'system' },
  sourceIPAddress: '127.0.0.1',
  userAgent: 'test',
  requestParameters: null,
  responseElements: null,
  readOnly: false,
  requestID: 'r',
  sessionId: 's-1',
  seq,
  ...extra,
});

describe('timeline markers from the audit trail', () => {
  it('places joins, take-overs, pauses and the terminate at their offset from the recording start, in time order', () => {
    const markers = markersFromAudit(
      [
        record('TerminateSession', 50, 'admin'),
        record('JoinSession', 3.5, 'alice', { requestParameters: { mode: 'interact' } }),
        record('TakeControl', 10, 'alice', { requestParameters: { action: 'take', force: true } }),
        record('PauseUserInput', 12, 'alice'),
        record('ResumeUserInput', 14, 'alice'),
        record('HandBackControl', 20, 'alice'),
        record('GrantControl', 21, 'admin', { requestParameters: { action: 'grant', to: 'bob' } }),
      ],
      START,
      60,
      clock,
    );
    expect(markers.map((m) => [m.kind, m.time])).toEqual([
      ['join', 3.5],
      ['take', 10],
      ['pause', 12],
      ['resume', 14],
      ['handback', 20],
      ['grant', 21],
      ['terminate', 50],
    ]);
    expect(markers.map((m) => m.label)).toEqual([
      'alice joined to interact at 14:00:03',
      'alice took control (forced) at 14:00:10',
      'alice paused the user’s keyboard at 14:00:12',
      'alice resumed the user’s keyboard at 14:00:14',
      'alice handed back control at 14:00:20',
      'admin granted control to bob at 14:00:21',
      'admin terminated the session at 14:00:50',
    ]);
  });

  it('clamps records outside the recording to its ends, keeping their real time in the label', () => {
    const [before, after] = markersFromAudit([record('JoinSession', -4, 'alice'), record('TerminateSession', 75, 'admin')], START, 60, clock);
    expect(before.time).toBe(0);
    expect(before.label).toBe('alice joined to view at 13:59:56');
    expect(after.time).toBe(60);
    expect(after.label).toBe('admin terminated the session at 14:01:15');
  });

  it('leaves out refused calls, unrelated events and records with an unreadable time', () => {
    const markers = markersFromAudit(
      [
        record('TakeControl', 5, 'mallory', { errorCode: 'AccessDenied' }),
        record('SendInput', 6, 'alice'),
        record('ViewRecording', 7, 'auditor'),
        record('JoinSession', 8, 'alice', { eventTime: 'not a date' }),
        record('EndSession', 9, null),
      ],
      START,
      60,
      clock,
    );
    expect(markers).toEqual([expect.objectContaining({ kind: 'end', time: 9, who: null, label: 'The session ended at 14:00:09' })]);
  });

  it('a forged record claiming a user without a VigilUser identity is not shown as that user', () => {
    const [marker] = markersFromAudit([record('TakeControl', 5, null, { userIdentity: { type: 'VigilAgent', userName: 'admin', principalId: 'agent-1' } })], START, 60, clock);
    expect(marker.who).toBeNull();
    expect(marker.label).toBe('Vigil took control at 14:00:05');
  });
});
