import type { SessionView } from '../api/types';
import { formatDate } from '../common/format';
import { DurationCell } from './DurationCell';
import type { SessionColumn } from './session-columns';

/** One cell: dates as local time with the ISO value machine-readable, duration ticking. */
export function SessionCell({ column, session }: { column: SessionColumn; session: SessionView }) {
  switch (column.id) {
    case 'duration':
      return <DurationCell startDate={session.startDate} />;
    case 'startDate':
    case 'lastHeartbeat': {
      const iso = column.text(session);
      return (
        <td>
          <time dateTime={iso} title={iso}>
            {formatDate(iso)}
          </time>
        </td>
      );
    }
    case 'status':
      return (
        <td>
          <span className={`status status-${session.status.toLowerCase()}`}>{session.status}</span>
        </td>
      );
    case 'serviceUrl':
    case 'externalId': {
      const text = column.text(session);
      return (
        <td className="truncate" title={text}>
          {text}
        </td>
      );
    }
    default:
      return <td className={column.numeric ? 'num' : undefined}>{column.text(session)}</td>;
  }
}
