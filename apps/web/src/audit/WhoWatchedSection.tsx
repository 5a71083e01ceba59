import { useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { auditApi, type SessionWatchReport } from '../api/audit';
import { downloadFile } from '../api/download';
import { ErrorBanner } from '../common/ErrorBanner';
import { WatcherTable } from './WatcherTable';
import './audit.css';

/** "Who watched" on an access-log entry: every viewer's visits, control taken, input sent, recording views; CSV. */
export function WhoWatchedSection({ sessionId, token }: { sessionId: string; token: string }) {
  const [report, setReport] = useState<(SessionWatchReport & { truncated?: boolean }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  useEffect(() => {
    let live = true;
    auditApi.sessionWatchers(token, sessionId).then(
      (r) => live && setReport(r),
      (e) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [token, sessionId]);

  const download = async () => {
    setDownloading(true);
    setError(null);
    try {
      await downloadFile(auditApi.sessionWatchersCsv(sessionId), token, 'vigil-watchers.csv', 'text/csv');
    } catch (e) {
      setError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="card stack who-watched" aria-labelledby="who-watched-title" data-testid="who-watched">
      <div className="page-head">
        <h2 id="who-watched-title">Who watched</h2>
        <span className="grow" />
        <button type="button" className="button small" onClick={() => void download()} disabled={downloading || !report}>
          {downloading ? 'Preparing…' : 'Download CSV'}
          <span className="visually-hidden"> of who watched</span>
        </button>
      </div>
      <ErrorBanner message={error} />
      {!report && !error && (
        <p className="muted" role="status">
          Loading who watched…
        </p>
      )}
      {report && report.watchers.length === 0 && (
        <p className="empty" role="status">
          Nobody watched this session live or viewed its recording.
        </p>
      )}
      {report && report.watchers.length > 0 && <WatcherTable rows={report.watchers} caption="Who watched this session" />}
      {report?.truncated && <p className="banner warn">This session has more watch records than one report holds: the oldest are left out.</p>}
    </section>
  );
}
