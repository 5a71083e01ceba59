import type { AccessLogView } from '../api/types';
import { formatDate, formatDuration } from '../common/format';
import { Link } from '../router/Link';
import { ACCESS_LOG_TABLE_COLUMNS } from './access-log-columns';
import { EndReason } from './EndReason';

function Cell({ id, entry }: { id: string; entry: AccessLogView }) {
  switch (id) {
    case 'startDate':
      return (
        <td>
          <Link to={`/access-logs/${encodeURIComponent(entry.id)}`} aria-label={`Details of ${entry.user} on ${entry.client}, started ${formatDate(entry.startDate)}`}>
            <time dateTime={entry.startDate}>{formatDate(entry.startDate)}</time>
          </Link>
        </td>
      );
    case 'endDate':
      return (
        <td>
          <time dateTime={entry.endDate}>{formatDate(entry.endDate)}</time>
        </td>
      );
    case 'duration':
      return (
        <td className="num" data-seconds={entry.durationSeconds}>
          {formatDuration(entry.durationSeconds)}
        </td>
      );
    case 'endReason':
      return (
        <td>
          <EndReason reason={entry.endReason} />
        </td>
      );
    default:
      return <td>{ACCESS_LOG_TABLE_COLUMNS.find((c) => c.id === id)!.value(entry)}</td>;
  }
}

/** One page of access-log entries; the start date opens the entry's detail. */
export function AccessLogTable({ entries }: { entries: AccessLogView[] }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Access log entries">
      <table className="data-table">
        <caption className="visually-hidden">Access log, newest first</caption>
        <thead>
          <tr>
            {ACCESS_LOG_TABLE_COLUMNS.map((c) => (
              <th key={c.id} scope="col" data-column-id={c.id} className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-entry-id={entry.id}>
              {ACCESS_LOG_TABLE_COLUMNS.map((c) => (
                <Cell key={c.id} id={c.id} entry={entry} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
