import type { SessionView } from '../api/types';
import { sessionTitle, unwatchableReason } from '../sessions/session-title';

/** What a session's tile on the wall shows: its live thumbnail, or why there is none. */
export type WallTileKind = { kind: 'thumbnail' } | { kind: 'no-live-view'; reason: string };

/** Desktops are watchable, but drawing 50 of them would cost the gateway a guacd stream each: the wall only offers Open. */
export const DESKTOP_REASON = 'A desktop (RDP/VNC) session: the wall draws no thumbnail of desktops (each would be a full stream); open it to watch.';

export function wallTileKind(session: Pick<SessionView, 'liveStream' | 'type'>): WallTileKind {
  const unwatchable = unwatchableReason(session);
  if (unwatchable) return { kind: 'no-live-view', reason: unwatchable };
  if (session.type === 'PAM_RDP') return { kind: 'no-live-view', reason: DESKTOP_REASON };
  return { kind: 'thumbnail' };
}

/** Tiles in a stable order: thumbnails first, then by title, so the wall does not shuffle as sessions come and go. */
export function wallOrder<S extends Pick<SessionView, 'id' | 'liveStream' | 'type' | 'user' | 'client' | 'accountName' | 'serviceProvider'>>(sessions: S[]): S[] {
  const rank = (s: S) => (wallTileKind(s).kind === 'thumbnail' ? 0 : 1);
  return [...sessions].sort((a, b) => rank(a) - rank(b) || sessionTitle(a).localeCompare(sessionTitle(b)) || a.id.localeCompare(b.id));
}

/** `rate limited: … retry in 250 ms` → 250; null for any other refusal. */
export function retryAfterMs(error: string): number | null {
  if (!error.startsWith('rate limited')) return null;
  const ms = /retry in (\d+) ms/.exec(error)?.[1];
  return ms ? Math.min(Number(ms), 10_000) : 1000;
}
