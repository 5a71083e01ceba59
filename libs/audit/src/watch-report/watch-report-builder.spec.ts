import { summarizeSession, summarizeUser } from './watch-report-builder';
import { WatchRecord } from './watch-record';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
let seq = 0;

/** A record as the audit trail serves it, `s` seconds after T0, by `user` (a Vigil user) or another actor. */
function rec(s: number, action: string, user: string | null, params: Record<string, unknown> | null = null, extra: Partial<WatchRecord> = {}): WatchRecord {
  return {
    seq: ++seq,
    eventTime: iso(s),
    action,
    actor: user === null ? 'system' : `user:${user}`,
    sessionId: 's-1',
    userIdentity: user === null ? { type: 'Vigil', userName: 'vigil' } : { type: 'VigilUser', userName: user },
    requestParameters: params,
    ...extra,
  };
}

beforeEach(() => {
  seq = 0;
});

describe('who watched: one session', () => {
  it('pairs a join with its leave: when, how long, in which mode', () => {
    const rows = summarizeSession([rec(0, 'viewer.join', 'ann', { mode: 'interact' }), rec(95, 'viewer.leave', 'ann', { mode: 'interact' })], T0 + 999_000);
    expect(rows).toEqual([
      {
        viewer: 'ann',
        visits: [{ joinedAt: iso(0), leftAt: iso(95), durationSeconds: 95, mode: 'interact', leftBecause: 'left' }],
        controlTaken: 0,
        inputBursts: 0,
        userPauses: 0,
        recordingViews: 0,
        recordingDownloads: 0,
        totalSeconds: 95,
      },
    ]);
  });

  it('a join without a leave on a live session is still watching: no leftAt, counted up to now', () => {
    const [row] = summarizeSession([rec(0, 'viewer.join', 'ann', { mode: 'view' })], T0 + 42_000);
    expect(row.visits).toEqual([{ joinedAt: iso(0), mode: 'view' }]);
    expect(row.totalSeconds).toBe(42);
    // later, the same records measure longer: nothing was closed by the first report
    expect(summarizeSession([rec(0, 'viewer.join', 'ann', { mode: 'view' })], T0 + 100_000)[0].totalSeconds).toBe(100);
  });

  it("the session's end closes open visits; the viewer's leave written after that end is not a second visit", () => {
    const rows = summarizeSession(
      [rec(0, 'viewer.join', 'ann'), rec(10, 'viewer.join', 'bob'), rec(30, 'session.terminate', 'root'), rec(31, 'viewer.leave', 'ann'), rec(31, 'viewer.leave', 'bob')],
      T0 + 1_000_000,
    );
    expect(rows.map((r) => [r.viewer, r.visits, r.totalSeconds])).toEqual([
      ['ann', [{ joinedAt: iso(0), leftAt: iso(30), durationSeconds: 30, mode: 'view', leftBecause: 'session-ended' }], 30],
      ['bob', [{ joinedAt: iso(10), leftAt: iso(30), durationSeconds: 20, mode: 'view', leftBecause: 'session-ended' }], 20],
    ]);
    // the user who terminated is not a watcher for ending it
    expect(rows.map((r) => r.viewer)).not.toContain('root');
  });

  it('a leave without a join is kept as a visit whose start is unknown, and adds no time', () => {
    const [row] = summarizeSession([rec(50, 'viewer.leave', 'ann', { mode: 'interact' })], T0 + 60_000);
    expect(row.visits).toEqual([{ joinedAt: null, leftAt: iso(50), mode: 'interact', leftBecause: 'left' }]);
    expect(row.totalSeconds).toBe(0);
  });

  it('overlapping visits (two tabs) are both listed; their time counts once', () => {
    const [row] = summarizeSession(
      [rec(0, 'viewer.join', 'ann', { mode: 'view' }), rec(20, 'viewer.join', 'ann', { mode: 'view' }), rec(60, 'viewer.leave', 'ann', { mode: 'view' }), rec(100, 'viewer.leave', 'ann', { mode: 'view' })],
      T0 + 500_000,
    );
    expect(row.visits.map((v) => [v.joinedAt, v.leftAt])).toEqual([
      [iso(0), iso(60)],
      [iso(20), iso(100)],
    ]);
    expect(row.totalSeconds).toBe(100); // not 60 + 80
  });

  it('leaves pair with their own connection when records name it (not first in, first out)', () => {
    const [row] = summarizeSession(
      [
        rec(0, 'viewer.join', 'ann', { mode: 'view', viewerId: 'sock-a' }),
        rec(5, 'viewer.join', 'ann', { mode: 'view', viewerId: 'sock-b' }),
        rec(10, 'viewer.leave', 'ann', { mode: 'view', viewerId: 'sock-b' }),
        rec(30, 'viewer.leave', 'ann', { mode: 'view', viewerId: 'sock-a' }),
      ],
      T0 + 100_000,
    );
    expect(row.visits.map((v) => v.durationSeconds)).toEqual([30, 5]);
    expect(row.totalSeconds).toBe(30);
  });

  it('without connection ids, a leave ends the open visit of its own mode', () => {
    const [row] = summarizeSession(
      [rec(0, 'viewer.join', 'ann', { mode: 'view' }), rec(5, 'viewer.join', 'ann', { mode: 'interact' }), rec(10, 'viewer.leave', 'ann', { mode: 'interact' })],
      T0 + 100_000,
    );
    expect(row.visits).toEqual([
      { joinedAt: iso(0), mode: 'view' },
      { joinedAt: iso(5), leftAt: iso(10), durationSeconds: 5, mode: 'interact', leftBecause: 'left' },
    ]);
  });

  it('the same connection attaching again (a mode switch) ends its previous visit', () => {
    const [row] = summarizeSession(
      [rec(0, 'viewer.join', 'ann', { mode: 'view', viewerId: 'sock-a' }), rec(8, 'viewer.join', 'ann', { mode: 'interact', viewerId: 'sock-a' }), rec(20, 'viewer.leave', 'ann', { mode: 'interact', viewerId: 'sock-a' })],
      T0 + 100_000,
    );
    expect(row.visits.map((v) => [v.mode, v.durationSeconds, v.leftBecause])).toEqual([
      ['view', 8, 'rejoined'],
      ['interact', 12, 'left'],
    ]);
    expect(row.totalSeconds).toBe(20);
  });

  it('counts takes, not hand-backs; a refused take is not control taken; hand-back alone makes no watcher', () => {
    const rows = summarizeSession(
      [
        rec(0, 'viewer.join', 'ann', { mode: 'interact' }),
        rec(1, 'control.take', 'ann', { force: false }),
        rec(2, 'control.handback', 'ann'),
        rec(3, 'control.take', 'ann'),
        rec(4, 'control.take', 'ann', null, { errorCode: 'ControlHeld', errorMessage: 'control is held by another viewer' }),
        rec(5, 'control.handback', 'ann'),
        rec(6, 'control.handback', 'carl'),
        rec(7, 'user.resume', 'carl'),
      ],
      T0 + 10_000,
    );
    expect(rows.map((r) => [r.viewer, r.controlTaken])).toEqual([['ann', 2]]);
  });

  it('counts input bursts, pauses of the user, recording views and downloads; a recording-only viewer has no visits', () => {
    const rows = summarizeSession(
      [
        rec(0, 'viewer.join', 'ann', { mode: 'interact' }),
        rec(1, 'viewer.input', 'ann', {}),
        rec(9, 'viewer.input', 'ann', {}),
        rec(10, 'user.pause', 'ann', { force: false }),
        rec(11, 'viewer.leave', 'ann', { mode: 'interact' }),
        rec(500, 'recording.view', 'dora', { user: 'dora', live: false }),
        rec(501, 'recording.download', 'dora'),
        rec(502, 'recording.view', 'dora'),
      ],
      T0 + 1_000_000,
    );
    expect(rows.map(({ viewer, visits, inputBursts, userPauses, recordingViews, recordingDownloads, totalSeconds }) => ({ viewer, visits: visits.length, inputBursts, userPauses, recordingViews, recordingDownloads, totalSeconds }))).toEqual([
      { viewer: 'ann', visits: 1, inputBursts: 2, userPauses: 1, recordingViews: 0, recordingDownloads: 0, totalSeconds: 11 },
      { viewer: 'dora', visits: 0, inputBursts: 0, userPauses: 0, recordingViews: 2, recordingDownloads: 1, totalSeconds: 0 },
    ]);
  });

  it('reads records defensively: the legacy detail shape, a missing or odd mode, agents and the system are no watchers', () => {
    const rows = summarizeSession(
      [
        // a pre-v0.5 record: requestParameters is the old detail, the user only in actor
        { seq: 1, eventTime: iso(0), action: 'viewer.join', actor: 'user:ann', userIdentity: { type: 'VigilUser', userName: 'ann' }, requestParameters: { mode: 'interact', sourceIp: '10.0.0.1' } },
        { seq: 2, eventTime: iso(1), action: 'viewer.join', actor: 'user:bob' },
        rec(2, 'viewer.join', 'carl', { mode: 'ADMIN' }),
        rec(3, 'viewer.join', null, { mode: 'interact' }),
        { seq: 5, eventTime: iso(4), action: 'viewer.join', actor: 'agent:7', userIdentity: { type: 'VigilAgent', userName: 'agent:7' } },
        { seq: 6, eventTime: 'not a date', action: 'recording.view', actor: 'user:eve', requestParameters: ['not', 'an', 'object'] as unknown as Record<string, unknown> },
      ],
      T0 + 10_000,
    );
    expect(rows.map((r) => [r.viewer, r.visits[0]?.mode ?? '-', r.recordingViews])).toEqual([
      ['eve', '-', 1], // an unreadable time sorts first
      ['ann', 'interact', 0],
      ['bob', 'view', 0],
      ['carl', 'view', 0],
    ]);
  });

  it('folds records in chain order (seq), whatever order they arrive in', () => {
    const records = [rec(0, 'viewer.join', 'ann'), rec(30, 'viewer.leave', 'ann'), rec(40, 'viewer.join', 'ann')];
    const [row] = summarizeSession([...records].reverse(), T0 + 50_000);
    expect(row.visits).toEqual([
      { joinedAt: iso(0), leftAt: iso(30), durationSeconds: 30, mode: 'view', leftBecause: 'left' },
      { joinedAt: iso(40), mode: 'view' },
    ]);
    expect(row.totalSeconds).toBe(40);
  });
});

