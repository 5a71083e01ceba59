import type { AccessLogView } from '../api/types';
import { formatDate, formatDuration } from '../common/format';
import { Link } from '../router/Link';
import type { AccessLogColumn } from './access-log-columns';
import { EndReason } from './EndReason';
import { sessionTitle } from '../sessions/session-title';

const RECORDING_WORDS: Record<string, string> = {
  complete: 'Recorded',
  incomplete: 'Incomplete',
  recovered: 'Recovered',
  none: 'No',
};

function Cell({ column, entry, first }: { column: AccessLogColumn; entry: AccessLogView; first: boolean }) {
  const content = (() => {
    switch (column.id) {
      case 'startDate':
        return <time dateTime={entry.startDate}>{formatDate(entry.startDate)}</time>;
      case 'endDate':
        return <time dateTime={entry.endDate}>{formatDate(entry.endDate)}</time>;
      case 'duration':
        return formatDuration(entry.durationSeconds);
      case 'endReason':
        return <EndReason reason={entry.endReason} />;
      case 'recording': {
        const status = entry.recordingStatus ?? 'none';
        return (
          <span className={`recording-badge recording-${status}`} data-recording={status}>
            {RECORDING_WORDS[status] ?? status}
          </span>
        );
      }
      default:
        return column.value(entry);
    }
  })();
  return (
    <td className={column.numeric ? 'num' : undefined} data-column-id={column.id} {...(column.id === 'duration' ? { 'data-seconds': entry.durationSeconds } : {})}>
      {first ? (
        // the first cell opens the entry's detail, whichever column the user put first
        <Link to={`/access-logs/${encodeURIComponent(entry.id)}`} aria-label={`Details of ${sessionTitle(entry)}, started ${formatDate(entry.startDate)}`}>
          {content}
        </Link>
      ) : (
        content
      )}
    </td>
  );
}

/** One page of access-log entries in the user's columns; the first cell opens the entry's detail. */
export function AccessLogTable({ entries, columns, caption }: { entries: AccessLogView[]; columns: AccessLogColumn[]; caption: string }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Access log entries">
      <table className="data-table access-log-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.id} scope="col" data-column-id={c.id} className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-entry-id={entry.id}>
              {columns.map((c, index) => (
                <Cell key={c.id} column={c} entry={entry} first={index === 0} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
