import type { ControlAction, ControlState, ViewerMode } from './live-protocol';

interface Props {
  mode: ViewerMode;
  isAdmin: boolean;
  control: ControlState | null;
  viewerId: string | null;
  disabled: boolean;
  busy: boolean;
  onAction: (action: ControlAction, force?: boolean) => void;
}

/** Take / hand back control (interact mode) and pause / resume the user's keyboard (admins). */
export function ControlButtons({ mode, isAdmin, control, viewerId, disabled, busy, onAction }: Props) {
  const holding = control !== null && control.holder === viewerId;
  const heldByOther = control?.holder != null && !holding;
  const off = disabled || busy;
  return (
    <div className="toolbar" role="group" aria-label="Control">
      {mode === 'interact' &&
        (holding ? (
          <button type="button" className="button" disabled={off} onClick={() => onAction('handback')}>
            Hand back control
          </button>
        ) : (
          <button type="button" className="button primary" disabled={off || (heldByOther && !isAdmin)} onClick={() => onAction('take', heldByOther && isAdmin)}>
            {heldByOther && isAdmin ? 'Take control (force)' : 'Take control'}
          </button>
        ))}
      {isAdmin &&
        (control?.userPaused ? (
          <button type="button" className="button" disabled={off} onClick={() => onAction('resume-user')}>
            Resume user
          </button>
        ) : (
          <button type="button" className="button" disabled={off} onClick={() => onAction('pause-user')}>
            Pause user
          </button>
        ))}
    </div>
  );
}
