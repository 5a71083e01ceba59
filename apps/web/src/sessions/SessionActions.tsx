import type { Me, SessionView } from '../api/types';
import { can } from '../auth/permissions';
import { markLiveClick } from '../live/first-paint';
import { Link } from '../router/Link';

interface Props {
  me: Me;
  session: SessionView;
  onTerminate: (session: SessionView) => void;
}

/** View / Interact (live shadowing) and Terminate, each only for users allowed to use it. */
export function SessionActions({ me, session, onTerminate }: Props) {
  const label = `${session.user} on ${session.client}`;
  const live = `/sessions/${encodeURIComponent(session.id)}/live`;
  return (
    <td className="actions">
      <div className="action-group">
        {can.view(me) && (
          <Link className="button small" to={`${live}?mode=view`} onClick={markLiveClick} aria-label={`View ${label}`}>
            View
          </Link>
        )}
        {can.interact(me) && (
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
