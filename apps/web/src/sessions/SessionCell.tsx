import type { SessionView } from '../api/types';
import { formatDate } from '../common/format';
import { DurationCell } from './DurationCell';
import type { SessionColumn } from './session-columns';

/** One cell: dates as local time with the ISO value machine-readable, duration ticking. */
export function SessionCell({ column, session }: { column: SessionColumn; session: SessionView }) {
  switch (column.id) {
    case 'duration':
      return <DurationCell startDate={session.startDate} />;
    case 'startDate': {
      // to the minute, so the default columns fit a laptop: the duration beside it counts the seconds
      const iso = column.text(session);
      return (
        <td>
          <time dateTime={iso} title={formatDate(iso)}>
            {formatDate(iso).slice(0, 16)}
          </time>
        </td>
      );
    }
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
    case 'externalId':
    case 'id':
    case 'client': {
      const text = column.text(session);
      return (
        <td className="clip wide" title={text}>
          {text}
        </td>
      );
    }
    case 'user':
    case 'device':
    case 'accountName':
    case 'serviceProvider':
    case 'owner': {
      // free text of any length: clipped so the default columns fit a laptop, in full in the tooltip
      const text = column.text(session);
      return (
        <td className="clip" title={text}>
          {text}
        </td>
      );
    }
    default:
      return <td className={column.numeric ? 'num' : undefined}>{column.text(session)}</td>;
  }
}
