import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { AccessLogView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { AccessLogDetails } from '../access-logs/AccessLogDetails';
import { accessLogsHref } from '../access-logs/last-search';
import { WhoWatchedSection } from '../audit/WhoWatchedSection';
import { RecordingSection } from '../recording/RecordingSection';
import { Link } from '../router/Link';
import { sessionTitle } from '../sessions/session-title';

/** One access-log entry with every attribute and why it ended. */
export function AccessLogDetailPage({ entryId }: { entryId: string }) {
  useDocumentTitle('Access log entry');
  const { token } = useAuth();
  const [entry, setEntry] = useState<AccessLogView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.accessLog(token, entryId).then(setEntry, (e) => setError(errorMessage(e)));
  }, [token, entryId]);

  return (
    <section className="stack" aria-labelledby="entry-title">
      <p>
        <Link to={accessLogsHref()}>← Access logs</Link>
      </p>
      <h1 id="entry-title">{entry ? sessionTitle(entry) : 'Access log entry'}</h1>
      <ErrorBanner message={error} />
      {!entry && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {entry && <AccessLogDetails entry={entry} />}
      {entry?.recordingUrl && <RecordingSection entry={{ ...entry, recordingUrl: entry.recordingUrl }} />}
      {entry && <WhoWatchedSection sessionId={entry.id} token={token} />}
    </section>
  );
}
