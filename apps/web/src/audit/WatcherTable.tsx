import type { WatchVisit, WatcherSummary } from '../api/audit';
import { formatDate, formatDuration } from '../common/format';
import { Link } from '../router/Link';

const LEFT_BECAUSE: Record<string, string> = { left: 'left', 'session-ended': 'session ended', rejoined: 'attached again' };

function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatDate(iso)}
    </time>
  );
}

function Visit({ visit }: { visit: WatchVisit }) {
  return (
    <li data-mode={visit.mode} data-still-watching={visit.leftAt === undefined ? 'true' : undefined}>
      {visit.joinedAt ? <When iso={visit.joinedAt} /> : <span className="muted">join not recorded</span>}
      {' → '}
      {visit.leftAt ? <When iso={visit.leftAt} /> : <strong className="still-watching">still watching</strong>}{' '}
      <span className="muted">
        ({visit.durationSeconds !== undefined ? `${formatDuration(visit.durationSeconds)}, ` : ''}
        {visit.mode}
        {visit.leftBecause && visit.leftBecause !== 'left' ? `, ${LEFT_BECAUSE[visit.leftBecause] ?? visit.leftBecause}` : ''})
      </span>
    </li>
  );
}

type Row = WatcherSummary & { sessionId?: string };

/**
 * Who watched, one row per watcher (per session on the per-user page): every visit, what they did,
 * and the time watched (visits at once counted once).
 */
export function WatcherTable({ rows, caption, showSession = false }: { rows: Row[]; caption: string; showSession?: boolean }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table watchers-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {showSession && <th scope="col">Session</th>}
            <th scope="col">Viewer</th>
            <th scope="col">Visits (joined → left)</th>
            <th scope="col" className="num">
              Control taken
            </th>
            <th scope="col" className="num">
              Input bursts
            </th>
            <th scope="col" className="num">
              User paused
            </th>
            <th scope="col" className="num">
              Recording views
            </th>
            <th scope="col" className="num">
              Watched live
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.sessionId ?? ''}:${row.viewer}`} data-viewer={row.viewer} data-session-id={row.sessionId}>
              {showSession && (
                <td>
                  <Link to={`/access-logs/${encodeURIComponent(row.sessionId ?? '')}`} aria-label={`Session ${row.sessionId}`}>
                    <code>{row.sessionId?.slice(0, 8)}…</code>
                  </Link>
                </td>
              )}
              <th scope="row">{row.viewer}</th>
              <td>
                {row.visits.length > 0 ? (
                  <ul className="visit-list">
                    {row.visits.map((visit, i) => (
                      <Visit key={i} visit={visit} />
                    ))}
                  </ul>
                ) : (
                  <span className="muted">not live (recording only)</span>
                )}
              </td>
              <td className="num" data-field="controlTaken">
                {row.controlTaken}
              </td>
              <td className="num" data-field="inputBursts">
                {row.inputBursts}
              </td>
              <td className="num" data-field="userPauses">
                {row.userPauses}
              </td>
              <td className="num" data-field="recordingViews">
                {row.recordingViews}
                {row.recordingDownloads > 0 ? <span className="muted"> (+{row.recordingDownloads} downloads)</span> : null}
              </td>
              <td className="num" data-field="totalSeconds" data-seconds={row.totalSeconds}>
                {formatDuration(row.totalSeconds)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
