import type { AccessLogView, SessionView } from './session-attributes';

/**
 * Domain events about sessions, published in-process after the change is committed.
 * Listeners (socket pushes, metrics, audit, shadowing) react without touching the registry's tables.
 */
export const SessionEvents = {
  opened: 'session.opened',
  updated: 'session.updated',
  ended: 'session.ended',
  viewers: 'session.viewers',
} as const;

export interface SessionOpenedEvent {
  session: SessionView;
}
export interface SessionUpdatedEvent {
  session: SessionView;
}
export interface SessionEndedEvent {
  entry: AccessLogView;
  /** a person's words for the end, e.g. the terminate reason shown to the user */
  message?: string;
}

/** Who is watching a live session right now (usernames), for the sessions page. */
export interface SessionViewersEvent {
  sessionId: string;
  owner: string;
  /** `via: 'wall'`: a thumbnail on the wall of live sessions (mode `view`); absent for a full attach */
  viewers: { username: string; mode: 'view' | 'interact'; via?: 'wall' }[];
}

/** What the user of a session ended elsewhere (terminated, timed out) is told before it closes. */
export function endNotice(entry: { endReason: string; endedBy?: string | null; endMessage?: string | null }): string {
  if (entry.endReason === 'terminated') {
    return `Session terminated${entry.endedBy ? ` by ${entry.endedBy}` : ''}${entry.endMessage ? `: ${entry.endMessage}` : ''}`;
  }
  return `Session ended by Vigil (${entry.endReason})${entry.endMessage ? `: ${entry.endMessage}` : ''}`;
}
