import { Link } from '../router/Link';
import type { RecentlyEnded } from './recent-changes';
import { sessionTitle } from './session-title';

/** Sessions that just ended, for a few seconds, so a row leaving the table is noticed and traceable. */
export function RecentlyEndedList({ ended }: { ended: readonly RecentlyEnded[] }) {
  if (ended.length === 0) return null;
  return (
    <section className="recently-ended" aria-label="Recently ended sessions" data-testid="recently-ended">
      <h2 className="visually-hidden">Recently ended</h2>
      <ul>
        {ended.map(({ entry }) => (
          <li key={entry.id} data-ended-session-id={entry.id}>
            <span className="recently-ended-label">Ended</span> {sessionTitle(entry)}
            {entry.endReason ? <span className="muted"> ({entry.endReason})</span> : null} ·{' '}
            <Link to={`/access-logs/${encodeURIComponent(entry.id)}`}>Access log entry</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
