import { WatchMode, WatchRecord, modeOf, timeOf, viewerIdOf, watcherOf } from './watch-record';

/** Why a visit ended: the viewer left, the session ended under them, or the same connection attached again. */
export type VisitEnd = 'left' | 'session-ended' | 'rejoined';

export interface WatchVisit {
  /** null when the join record is missing (a leave without a join: written before the audit covered it) */
  joinedAt: string | null;
  /** absent while the viewer is still watching */
  leftAt?: string;
  /** absent while still watching or when the join is unknown */
  durationSeconds?: number;
  mode: WatchMode;
  leftBecause?: VisitEnd;
}

export interface WatcherSummary {
  viewer: string;
  visits: WatchVisit[];
  controlTaken: number;
  inputBursts: number;
  userPauses: number;
  recordingViews: number;
  recordingDownloads: number;
  /** seconds watched live: the union of the visits (two tabs at once count once), open visits up to now */
  totalSeconds: number;
}

export interface SessionWatchReport {
  sessionId: string;
  watchers: WatcherSummary[];
}

export interface WatchedSession extends WatcherSummary {
  sessionId: string;
}

/** Inclusive epoch-ms bounds: counters count records inside, visits are kept when they overlap. */
export interface WatchWindow {
  from?: number;
  to?: number;
}

interface Visit {
  joined: number | null;
  left?: number;
  mode: WatchMode;
  viewerId?: string;
  end?: VisitEnd;
  /** a session-ended visit whose late leave record was already absorbed */
  leaveSeen?: boolean;
}

interface Watcher {
  viewer: string;
  firstAt: number;
  visits: Visit[];
  controlTaken: number;
  inputBursts: number;
  userPauses: number;
  recordingViews: number;
  recordingDownloads: number;
}

const COUNTERS = {
  'viewer.input': 'inputBursts',
  'control.take': 'controlTaken',
  'user.pause': 'userPauses',
  'recording.view': 'recordingViews',
  'recording.download': 'recordingDownloads',
} as const satisfies Record<string, keyof Watcher>;

/**
 * Folds one session's audit records (any order: sorted by seq here) into who watched it. Pure:
 * `now` closes nothing, it only measures visits still open. Refused calls (errorCode) are not
 * watching; `control.handback` and `user.resume` end states but are not counted.
 */
export function summarizeSession(records: readonly WatchRecord[], now: number, window: WatchWindow = {}): WatcherSummary[] {
  const watchers = new Map<string, Watcher>();
  let endedAt: number | undefined;
  const inWindow = (at: number) => (window.from === undefined || at >= window.from) && (window.to === undefined || at <= window.to);

  for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
    if (record.errorCode) continue;
    const at = timeOf(record);
    if (record.action === 'session.end' || record.action === 'session.terminate') {
      endedAt ??= at;
      for (const w of watchers.values()) for (const v of openVisits(w)) close(v, at, 'session-ended');
      continue;
    }
    const name = watcherOf(record);
    if (name === undefined) continue;
    const watcher = watchers.get(name) ?? { viewer: name, firstAt: at, visits: [], controlTaken: 0, inputBursts: 0, userPauses: 0, recordingViews: 0, recordingDownloads: 0 };
    switch (record.action) {
      case 'viewer.join': {
        const viewerId = viewerIdOf(record);
        if (viewerId !== undefined) for (const v of openVisits(watcher).filter((o) => o.viewerId === viewerId)) close(v, at, 'rejoined');
        watcher.visits.push({ joined: at, mode: modeOf(record), viewerId });
        break;
      }
      case 'viewer.leave':
        leave(watcher, record, at, endedAt);
        break;
      default: {
        const counter = COUNTERS[record.action as keyof typeof COUNTERS];
        if (counter === undefined) continue; // handback, resume, anything else: not a watcher by itself
        if (inWindow(at)) watcher[counter]++;
      }
    }
    watchers.set(name, watcher);
  }

  const result: WatcherSummary[] = [];
  for (const w of [...watchers.values()].sort((a, b) => a.firstAt - b.firstAt)) {
    const visits = w.visits.filter((v) => overlaps(v, now, window)).sort((a, b) => startOf(a) - startOf(b));
    const counted = w.controlTaken + w.inputBursts + w.userPauses + w.recordingViews + w.recordingDownloads;
    if (visits.length === 0 && counted === 0) continue;
    result.push({
      viewer: w.viewer,
      visits: visits.map(toView),
      controlTaken: w.controlTaken,
      inputBursts: w.inputBursts,
      userPauses: w.userPauses,
      recordingViews: w.recordingViews,
      recordingDownloads: w.recordingDownloads,
      totalSeconds: unionSeconds(visits, now, window),
    });
  }
  return result;
}

