import { useCallback, useEffect, useState } from 'react';
import { nextExpiry, NO_RECENT_CHANGES, pruned, withAppeared, withEnded, type RecentChanges } from './recent-changes';
import type { LiveEvent } from './use-live-sessions';
import type { AccessLogView } from '../api/types';

/** Rows that appeared and sessions that ended lately (see recent-changes.ts), expiring on a timer. */
export function useRecentChanges(): { changes: RecentChanges; record: (event: LiveEvent) => void } {
  const [changes, setChanges] = useState<RecentChanges>(NO_RECENT_CHANGES);
  const record = useCallback((event: LiveEvent) => {
    const now = Date.now();
    if (event.kind === 'opened') setChanges((current) => withAppeared(current, event.session.id, now));
    else if (event.kind === 'ended') setChanges((current) => withEnded(current, event.session as AccessLogView, now));
  }, []);
  useEffect(() => {
    const wait = nextExpiry(changes, Date.now());
    if (wait === null) return;
    const timer = setTimeout(() => setChanges((current) => pruned(current, Date.now())), wait + 50);
    return () => clearTimeout(timer);
  }, [changes]);
  return { changes, record };
}
