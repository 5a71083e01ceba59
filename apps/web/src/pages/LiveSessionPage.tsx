import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { SessionView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { ErrorBanner } from '../common/ErrorBanner';
import { formatDate } from '../common/format';
import { useDocumentTitle } from '../common/use-document-title';
import { Link } from '../router/Link';
import { useLocation } from '../router/use-location';

/**
 * Live view of one session (mode `view` or `interact`). Placeholder: the terminal / RDP canvas
 * attaches to the /live namespace in `#live-screen` once live shadowing lands.
 */
export function LiveSessionPage({ sessionId }: { sessionId: string }) {
  const { token, me } = useAuth();
  const { search } = useLocation();
  const mode = search.get('mode') === 'interact' ? 'interact' : 'view';
  useDocumentTitle(mode === 'interact' ? 'Interact' : 'View session');
  const [session, setSession] = useState<SessionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const allowed = mode === 'interact' ? can.interact(me) : can.view(me);

  useEffect(() => {
    api.session(token, sessionId).then(setSession, (e) => setError(errorMessage(e)));
  }, [token, sessionId]);

  return (
    <section className="stack" aria-labelledby="live-title">
      <p>
        <Link to="/sessions">← Sessions</Link>
      </p>
      <h1 id="live-title">{mode === 'interact' ? 'Interact with session' : 'View session'}</h1>
      <ErrorBanner message={error} />
      {!allowed && <p className="banner error" role="alert">You need the {mode === 'interact' ? 'interact' : 'shadow'} privilege for this.</p>}
      {session && (
        <p className="muted">
          {session.user} on {session.client} ({session.type}), owner {session.owner}, since {formatDate(session.startDate)} — {session.status}
        </p>
      )}
      <div id="live-screen" className="live-placeholder card" data-mode={mode} data-session-id={sessionId} role="status">
        Live view is coming soon: the session’s screen will appear here.
      </div>
    </section>
  );
}
