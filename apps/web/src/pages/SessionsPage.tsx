import { useCallback, useMemo, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { request } from '../api/client';
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
import { csvFileName, parseCsv, pickRows, saveFile, toCsv } from '../sessions/csv-export';
import { FilterChips } from '../sessions/FilterChips';
import { applyChips, chipChoices, type ChipField } from '../sessions/filter-chips';
import { filterSessions, nextSort, sortSessions } from '../sessions/sort-filter';
import { parseViewState, viewStateQuery, withChip, withoutChip, type SessionsViewState } from '../sessions/url-state';
import { navigate } from '../router/history';
import { useLocation } from '../router/use-location';
import { sessionTitle } from '../sessions/session-title';
import { TerminateDialog } from '../sessions/TerminateDialog';
import { useLiveSessions, type LiveEvent } from '../sessions/use-live-sessions';
import { useSessionColumns } from '../sessions/use-session-columns';
import { RecentlyEndedList } from '../sessions/RecentlyEndedList';
import { useRecentChanges } from '../sessions/use-recent-changes';

const EDITOR_ID = 'column-editor';

/** Open sessions the user may see, live; columns, sort, filter, CSV, terminate. */
export function SessionsPage() {
  useDocumentTitle('Sessions');
  const { token, me } = useAuth();
  const [announcement, setAnnouncement] = useState('');
  const recent = useRecentChanges();
  const { record } = recent;
  const onLiveEvent = useCallback(
    (event: LiveEvent) => {
      record(event);
      if (event.kind !== 'updated') setAnnouncement(describeLiveEvent(event));
    },
    [record],
  );
  const live = useLiveSessions(token, onLiveEvent);
  const prefs = useSessionColumns(token);
  // filter text, chips and sort live in the URL: a reload, a shared link and back/forward keep them
  const location = useLocation();
  const view = useMemo(() => parseViewState(new URLSearchParams(location.href.split('?')[1] ?? '')), [location.href]);
  const { text: filter, sort, chips } = view;
  const setView = (next: Partial<SessionsViewState>, replace = false) =>
    navigate(`${location.pathname}${viewStateQuery({ ...view, ...next })}`, { replace });
  const [editorOpen, setEditorOpen] = useState(false);
  const [terminating, setTerminating] = useState<SessionView | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const columns = useMemo(() => resolveColumns(prefs.columns ?? [], prefs.available), [prefs.columns, prefs.available]);
  const rows = useMemo(
    () => sortSessions(filterSessions(applyChips(live.sessions, chips), columns, filter), columns, sort),
    [live.sessions, columns, filter, sort, chips],
  );
  const choices = useCallback((field: ChipField) => chipChoices(live.sessions, field), [live.sessions]);

  const filtered = filter !== '' || chips.length > 0;
  const download = async () => {
    setDownloading(true);
    setActionError(null);
    try {
      const shown = columns.map((c) => c.id);
      // filtered: the id as an extra column picks the lines of the rows shown (then goes again)
      const addId = filtered && !shown.includes('id');
      const ids = addId ? [...shown, 'id'] : shown;
      const response = await request(`/api/sessions?format=csv&columns=${encodeURIComponent(ids.join(','))}`, { token, accept: 'text/csv' });
      const text = await response.text();
      const csv = filtered ? toCsv(pickRows(parseCsv(text), ids.indexOf('id'), rows.map((r) => r.id), addId)) : text;
      saveFile(new Blob([csv], { type: 'text/csv' }), csvFileName(new Date()));
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
        // typing replaces the history entry: back goes to the previous view, not the previous keystroke
        onFilter={(text) => setView({ text }, true)}
        editorId={EDITOR_ID}
        editorOpen={editorOpen}
        onToggleEditor={() => setEditorOpen((open) => !open)}
        onDownload={() => void download()}
        downloading={downloading}
        downloadLabel={filtered ? `Download CSV (${rows.length} shown)` : 'Download CSV'}
      />
      <FilterChips
        chips={chips}
        choices={choices}
        onAdd={(chip) => setView({ chips: withChip(chips, chip) })}
        onRemove={(chip) => setView({ chips: withoutChip(chips, chip) })}
        onClear={() => setView({ chips: [] })}
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
          <RecentlyEndedList ended={recent.changes.ended} />
          <SessionsTable
            me={me}
            columns={columns}
            rows={rows}
            sort={sort}
            onSort={(id) => setView({ sort: nextSort(sort, id) })}
            onTerminate={setTerminating}
            caption={`Open sessions, ${summary}`}
            watchers={live.watchers}
            appeared={recent.changes.appeared}
          />
          {rows.length === 0 && (
            <p className="empty" role="status">
              {count === 0 ? 'No open sessions right now. New ones appear here as they start.' : 'No session matches the filter.'}
            </p>
          )}
        </>
      )}
      <LiveRegion id="sessions-live" message={announcement} />
      <TerminateDialog session={terminating} onCancel={() => setTerminating(null)} onConfirm={terminate} />
    </section>
  );
}