describe('who watched: one user over a time range', () => {
  const inSession = (sessionId: string, r: WatchRecord): WatchRecord => ({ ...r, sessionId });

  it("lists the user's sessions newest first; visits overlapping the range whole, counters and seconds inside it", () => {
    const records = [
      // s-old: watched long before the range
      inSession('s-old', rec(0, 'viewer.join', 'ann')),
      inSession('s-old', rec(10, 'viewer.leave', 'ann')),
      // s-long: joined before the range, left inside it; took control before and inside it
      inSession('s-long', rec(100, 'viewer.join', 'ann', { mode: 'interact' })),
      inSession('s-long', rec(150, 'control.take', 'ann')),
      inSession('s-long', rec(250, 'control.take', 'ann')),
      inSession('s-long', rec(300, 'viewer.leave', 'ann', { mode: 'interact' })),
      // s-new: someone else watched, ann only viewed the recording inside the range
      inSession('s-new', rec(400, 'viewer.join', 'bob')),
      inSession('s-new', rec(450, 'recording.view', 'ann')),
      // a record without a session is ignored
      { ...rec(420, 'recording.view', 'ann'), sessionId: undefined },
    ];
    const window = { from: T0 + 200_000, to: T0 + 500_000 };
    const sessions = summarizeUser('ann', records, T0 + 600_000, window);
    expect(sessions.map((s) => [s.sessionId, s.visits.map((v) => v.durationSeconds), s.controlTaken, s.recordingViews, s.totalSeconds])).toEqual([
      ['s-new', [], 0, 1, 0],
      ['s-long', [200], 1, 0, 100],
    ]);
  });

  it('a visit still open is listed for a range after its start, and nothing of another user leaks in', () => {
    const records = [inSession('s-1', rec(0, 'viewer.join', 'ann')), inSession('s-1', rec(5, 'viewer.join', 'bob')), inSession('s-1', rec(6, 'control.take', 'bob'))];
    const sessions = summarizeUser('ann', records, T0 + 1000_000, { from: T0 + 900_000, to: T0 + 1000_000 });
    expect(sessions).toEqual([
      { sessionId: 's-1', viewer: 'ann', visits: [{ joinedAt: iso(0), mode: 'view' }], controlTaken: 0, inputBursts: 0, userPauses: 0, recordingViews: 0, recordingDownloads: 0, totalSeconds: 100 },
    ]);
    expect(summarizeUser('zed', records, T0 + 1000_000, {})).toEqual([]);
  });
});
