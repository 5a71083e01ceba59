import { forwardRef } from 'react';
import { FOCUS_ESCAPE_LABEL } from './desktop-status';

interface Props {
  label: string;
  /** whether keys typed here go to the remote side (then the escape key is explained) */
  takesKeyboard: boolean;
  phase: string;
  role: 'owner' | 'viewer';
  hintId: string;
}

/**
 * The focusable box the Guacamole display is drawn into. While it has focus every key goes to the
 * remote desktop (Tab included), so the way out is a key of its own, said next to it.
 */
export const RemoteScreen = forwardRef<HTMLDivElement, Props>(function RemoteScreen({ label, takesKeyboard, phase, role, hintId }, ref) {
  return (
    <div className="rdp-frame">
      <div
        ref={ref}
        id="remote-screen"
        className={`rdp-screen rdp-${role}`}
        tabIndex={0}
        role="application"
        aria-roledescription="remote desktop"
        aria-label={label}
        aria-describedby={hintId}
        data-phase={phase}
      />
      <p id={hintId} className="muted small">
        {takesKeyboard
          ? `Click the screen or Tab to it to type there: every key then goes to the remote desktop. Press ${FOCUS_ESCAPE_LABEL} to leave it.`
          : 'Keys and the mouse are not sent to the remote desktop.'}
      </p>
    </div>
  );
});
