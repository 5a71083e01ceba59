import type { ColumnDefinition } from '@vigil/common';
import type { WatchVisit, WatchedSession, WatcherSummary } from './watch-report-builder';

/** One CSV line: a visit of a watcher (or none, for a watcher who only viewed the recording), with the watcher's totals. */
export interface WatchCsvRow {
  sessionId: string;
  watcher: WatcherSummary;
  visit?: WatchVisit;
}

export const WATCH_CSV_COLUMNS: ColumnDefinition<WatchCsvRow>[] = [
  { id: 'sessionId', header: 'Session', value: (r) => r.sessionId },
  { id: 'viewer', header: 'Viewer', value: (r) => r.watcher.viewer },
  { id: 'joinedAt', header: 'Joined', value: (r) => (r.visit ? (r.visit.joinedAt ?? 'unknown') : '') },
  { id: 'leftAt', header: 'Left', value: (r) => (r.visit ? (r.visit.leftAt ?? 'still watching') : '') },
  { id: 'durationSeconds', header: 'Duration (s)', value: (r) => r.visit?.durationSeconds ?? '' },
  { id: 'mode', header: 'Mode', value: (r) => r.visit?.mode ?? '' },
  { id: 'leftBecause', header: 'Left because', value: (r) => r.visit?.leftBecause ?? '' },
  { id: 'controlTaken', header: 'Control taken', value: (r) => r.watcher.controlTaken },
  { id: 'inputBursts', header: 'Input bursts', value: (r) => r.watcher.inputBursts },
  { id: 'userPauses', header: 'User paused', value: (r) => r.watcher.userPauses },
  { id: 'recordingViews', header: 'Recording views', value: (r) => r.watcher.recordingViews },
  { id: 'recordingDownloads', header: 'Recording downloads', value: (r) => r.watcher.recordingDownloads },
  { id: 'totalSeconds', header: 'Total watched (s)', value: (r) => r.watcher.totalSeconds },
];

export function watchCsvRows(sessions: { sessionId: string; watchers: WatcherSummary[] }[]): WatchCsvRow[] {
  const rows: WatchCsvRow[] = [];
  for (const { sessionId, watchers } of sessions) {
    for (const watcher of watchers) {
      if (watcher.visits.length === 0) rows.push({ sessionId, watcher });
      for (const visit of watcher.visits) rows.push({ sessionId, watcher, visit });
    }
  }
  return rows;
}

export function userCsvRows(sessions: WatchedSession[]): WatchCsvRow[] {
  return watchCsvRows(sessions.map(({ sessionId, ...watcher }) => ({ sessionId, watchers: [watcher] })));
}

/** `vigil-watchers-<what>-<yyyy-mm-dd>.csv`, with nothing a header could be confused by. */
export function watchCsvName(kind: 'watchers' | 'watched', what: string, now: number): string {
  return `vigil-${kind}-${what.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64)}-${new Date(now).toISOString().slice(0, 10)}.csv`;
}
