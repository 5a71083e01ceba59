import { useMemo, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { queryString } from '../api/client';
import { downloadFile } from '../api/download';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { ACCESS_LOG_TABLE_COLUMNS } from '../access-logs/access-log-columns';
import { AccessLogFilterForm } from '../access-logs/AccessLogFilterForm';
import { AccessLogTable } from '../access-logs/AccessLogTable';
import { apiParams, filtersFromSearch, filtersToSearch } from '../access-logs/filters';
import { rememberSearch } from '../access-logs/last-search';
import { Pager } from '../access-logs/Pager';
import { useAccessLogPages } from '../access-logs/use-access-log-pages';
import { navigate } from '../router/history';
import { useLocation } from '../router/use-location';

const PAGE_SIZES = [25, 50, 100];

/** Ended sessions: search, filters (kept in the address bar), paging, CSV. */
export function AccessLogsPage() {
  useDocumentTitle('Access logs');
  const { token } = useAuth();
  const location = useLocation();
  const searchText = location.search.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(searchText)), [searchText]);
  const params = useMemo(() => apiParams(filters), [filters]);
  const pageSize = PAGE_SIZES.includes(Number(location.search.get('limit'))) ? Number(location.search.get('limit')) : 25;
  const paging = useAccessLogPages(token, params, pageSize);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  rememberSearch(searchText ? `?${searchText}` : '');

  const go = (search: string, limit = pageSize) => {
    const sep = search ? '&' : '?';
    navigate(`/access-logs${search}${limit === 25 ? '' : `${sep}limit=${limit}`}`);
  };

  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const columns = ACCESS_LOG_TABLE_COLUMNS.map((c) => c.id).join(',');
      await downloadFile(`/api/access-logs${queryString({ ...params, format: 'csv', columns })}`, token, 'access-logs.csv', 'text/csv');
    } catch (e) {
      setDownloadError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="stack" aria-labelledby="access-logs-title">
      <div className="page-head">
        <h1 id="access-logs-title">Access logs</h1>
        <span className="muted">Ended sessions, newest first</span>
      </div>
      <AccessLogFilterForm key={searchText} initial={filters} onSearch={(f) => go(filtersToSearch(f))} />
      <div className="toolbar">
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
        <button type="button" className="button primary" onClick={() => void download()} disabled={downloading}>
          {downloading ? 'Preparing…' : 'Download CSV'}
        </button>
      </div>
      <ErrorBanner message={paging.error ?? downloadError} />
      <div aria-busy={paging.loading}>
        <AccessLogTable entries={paging.items} />
        {!paging.loading && paging.items.length === 0 && (
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
