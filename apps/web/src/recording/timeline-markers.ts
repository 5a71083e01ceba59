import type { AuditRecord } from '../api/audit';

export type MarkerKind = 'join' | 'take' | 'handback' | 'grant' | 'pause' | 'resume' | 'terminate' | 'end';

/** One audit event on the player's timeline. */
export interface TimelineMarker {
  id: string;
  kind: MarkerKind;
  /** seconds from the recording's start (clamped into it) */
  time: number;
  /** when it happened, epoch ms (the record's own time, even when clamped) */
  at: number;
  who: string | null;
  /** accessible name and tooltip: "alice took control at 14:03:12" */
  label: string;
}

const KIND_OF_EVENT: Record<string, MarkerKind> = {
  JoinSession: 'join',
  TakeControl: 'take',
  HandBackControl: 'handback',
  GrantControl: 'grant',
  PauseUserInput: 'pause',
  ResumeUserInput: 'resume',
  TerminateSession: 'terminate',
  EndSession: 'end',
};

/** The audit eventNames the timeline shows. */
export const MARKER_EVENT_NAMES = Object.keys(KIND_OF_EVENT);

/**
 * Places a session's audit records on its recording's timeline: joins, take-overs (taken, handed
 * back, granted), user pauses and resumes, the terminate or end. Refused calls (errorCode) did not
 * happen and are left out. A record before the recording's first second sits at its start, one
 * after its last event (a terminate a moment after the last output) at its end; the label keeps
 * the real time. Pure: `clock` formats a time (the browser's locale and zone in the console).
 */
export function markersFromAudit(records: readonly AuditRecord[], startMs: number, duration: number, clock: (epochMs: number) => string): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  for (const record of records) {
    const kind = KIND_OF_EVENT[record.eventName];
    if (!kind || record.errorCode) continue;
    const at = Date.parse(record.eventTime);
    if (!Number.isFinite(at)) continue;
    const who = record.userIdentity?.type === 'VigilUser' && record.userIdentity.userName ? record.userIdentity.userName : null;
    const seconds = Math.min(duration, Math.max(0, (at - startMs) / 1000));
    markers.push({ id: record.eventID, kind, time: seconds, at, who, label: describe(kind, who, record, clock(at)) });
  }
  return markers.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

function describe(kind: MarkerKind, who: string | null, record: AuditRecord, time: string): string {
  const actor = who ?? 'Vigil';
  const mode = record.requestParameters?.mode === 'interact' ? ' to interact' : ' to view';
  const to = typeof record.requestParameters?.to === 'string' ? record.requestParameters.to : 'a viewer';
  const forced = record.requestParameters?.force === true ? ' (forced)' : '';
  switch (kind) {
    case 'join':
      return `${actor} joined${mode} at ${time}`;
    case 'take':
      return `${actor} took control${forced} at ${time}`;
    case 'handback':
      return `${actor} handed back control at ${time}`;
    case 'grant':
      return `${actor} granted control to ${to} at ${time}`;
    case 'pause':
      return `${actor} paused the user’s keyboard at ${time}`;
    case 'resume':
      return `${actor} resumed the user’s keyboard at ${time}`;
    case 'terminate':
      return `${actor} terminated the session at ${time}`;
    case 'end':
      return `The session ended at ${time}`;
  }
}

/** Short visible glyph of a marker (the label says it in words). */
export const MARKER_GLYPH: Record<MarkerKind, string> = {
  join: '+',
  take: '⌨',
  handback: '↩',
  grant: '⇄',
  pause: '‖',
  resume: '▷',
  terminate: '■',
  end: '■',
};
