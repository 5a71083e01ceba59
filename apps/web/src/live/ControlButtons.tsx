import type { ControlState, ViewerMode } from './live-protocol';

/** what the toolbar's buttons do (grant and deny are the request banner's) */
export type ButtonAction = 'take' | 'handback' | 'pause-user' | 'resume-user' | 'request';

interface Props {
  mode: ViewerMode;
  isAdmin: boolean;
  control: ControlState | null;
  viewerId: string | null;
  disabled: boolean;
  busy: boolean;
  onAction: (action: ButtonAction, force?: boolean) => void;
  /** why a button is disabled, or what to do next (control-hints.ts); each button is described by it */
  hint?: string;
  /** this viewer's request is waiting for an answer */
  requestPending?: boolean;
}

const HINT_ID = 'control-hint';

/** Take / request / hand back control (interact mode) and pause / resume the user's keyboard (admins). */
export function ControlButtons({ mode, isAdmin, control, viewerId, disabled, busy, onAction, hint, requestPending = false }: Props) {
  const holding = control !== null && control.holder === viewerId;
  const heldByOther = control?.holder != null && !holding;
  const off = disabled || busy;
  const described = hint ? HINT_ID : undefined;
  return (
    <div className="toolbar" role="group" aria-label="Control">
      {mode === 'interact' &&
        (holding ? (
          <button type="button" className="button" disabled={off} aria-describedby={described} onClick={() => onAction('handback')}>
            Hand back control
          </button>
        ) : heldByOther ? (
          <>
            <button type="button" className="button primary" disabled={off || requestPending} aria-describedby={described} onClick={() => onAction('request')} data-testid="request-control">
              {requestPending ? 'Control requested…' : 'Request control'}
            </button>
            {isAdmin && (
              <button type="button" className="button" disabled={off} aria-describedby={described} onClick={() => onAction('take', true)}>
                Take control (force)
              </button>
            )}
          </>
        ) : (
          <button type="button" className="button primary" disabled={off} aria-describedby={described} onClick={() => onAction('take')}>
            Take control
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
      {hint && (
        <span className="muted small" id={HINT_ID} data-testid="control-hint">
          {hint}
        </span>
      )}
    </div>
  );
}
