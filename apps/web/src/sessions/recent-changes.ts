import type { AccessLogView } from '../api/types';

/** How long a row that just appeared stays highlighted. */
export const APPEARED_HIGHLIGHT_MS = 4000;
/** How long an ended session stays listed above the table. */
export const ENDED_SHOWN_MS = 10_000;
/** At most this many ended sessions are listed at once (the newest). */
export const MAX_ENDED_SHOWN = 5;

export interface RecentlyEnded {
  entry: AccessLogView;
  at: number;
}

export interface RecentChanges {
  /** session id → when it appeared live (not in the first load) */
  appeared: ReadonlyMap<string, number>;
  /** newest first */
  ended: readonly RecentlyEnded[];
}

export const NO_RECENT_CHANGES: RecentChanges = { appeared: new Map(), ended: [] };

/**
 * What changed on the sessions page lately, so a row that appears is highlighted and one that
 * leaves is not simply gone. Pure (time passed in): the hook around it only owns the timer.
 * An ended row is not kept in the table (counts, sorting, CSV and the windowed rows stay about
 * open sessions); it is listed above it for a few seconds with a link to its access-log entry.
 */
export function withAppeared(changes: RecentChanges, id: string, now: number): RecentChanges {
  const appeared = new Map(changes.appeared);
  appeared.set(id, now);
  return { ...changes, appeared };
}

export function withEnded(changes: RecentChanges, entry: AccessLogView, now: number): RecentChanges {
  const appeared = new Map(changes.appeared);
  appeared.delete(entry.id);
  const ended = [{ entry, at: now }, ...changes.ended.filter((e) => e.entry.id !== entry.id)].slice(0, MAX_ENDED_SHOWN);
  return { appeared, ended };
}

/** Drops what is older than its display time; the same object when nothing expired. */
export function pruned(changes: RecentChanges, now: number): RecentChanges {
  const appeared = new Map([...changes.appeared].filter(([, at]) => now - at < APPEARED_HIGHLIGHT_MS));
  const ended = changes.ended.filter((e) => now - e.at < ENDED_SHOWN_MS);
  if (appeared.size === changes.appeared.size && ended.length === changes.ended.length) return changes;
  return { appeared, ended };
}

/** Milliseconds until the next change expires, or null when nothing is shown. */
export function nextExpiry(changes: RecentChanges, now: number): number | null {
  const deadlines = [
    ...[...changes.appeared.values()].map((at) => at + APPEARED_HIGHLIGHT_MS),
    ...changes.ended.map((e) => e.at + ENDED_SHOWN_MS),
  ];
  if (deadlines.length === 0) return null;
  return Math.max(0, Math.min(...deadlines) - now);
}
