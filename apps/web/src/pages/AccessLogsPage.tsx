import { useMemo, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { queryString, request } from '../api/client';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { accessLogApi, describeTotal } from '../access-logs/access-log-api';
import { ACCESS_LOG_DEFAULT_COLUMNS, csvColumnsFor, resolveAccessLogColumns } from '../access-logs/access-log-columns';
import { AccessLogFilterForm } from '../access-logs/AccessLogFilterForm';
import { AccessLogTable } from '../access-logs/AccessLogTable';
import { apiParams, filtersFromSearch, filtersToSearch } from '../access-logs/filters';
import { rememberSearch } from '../access-logs/last-search';
import { Pager } from '../access-logs/Pager';
import { useAccessLogPages } from '../access-logs/use-access-log-pages';
import { navigate } from '../router/history';
import { useLocation } from '../router/use-location';
import { ColumnEditor } from '../sessions/ColumnEditor';
import { csvFileName, saveFile } from '../sessions/csv-export';
import { useSessionColumns, type ColumnSource } from '../sessions/use-session-columns';
import '../access-logs/access-logs.css';

const PAGE_SIZES = [25, 50, 100];
const EDITOR_ID = 'access-log-column-editor';
const COLUMN_SOURCE: ColumnSource = { load: accessLogApi.columns, save: accessLogApi.saveColumns };

/** Ended sessions: search, filters (kept in the address bar), total, columns, paging, CSV. */
export function AccessLogsPage() {
  useDocumentTitle('Access logs');
  const { token } = useAuth();
  const location = useLocation();
  const searchText = location.search.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(searchText)), [searchText]);
  const params = useMemo(() => apiParams(filters), [filters]);
  const pageSize = PAGE_SIZES.includes(Number(location.search.get('limit'))) ? Number(location.search.get('limit')) : 25;
  const paging = useAccessLogPages(token, params, pageSize);
  const prefs = useSessionColumns(token, COLUMN_SOURCE);
  const [editorOpen, setEditorOpen] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  rememberSearch(searchText ? `?${searchText}` : '');

  // until the saved choice arrives the table waits; if it cannot be read, the defaults (and the error) show
  const shownIds = prefs.columns ?? (prefs.error ? ACCESS_LOG_DEFAULT_COLUMNS : null);
  const columns = useMemo(() => (shownIds ? resolveAccessLogColumns(shownIds, prefs.available) : null), [shownIds, prefs.available]);

  const go = (search: string, limit = pageSize) => {
    const sep = search ? '&' : '?';
    navigate(`/access-logs${search}${limit === 25 ? '' : `${sep}limit=${limit}`}`);
  };

  const download = async () => {
    if (!columns) return;
    setDownloading(true);
    setDownloadError(null);
    try {
      const ids = csvColumnsFor(columns.map((c) => c.id));
      const response = await request(`/api/access-logs${queryString({ ...params, format: 'csv', columns: ids.join(',') })}`, { token, accept: 'text/csv' });
      saveFile(await response.blob(), csvFileName(new Date(), 'vigil-access-logs'));
    } catch (e) {
      setDownloadError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  const total = paging.total ? describeTotal(paging.total) : '';

  return (
    <section className="stack" aria-labelledby="access-logs-title">
      <div className="page-head">
        <h1 id="access-logs-title">Access logs</h1>
        <span className="muted">Ended sessions, newest first</span>
        <span className="access-log-total" data-testid="access-log-total" role="status">
          {paging.loading && !paging.total ? '' : total ? `${total} match` : ''}
        </span>
      </div>
      <AccessLogFilterForm key={searchText} initial={filters} onSearch={(f) => go(filtersToSearch(f))} />
      <div className="toolbar" role="toolbar" aria-label="Access log tools">
        <label className="field inline">
          <span>Per page</span>
          <select value={pageSize} onChange={(e) => go(filtersToSearch(filters), Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="grow" />
        <button type="button" className="button" aria-expanded={editorOpen} aria-controls={EDITOR_ID} onClick={() => setEditorOpen((open) => !open)}>
          Columns
        </button>
        <button type="button" className="button primary" onClick={() => void download()} disabled={downloading || !columns} aria-describedby="csv-hint">
          {downloading ? 'Preparing…' : 'Download CSV'}
        </button>
      </div>
      <p id="csv-hint" className="muted small">
        The CSV holds every entry the search matches (all pages{paging.total ? `: ${describeTotal(paging.total).toLowerCase()}` : ''}), in the
        shown columns, plus the session ID, target and end message; durations in seconds.
      </p>
      <ErrorBanner message={paging.error ?? prefs.error ?? downloadError} />
      {editorOpen && prefs.columns && (
        <ColumnEditor
          id={EDITOR_ID}
          shown={prefs.columns}
          available={prefs.available}
          saving={prefs.saving}
          defaults={ACCESS_LOG_DEFAULT_COLUMNS}
          onChange={(c) => void prefs.setColumns(c)}
        />
      )}
      <div aria-busy={paging.loading || !columns}>
        {columns ? (
          <AccessLogTable entries={paging.items} columns={columns} caption={`Access log, newest first${total ? `, ${total.toLowerCase()}` : ''}`} />
        ) : (
          <p className="muted" role="status">
            Loading access logs…
          </p>
        )}
        {!paging.loading && columns && paging.items.length === 0 && (
          <p className="empty" role="status">
            No access-log entry matches.
          </p>
        )}
      </div>
      <Pager
        page={paging.pageNumber}
        hasPrevious={paging.hasPrevious}
        hasNext={paging.hasNext}
        busy={paging.loading}
        onPrevious={paging.previous}
        onNext={paging.next}
      />
    </section>
  );
}
