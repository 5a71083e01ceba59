import { forwardRef, useImperativeHandle, useRef } from 'react';
import { RemoteScreen } from '../rdp/RemoteScreen';
import { useRemoteDesktop, type DesktopTicket } from '../rdp/use-remote-desktop';
import '../rdp/rdp.css';
import type { ViewerMode } from './live-protocol';

interface Props {
  ticket: DesktopTicket;
  mode: ViewerMode;
  /** read at every mouse and key event: this viewer holds the control lock */
  holdsControl: () => boolean;
  sessionLabel: string;
  onFocusEscape: () => void;
}

export interface RdpLiveHandle {
  focus(): void;
}

/**
 * A viewer's side of an RDP/VNC session: the user's guacd connection joined with the attach
 * ack's token (read-only for `view`, so nothing is even listened to; `interact` forwards the
 * mouse and keys only while this viewer holds control; the gateway enforces both again).
 */
export const RdpLiveView = forwardRef<RdpLiveHandle, Props>(function RdpLiveView({ ticket, mode, holdsControl, sessionLabel, onFocusEscape }, ref) {
  const hostRef = useRef<HTMLDivElement>(null);
  const { state } = useRemoteDesktop(hostRef, ticket, {
    role: 'viewer',
    inputAllowed: mode === 'interact' ? holdsControl : null,
    onFocusEscape,
  });
  useImperativeHandle(ref, () => ({ focus: () => hostRef.current?.focus({ preventScroll: true }) }), []);
  return (
    <div className="rdp-live" data-desktop-phase={state.phase} data-desktop-reason={state.reason ?? ''} data-testid="rdp-live">
      <RemoteScreen
        ref={hostRef}
        label={`Live remote desktop of ${sessionLabel}${mode === 'view' ? ' (view only)' : ''}`}
        takesKeyboard={mode === 'interact'}
        phase={state.phase}
        role="viewer"
        hintId="rdp-live-keyboard-hint"
      />
      {state.phase === 'ended' && (
        <p className="muted small" data-testid="rdp-live-closed">
          The remote desktop closed ({state.reason ?? 'disconnected'}).
        </p>
      )}
    </div>
  );
});
