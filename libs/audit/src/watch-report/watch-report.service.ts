import { Injectable } from '@nestjs/common';
import { Clock } from '@vigil/common';
import { AuditService } from '../audit.service';
import { SESSION_END_ACTIONS, WATCH_ACTIONS, WatchRecord } from './watch-record';
import { SessionWatchReport, WatchedSession, summarizeSession, summarizeUser } from './watch-report-builder';

/** A session's watch records read at most this many (newest kept): the report says when it stopped short. */
const MAX_RECORDS_PER_SESSION = 20_000;
/** A user's report covers at most this many sessions (newest first); narrow the range for more. */
const MAX_SESSIONS_PER_USER = 500;
/** Joins just before the range are looked at too: a visit begun before `from` may last into it. */
const JOINS_BEFORE_RANGE = 200;
const PAGE = 1000;

export interface UserWatchReport {
  user: string;
  from: string;
  to: string;
  sessions: WatchedSession[];
  /** present (true) when more sessions or records matched than one report holds */
  truncated?: true;
}

/** Reads the audit trail for the "who watched" reports; the folding itself is watch-report-builder (pure). */
@Injectable()
export class WatchReportService {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async forSession(sessionId: string): Promise<SessionWatchReport & { truncated?: true }> {
    await this.audit.settle();
    const { records, truncated } = await this.sessionRecords(sessionId);
    return { sessionId, watchers: summarizeSession(records, this.clock.now()), ...(truncated ? { truncated } : {}) };
  }

  async forUser(user: string, from: number, to: number): Promise<UserWatchReport> {
    await this.audit.settle();
    const sessionIds = new Set<string>();
    let truncated = false;
    let beforeSeq: number | undefined;
    do {
      const page = await this.audit.query({ user, actions: [...WATCH_ACTIONS], from, to, limit: PAGE, beforeSeq });
      for (const r of page.items) if (r.sessionId) sessionIds.add(r.sessionId);
      beforeSeq = page.nextBeforeSeq;
      truncated = sessionIds.size > MAX_SESSIONS_PER_USER;
    } while (beforeSeq !== undefined && !truncated);
    if (!truncated) {
      const before = await this.audit.query({ user, actions: ['viewer.join'], to: from - 1, limit: JOINS_BEFORE_RANGE });
      for (const r of before.items) if (r.sessionId && sessionIds.size < MAX_SESSIONS_PER_USER) sessionIds.add(r.sessionId);
    }

    const records: WatchRecord[] = [];
    for (const sessionId of [...sessionIds].slice(0, MAX_SESSIONS_PER_USER)) {
      const read = await this.sessionRecords(sessionId);
      truncated ||= read.truncated;
      records.push(...read.records);
    }
    return {
      user,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      sessions: summarizeUser(user, records, this.clock.now(), { from, to }),
      ...(truncated ? { truncated: true as const } : {}),
    };
  }

  /** The session's watch and end records, through the indexed action filter, newest pages first. */
  private async sessionRecords(sessionId: string): Promise<{ records: WatchRecord[]; truncated: boolean }> {
    const records: WatchRecord[] = [];
    let beforeSeq: number | undefined;
    do {
      const page = await this.audit.query({ sessionId, actions: [...WATCH_ACTIONS, ...SESSION_END_ACTIONS], limit: PAGE, beforeSeq });
      records.push(...page.items);
      beforeSeq = page.nextBeforeSeq;
    } while (beforeSeq !== undefined && records.length < MAX_RECORDS_PER_SESSION);
    return { records, truncated: beforeSeq !== undefined };
  }
}
