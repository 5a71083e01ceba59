import { formatDate } from '../common/format';
import { describeHolder, describePause } from './control-info';
import type { ControlState, ViewerInfo } from './live-protocol';

interface Props {
  viewers: ViewerInfo[];
  control: ControlState | null;
  viewerId: string | null;
}

/** Who else is watching (live from `viewers`), who holds control, whether the user is paused. */
export function ViewersPanel({ viewers, control, viewerId }: Props) {
  const pause = describePause(control, viewers, viewerId);
  return (
    <section className="card live-side" aria-labelledby="viewers-title">
      <h2 id="viewers-title">Watching</h2>
      <ul className="viewer-list" data-testid="viewer-list">
        {viewers.map((v) => (
          <li key={v.viewerId} data-viewer={v.username} data-mode={v.mode} data-via={v.via}>
            <span className="viewer-name">
              {v.username}
              {v.viewerId === viewerId && ' (you)'}
            </span>{' '}
            <span className={`badge mode-${v.mode}`}>{v.mode}</span>
            {v.via === 'wall' && <span className="badge via-wall"> wall thumbnail</span>}
            {control?.holder === v.viewerId && <span className="badge holds-control"> has control</span>}
            <br />
            <span className="muted small">since {formatDate(v.since)}</span>
          </li>
        ))}
      </ul>
      <p data-testid="control-holder">
        <strong>Control:</strong> {describeHolder(control, viewers, viewerId)}
      </p>
      {pause && (
        <p className="banner info" data-testid="user-paused">
          {pause}
        </p>
      )}
    </section>
  );
}
