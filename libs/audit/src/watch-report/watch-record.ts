/**
 * Reading one audit record for the "who watched" report. The live gateway's call sites change
 * shape over time (legacy `detail` records, then CloudTrail-shaped ones), so every field is read
 * defensively: what the report relies on is only `action`, `eventTime`, the user behind the
 * record, `errorCode`, and, when present, `requestParameters.mode` and `requestParameters.viewerId`.
 */

/** The parts of an AuditView the report reads (tests build these by hand). */
export interface WatchRecord {
  seq: number;
  eventTime: string;
  action: string;
  actor: string;
  sessionId?: string;
  userIdentity?: { type?: string; userName?: string };
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
}

export type WatchMode = 'view' | 'interact';

/** Records about watching a session; the report asks the audit trail for these (and the ends below). */
export const WATCH_ACTIONS = [
  'viewer.join',
  'viewer.leave',
  'viewer.input',
  'control.take',
  'control.handback',
  'user.pause',
  'recording.view',
  'recording.download',
] as const;

/** A session's end closes every visit still open (viewers get no leave record when the session goes). */
export const SESSION_END_ACTIONS = ['session.end', 'session.terminate'] as const;

/** The Vigil user behind a record, or undefined when it is not a user's (agents, the system). */
export function watcherOf(record: WatchRecord): string | undefined {
  const identity = record.userIdentity;
  if (identity?.type === 'VigilUser' && typeof identity.userName === 'string' && identity.userName !== '') return identity.userName;
  if (typeof record.actor === 'string' && record.actor.startsWith('user:') && record.actor.length > 5) return record.actor.slice(5);
  return undefined;
}

function stringField(record: WatchRecord, key: string): string | undefined {
  for (const bag of [record.requestParameters, record.responseElements]) {
    if (bag && typeof bag === 'object' && !Array.isArray(bag)) {
      const value = (bag as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return undefined;
}

/** `interact` only when the record says so; anything else (absent, unknown) reads as the safer `view`. */
export function modeOf(record: WatchRecord): WatchMode {
  return stringField(record, 'mode') === 'interact' ? 'interact' : 'view';
}

/** The viewer connection (socket id) a join or leave names, when the writer recorded it. */
export function viewerIdOf(record: WatchRecord): string | undefined {
  return stringField(record, 'viewerId');
}

/** epoch ms of the record, NaN-proof: an unreadable time sorts first and counts as 0. */
export function timeOf(record: WatchRecord): number {
  const ms = Date.parse(record.eventTime);
  return Number.isFinite(ms) ? ms : 0;
}
