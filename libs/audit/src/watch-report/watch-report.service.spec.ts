import type { AuditFilter, AuditPage, AuditService } from '../audit.service';
import type { AuditView } from '../audit-view';
import { WatchReportService } from './watch-report.service';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

/** An in-memory audit trail answering query() like the real one: filters, newest first, keyset pages. */
function fakeAudit(records: Partial<AuditView>[]) {
  const all = records.map((r, i) => ({ ...r, seq: i + 1 }) as AuditView);
  const queries: AuditFilter[] = [];
  let settled = 0;
  const audit = {
    settle: async () => void settled++,
    query: async (f: AuditFilter): Promise<AuditPage> => {
      queries.push(f);
      const hits = all
        .filter((r) => (f.beforeSeq === undefined || r.seq < f.beforeSeq) && (!f.sessionId || r.sessionId === f.sessionId) && (!f.user || r.userIdentity?.userName === f.user))
        .filter((r) => (!f.actions || f.actions.includes(r.action)) && (f.from === undefined || Date.parse(r.eventTime) >= f.from) && (f.to === undefined || Date.parse(r.eventTime) <= f.to))
        .sort((a, b) => b.seq - a.seq);
      const items = hits.slice(0, f.limit);
      return hits.length > f.limit ? { items, nextBeforeSeq: items[items.length - 1].seq } : { items };
    },
  } as unknown as AuditService;
  return { audit, queries, settled: () => settled };
}

const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const rec = (s: number, action: string, user: string, sessionId: string, requestParameters: Record<string, unknown> = {}): Partial<AuditView> => ({
  eventTime: at(s),
  action,
  actor: `user:${user}`,
  sessionId,
  userIdentity: { type: 'VigilUser', userName: user },
  requestParameters,
});

describe('who watched: reading the audit trail', () => {
  it("a session's report settles the chain first and reads only watch and end records of that session", async () => {
    const { audit, queries, settled } = fakeAudit([rec(0, 'viewer.join', 'ann', 's1'), rec(5, 'session.end', 'jdoe', 's1'), rec(6, 'viewer.join', 'bob', 's2')]);
    const report = await new WatchReportService(audit, { now: () => T0 + 100_000 }).forSession('s1');
    expect(settled()).toBe(1);
    expect(report).toEqual({ sessionId: 's1', watchers: [expect.objectContaining({ viewer: 'ann', totalSeconds: 5, visits: [expect.objectContaining({ leftBecause: 'session-ended' })] })] });
    expect(queries[0]).toMatchObject({ sessionId: 's1', actions: expect.arrayContaining(['viewer.join', 'session.end', 'session.terminate', 'recording.view']) });
    expect(queries[0].actions).not.toContain('auth.login');
  });

  it("a user's range finds the sessions they acted in, and one they joined before the range and left inside it", async () => {
    const { audit } = fakeAudit([
      rec(0, 'viewer.join', 'ann', 'early'), // joined before the range, still there at its start
      rec(10, 'viewer.join', 'ann', 'gone'),
      rec(20, 'viewer.leave', 'ann', 'gone'), // over before the range
      rec(1000, 'control.take', 'ann', 'inside'),
      rec(1001, 'viewer.join', 'bob', 'bobs'),
      rec(1500, 'viewer.leave', 'ann', 'early'),
    ]);
    const report = await new WatchReportService(audit, { now: () => T0 + 5000_000 }).forUser('ann', T0 + 900_000, T0 + 2000_000);
    expect(report.sessions.map((s) => [s.sessionId, s.visits.map((v) => v.durationSeconds ?? null), s.controlTaken, s.totalSeconds])).toEqual([
      ['inside', [], 1, 0],
      ['early', [1500], 0, 600],
    ]);
    expect(report.truncated).toBeUndefined();
  });

  it('stops at 500 sessions and says the report is truncated', async () => {
    const records = Array.from({ length: 520 }, (_, i) => rec(i, 'recording.view', 'ann', `s${i}`));
    const { audit } = fakeAudit(records);
    const report = await new WatchReportService(audit, { now: () => T0 + 1000_000 }).forUser('ann', T0, T0 + 1000_000);
    expect(report.sessions).toHaveLength(500);
    expect(report.truncated).toBe(true);
    // the newest are kept
    expect(report.sessions[0].sessionId).toBe('s519');
  });
});
