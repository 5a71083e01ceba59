import type { Me, SessionView } from '../api/types';
import { can } from '../auth/permissions';
import { markLiveClick } from '../live/first-paint';
import { Link } from '../router/Link';
import { sessionTitle, unwatchableReason } from './session-title';

interface Props {
  me: Me;
  session: SessionView;
  onTerminate: (session: SessionView) => void;
}

/**
 * View / Interact (live shadowing) and Terminate, each only for users allowed to use it, and
 * View / Interact only on sessions Vigil carries a stream of; the others say why instead.
 */
export function SessionActions({ me, session, onTerminate }: Props) {
  const label = sessionTitle(session);
  const live = `/sessions/${encodeURIComponent(session.id)}/live`;
  const cannotWatch = unwatchableReason(session);
  const mayWatch = can.view(me) || can.interact(me);
  return (
    <td className="actions">
      <div className="action-group">
        {mayWatch && cannotWatch && (
          <span className="not-watchable muted" title={cannotWatch} data-not-watchable="">
            <span aria-hidden="true">No live view</span>
            <span className="visually-hidden">{`${label}: ${cannotWatch}`}</span>
          </span>
        )}
        {!cannotWatch && can.view(me) && (
          <Link className="button small" to={`${live}?mode=view`} onClick={markLiveClick} aria-label={`View ${label}`}>
            View
          </Link>
        )}
        {!cannotWatch && can.interact(me) && (
          <Link className="button small" to={`${live}?mode=interact`} onClick={markLiveClick} aria-label={`Interact with ${label}`}>
            Interact
          </Link>
        )}
        {can.terminate(me, session) && (
          <button type="button" className="button small danger" onClick={() => onTerminate(session)} aria-label={`Terminate ${label}`}>
            Terminate
          </button>
        )}
      </div>
    </td>
  );
}
