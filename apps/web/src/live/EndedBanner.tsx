import { useEffect, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import type { AccessLogView } from '../api/types';
import { Link } from '../router/Link';

/**
 * The session is over: the reason from `ended`, and from the access log who ended it and the
 * message they gave (the entry is written as the session ends; asked again briefly if not yet).
 */
export function EndedBanner({ sessionId, reason, token, onEntry }: { sessionId: string; reason: string; token: string; onEntry?: (entry: AccessLogView) => void }) {
  const [entry, setEntry] = useState<AccessLogView | null>(null);
  const told = useRef(onEntry);
  told.current = onEntry;

  useEffect(() => {
    let cancelled = false;
    const load = async (attempt: number) => {
      try {
        const found = await api.accessLog(token, sessionId);
        if (cancelled) return;
        setEntry(found);
        told.current?.(found);
      } catch {
        if (!cancelled && attempt < 5) setTimeout(() => void load(attempt + 1), 300);
      }
    };
    void load(0);
    return () => {
      cancelled = true;
    };
  }, [sessionId, token]);

  return (
    <div className="banner ended-banner" role="alert" data-testid="ended-banner" data-reason={reason}>
      <strong>{endedText(entry?.endReason ?? reason)}</strong>
      {entry?.endedBy && <> Ended by {entry.endedBy}.</>}
      {entry?.endMessage && (
        <>
          {' '}
          Reason: “<span data-testid="end-message">{entry.endMessage}</span>”.
        </>
      )}{' '}
      <Link to={`/access-logs/${encodeURIComponent(sessionId)}`}>Open its access-log entry</Link>
    </div>
  );
}

/** "The session has ended." with how, once, in words (not "ended (ended)"). */
function endedText(reason: string): string {
  switch (reason) {
    case 'terminated':
      return 'The session was terminated.';
    case 'timeout':
      return 'The session ended: its agent stopped reporting (timeout).';
    case 'failed':
      return 'The session ended with an error.';
    case 'ended':
      return 'The session has ended.';
    default:
      return `The session has ended: ${reason}.`;
  }
}
