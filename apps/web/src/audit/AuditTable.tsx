import type { AuditRecord } from '../api/audit';
import { formatDate } from '../common/format';
import { Link } from '../router/Link';

const who = (r: AuditRecord) => r.userIdentity.userName ?? r.userIdentity.principalId ?? r.userIdentity.type;

function Details({ record }: { record: AuditRecord }) {
  const body = {
    eventID: record.eventID,
    eventSource: record.eventSource,
    userAgent: record.userAgent,
    requestID: record.requestID,
    readOnly: record.readOnly,
    requestParameters: record.requestParameters,
    responseElements: record.responseElements,
  };
  return (
    <details className="audit-json">
      <summary>
        JSON<span className="visually-hidden"> of record {record.seq}</span>
      </summary>
      <pre>{JSON.stringify(body, null, 2)}</pre>
    </details>
  );
}

/** One page of audit records, newest first; a record's session links to its access-log entry. */
export function AuditTable({ records }: { records: AuditRecord[] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit records">
      <table className="data-table audit-table">
        <caption className="visually-hidden">Audit records, newest first</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">User</th>
            <th scope="col">Source IP</th>
            <th scope="col">Session</th>
            <th scope="col">Error</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.eventID} data-seq={r.seq} data-event-name={r.eventName} className={r.errorCode ? 'audit-error-row' : undefined}>
              <td className="num">{r.seq}</td>
              <td>
                <time dateTime={r.eventTime} title={r.eventTime}>
                  {formatDate(r.eventTime)}
                </time>
              </td>
              <td>
                <span className="audit-event">{r.eventName}</span>
                <span className="muted small audit-source">{r.eventSource}</span>
              </td>
              <td>{who(r)}</td>
              <td>
                <code>{r.sourceIPAddress}</code>
              </td>
              <td>
                {r.sessionId ? (
                  <Link to={`/access-logs/${encodeURIComponent(r.sessionId)}`} aria-label={`Session ${r.sessionId}`}>
                    <code>{r.sessionId.slice(0, 8)}…</code>
                  </Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {r.errorCode ? (
                  <span className="audit-error" title={r.errorMessage}>
                    {r.errorCode}
                    {r.errorMessage && r.errorMessage !== r.errorCode ? `: ${r.errorMessage}` : ''}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <Details record={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
