import { useMemo, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { auditApi } from '../api/audit';
import { queryString } from '../api/client';
import { downloadFile } from '../api/download';
import { Pager } from '../access-logs/Pager';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { useDocumentTitle } from '../common/use-document-title';
import { navigate } from '../router/history';
import { Link } from '../router/Link';
import { useLocation } from '../router/use-location';
import { AUDIT_PAGE_SIZES, auditApiParams, auditFiltersFromSearch, auditFiltersToSearch } from './audit-filters';
import { auditCan } from './audit-permissions';
import { AuditFilterForm } from './AuditFilterForm';
import { AuditTable } from './AuditTable';
import { ChainVerdictBadge } from './ChainVerdictBadge';
import { NotPermittedPage } from './NotPermittedPage';
import { useTokenPages } from './use-token-pages';
import './audit.css';

const DEFAULT_PAGE_SIZE = 50;

/** The audit trail (admins, auditors): filters kept in the address bar, keyset paging, CSV, the chain's verdict. */
export function AuditPage() {
  const { me } = useAuth();
  if (!auditCan.readAudit(me)) return <NotPermittedPage what="Audit trail" needs="admin or auditor" />;
  return <AuditTrail />;
}

function AuditTrail() {
  useDocumentTitle('Audit trail');
  const { token } = useAuth();
  const location = useLocation();
  const searchText = location.search.toString();
  const filters = useMemo(() => auditFiltersFromSearch(new URLSearchParams(searchText)), [searchText]);
  const params = useMemo(() => auditApiParams(filters), [filters]);
  const asked = Number(location.search.get('limit'));
  const pageSize = AUDIT_PAGE_SIZES.includes(asked) ? asked : DEFAULT_PAGE_SIZE;
  const query = queryString({ ...params, limit: pageSize });
  const paging = useTokenPages(`audit${query}`, (nextToken) => auditApi.records(token, queryString({ ...params, limit: pageSize, nextToken })));
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  const go = (search: string) => navigate(`/audit${search}`);
  const limitParam = (limit: number) => (limit === DEFAULT_PAGE_SIZE ? undefined : limit);

  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      await downloadFile(`/api/audit${queryString({ ...params, format: 'csv' })}`, token, 'vigil-audit.csv', 'text/csv');
    } catch (e) {
      setDownloadError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="stack" aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit trail</h1>
        <span className="muted">CloudTrail-shaped records of every change and access, newest first</span>
        <span className="grow" />
        <Link to="/watched">Who watched…</Link>
      </div>
      <ChainVerdictBadge token={token} />
      <AuditFilterForm key={searchText} initial={filters} onSearch={(f) => go(auditFiltersToSearch(f, limitParam(pageSize)))} />
      <div className="toolbar">
        <label className="field inline">
          <span>Per page</span>
          <select value={pageSize} onChange={(e) => go(auditFiltersToSearch(filters, limitParam(Number(e.target.value))))}>
            {AUDIT_PAGE_SIZES.map((n) => (
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
        {paging.items.length > 0 && <AuditTable records={paging.items} />}
        {!paging.loading && !paging.error && paging.items.length === 0 && (
          <p className="empty" role="status">
            No audit record matches.
          </p>
        )}
      </div>
      <Pager
        label="Audit record pages"
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
