import { useCallback, useMemo, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { downloadFile } from '../api/download';
import { api } from '../api/endpoints';
import type { SessionView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { ColumnEditor } from '../sessions/ColumnEditor';
import { ConnectionBadge } from '../sessions/ConnectionBadge';
import { describeLiveEvent } from '../sessions/describe';
import { resolveColumns } from '../sessions/session-columns';
import { SessionsTable } from '../sessions/SessionsTable';
import { SessionsToolbar } from '../sessions/SessionsToolbar';
import { filterSessions, nextSort, sortSessions, type SortState } from '../sessions/sort-filter';
import { sessionTitle } from '../sessions/session-title';
import { TerminateDialog } from '../sessions/TerminateDialog';
import { useLiveSessions, type LiveEvent } from '../sessions/use-live-sessions';
import { useSessionColumns } from '../sessions/use-session-columns';

const EDITOR_ID = 'column-editor';

/** Open sessions the user may see, live; columns, sort, filter, CSV, terminate. */
export function SessionsPage() {
  useDocumentTitle('Sessions');
  const { token, me } = useAuth();
  const [announcement, setAnnouncement] = useState('');
  const onLiveEvent = useCallback((event: LiveEvent) => {
    if (event.kind !== 'updated') setAnnouncement(describeLiveEvent(event));
  }, []);
  const live = useLiveSessions(token, onLiveEvent);
  const prefs = useSessionColumns(token);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState | null>({ columnId: 'startDate', direction: 'descending' });
  const [editorOpen, setEditorOpen] = useState(false);
  const [terminating, setTerminating] = useState<SessionView | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const columns = useMemo(() => resolveColumns(prefs.columns ?? [], prefs.available), [prefs.columns, prefs.available]);
  const rows = useMemo(
    () => sortSessions(filterSessions(live.sessions, columns, filter), columns, sort),
    [live.sessions, columns, filter, sort],
  );

  const download = async () => {
    setDownloading(true);
    setActionError(null);
    try {
      const ids = columns.map((c) => c.id).join(',');
      await downloadFile(`/api/sessions?format=csv&columns=${encodeURIComponent(ids)}`, token, 'sessions.csv', 'text/csv');
    } catch (e) {
      setActionError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  const terminate = async (session: SessionView, reason: string) => {
    await api.terminate(token, session.id, reason);
    live.removeLocally(session.id);
    setTerminating(null);
    setAnnouncement(`Session terminated: ${sessionTitle(session)}.`);
  };

  const ready = live.loaded && prefs.columns !== null;
  const count = live.sessions.length;
  const summary =
    rows.length === count ? `${count} open session${count === 1 ? '' : 's'}` : `${rows.length} of ${count} open sessions shown`;

  return (
    <section className="stack" aria-labelledby="sessions-title">
      <div className="page-head">
        <h1 id="sessions-title">Sessions</h1>
        <ConnectionBadge state={live.link} />
        <span className="muted" data-testid="session-count">
          {ready ? summary : ''}
        </span>
      </div>
      <SessionsToolbar
        filter={filter}
        onFilter={setFilter}
        editorId={EDITOR_ID}
        editorOpen={editorOpen}
        onToggleEditor={() => setEditorOpen((open) => !open)}
        onDownload={() => void download()}
        downloading={downloading}
      />
      <ErrorBanner message={live.error ?? prefs.error ?? actionError} />
      {editorOpen && prefs.columns && (
        <ColumnEditor id={EDITOR_ID} shown={prefs.columns} available={prefs.available} saving={prefs.saving} onChange={(c) => void prefs.setColumns(c)} />
      )}
      {!ready ? (
        <p className="muted" role="status">
          Loading sessions…
        </p>
      ) : (
        <>
          <SessionsTable
            me={me}
            columns={columns}
            rows={rows}
            sort={sort}
            onSort={(id) => setSort((current) => nextSort(current, id))}
            onTerminate={setTerminating}
            caption={`Open sessions, ${summary}`}
            watchers={live.watchers}
          />
          {rows.length === 0 && (
            <p className="empty" role="status">
              {count === 0 ? 'No open sessions right now. New ones appear here as they start.' : 'No session matches the filter.'}
            </p>
          )}
          {filter && <p className="muted small">The CSV holds every open session you may see, in the columns shown, not only the filtered rows.</p>}
        </>
      )}
      <LiveRegion id="sessions-live" message={announcement} />
      <TerminateDialog session={terminating} onCancel={() => setTerminating(null)} onConfirm={terminate} />
    </section>
  );
}
