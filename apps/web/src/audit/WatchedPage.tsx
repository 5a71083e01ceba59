import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/api-error';
import { auditApi, type UserWatchReport } from '../api/audit';
import { downloadFile } from '../api/download';
import { toIso } from '../access-logs/filters';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { formatDate } from '../common/format';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { navigate } from '../router/history';
import { useLocation } from '../router/use-location';
import { queryString } from '../api/client';
import { auditCan } from './audit-permissions';
import { WatcherTable } from './WatcherTable';
import './audit.css';
import { FilterButtons, RangeError } from '../common/FilterFormParts';

interface Form {
  user: string;
  from: string;
  to: string;
}

/**
 * Everything one user watched in a time range (default: the last 30 days), per session; CSV.
 * Admins and auditors ask about anyone, everyone else about themself.
 */
export function WatchedPage() {
  useDocumentTitle('Who watched');
  const { token, me } = useAuth();
  const anyone = auditCan.readAudit(me);
  const { search } = useLocation();
  const searchText = search.toString();
  const form = useMemo<Form>(() => {
    const s = new URLSearchParams(searchText);
    return { user: anyone ? (s.get('user') ?? '') : '', from: s.get('from') ?? '', to: s.get('to') ?? '' };
  }, [searchText, anyone]);
  const params = useMemo(() => ({ user: form.user.trim() || undefined, from: toIso(form.from), to: toIso(form.to) }), [form]);
  const [values, setValues] = useState(form);
  const [report, setReport] = useState<UserWatchReport | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [downloading, setDownloading] = useState(false);
  const rangeInvalid = values.from !== '' && values.to !== '' && values.from > values.to;

  useEffect(() => setValues(form), [form]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    auditApi.watched(token, params).then(
      (r) => {
        if (!live) return;
        setReport(r);
        setLoading(false);
        setAnnouncement(`${r.user} watched ${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'} in this range.`);
      },
      (e) => {
        if (!live) return;
        setReport(null);
        setLoading(false);
        setError(errorMessage(e));
      },
    );
    return () => {
      live = false;
    };
  }, [token, params]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!rangeInvalid) navigate(`/watched${queryString({ user: anyone ? values.user.trim() : undefined, from: values.from, to: values.to })}`);
  };

  const download = async () => {
    setDownloading(true);
    setError(null);
    try {
      await downloadFile(auditApi.watchedCsv(params), token, 'vigil-watched.csv', 'text/csv');
    } catch (e) {
      setError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };

  const subject = report?.user ?? (params.user || me.username);
  return (
    <section className="stack" aria-labelledby="watched-title">
      <div className="page-head">
        <h1 id="watched-title">Who watched</h1>
        <span className="muted">Every session a user watched live or replayed, in a time range</span>
      </div>
      <form className="card filter-form" role="search" aria-label="Whose watching" onSubmit={submit}>
        {anyone ? (
          <label className="field">
            <span>User</span>
            <input name="user" type="text" placeholder={`${me.username} (you)`} maxLength={64} value={values.user} onChange={(e) => setValues((v) => ({ ...v, user: e.target.value }))} />
          </label>
        ) : (
          <p className="field">
            <span>User</span>
            <strong>{me.username} (you)</strong>
          </p>
        )}
        <label className="field">
          <span>From</span>
          <input name="from" type="datetime-local" value={values.from} onChange={(e) => setValues((v) => ({ ...v, from: e.target.value }))} />
        </label>
        <label className="field">
          <span>To</span>
          <input
            name="to"
            type="datetime-local"
            value={values.to}
            aria-invalid={rangeInvalid}
            aria-describedby={rangeInvalid ? 'watched-range-error' : undefined}
            onChange={(e) => setValues((v) => ({ ...v, to: e.target.value }))}
          />
        </label>
        <FilterButtons disabled={rangeInvalid} submitLabel="Show" />
        <RangeError id="watched-range-error" shown={rangeInvalid} />
      </form>
      <div className="toolbar">
        <span>
          {report ? (
            <>
              <strong>{report.user}</strong>, {formatDate(report.from)} to {formatDate(report.to)}
            </>
          ) : (
            subject
          )}
        </span>
        <span className="grow" />
        <button type="button" className="button primary" onClick={() => void download()} disabled={downloading || !report}>
          {downloading ? 'Preparing…' : 'Download CSV'}
        </button>
      </div>
      <ErrorBanner message={error} />
      <LiveRegion message={announcement} />
      <div aria-busy={loading}>
        {report && report.sessions.length > 0 && <WatcherTable rows={report.sessions} caption={`Sessions ${report.user} watched, newest first`} showSession />}
        {report && report.sessions.length === 0 && <p className="empty">{report.user} watched no session in this range.</p>}
      </div>
      {report?.truncated && <p className="banner warn">More sessions matched than one report holds: narrow the time range.</p>}
    </section>
  );
}