/**
 * Everything `user` watched, per session, from the records of those sessions (each session's own
 * history, so a visit that began before the window is still seen whole). Newest session first.
 */
export function summarizeUser(user: string, records: readonly WatchRecord[], now: number, window: WatchWindow): WatchedSession[] {
  const bySession = new Map<string, WatchRecord[]>();
  for (const r of records) {
    if (!r.sessionId) continue;
    const list = bySession.get(r.sessionId) ?? [];
    list.push(r);
    bySession.set(r.sessionId, list);
  }
  const sessions: { first: number; row: WatchedSession }[] = [];
  for (const [sessionId, list] of bySession) {
    const row = summarizeSession(list, now, window).find((w) => w.viewer === user);
    if (!row) continue;
    const firstVisit = row.visits[0];
    const first = firstVisit ? Date.parse(firstVisit.joinedAt ?? firstVisit.leftAt ?? '') : firstActivity(list, user);
    sessions.push({ first: Number.isFinite(first) ? first : 0, row: { sessionId, ...row } });
  }
  return sessions.sort((a, b) => b.first - a.first || a.row.sessionId.localeCompare(b.row.sessionId)).map((s) => s.row);
}

function firstActivity(records: WatchRecord[], user: string): number {
  return Math.min(...records.filter((r) => watcherOf(r) === user).map(timeOf));
}

function openVisits(w: Watcher): Visit[] {
  return w.visits.filter((v) => v.left === undefined && v.joined !== null);
}

function close(v: Visit, at: number, end: VisitEnd): void {
  v.left = Math.max(at, v.joined ?? at);
  v.end = end;
}

/**
 * Pairs a leave with the visit it ends: the same connection when both name it, else the oldest
 * open visit in the same mode, else the oldest open one. A leave after the session ended is the
 * viewer being detached by that end: already closed, so absorbed. Otherwise an unmatched leave
 * is kept as a visit whose start is unknown rather than dropped.
 */
function leave(w: Watcher, record: WatchRecord, at: number, endedAt: number | undefined): void {
  const open = openVisits(w);
  const viewerId = viewerIdOf(record);
  const mode = modeOf(record);
  const match =
    (viewerId !== undefined ? open.find((v) => v.viewerId === viewerId) : undefined) ??
    open.find((v) => v.mode === mode && (viewerId === undefined || v.viewerId === undefined)) ??
    open.find((v) => viewerId === undefined || v.viewerId === undefined) ??
    (viewerId === undefined ? open[0] : undefined);
  if (match) {
    close(match, at, 'left');
    return;
  }
  if (endedAt !== undefined && at >= endedAt) {
    const ended = w.visits.find((v) => v.end === 'session-ended' && !v.leaveSeen && (viewerId === undefined || v.viewerId === undefined || v.viewerId === viewerId));
    if (ended) {
      ended.leaveSeen = true;
      return;
    }
  }
  w.visits.push({ joined: null, left: at, mode, viewerId, end: 'left' });
}

const startOf = (v: Visit) => v.joined ?? v.left ?? 0;

function overlaps(v: Visit, now: number, window: WatchWindow): boolean {
  const start = startOf(v);
  const end = v.left ?? Math.max(now, start);
  return (window.to === undefined || start <= window.to) && (window.from === undefined || end >= window.from);
}

/** Seconds covered by the known visits, clipped to the window and to now. */
function unionSeconds(visits: Visit[], now: number, window: WatchWindow): number {
  const lo = window.from ?? -Infinity;
  const hi = Math.min(window.to ?? Infinity, now);
  const spans = visits
    .filter((v) => v.joined !== null)
    .map((v) => [Math.max(v.joined!, lo), Math.min(v.left ?? now, hi)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [s, e] of spans) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return Math.round(total / 1000);
}

function toView(v: Visit): WatchVisit {
  return {
    joinedAt: v.joined === null ? null : new Date(v.joined).toISOString(),
    ...(v.left !== undefined ? { leftAt: new Date(v.left).toISOString() } : {}),
    ...(v.left !== undefined && v.joined !== null ? { durationSeconds: Math.max(0, Math.round((v.left - v.joined) / 1000)) } : {}),
    mode: v.mode,
    ...(v.end ? { leftBecause: v.end } : {}),
  };
}
