import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { DesktopConnection, ReachableTarget } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { ErrorBanner } from '../common/ErrorBanner';
import { LiveRegion } from '../common/LiveRegion';
import { Link } from '../router/Link';
import { ClipboardPanel } from './ClipboardPanel';
import { NoticeBanner } from './NoticeBanner';
import { RemoteScreen } from './RemoteScreen';
import { useRemoteDesktop } from './use-remote-desktop';
import './rdp.css';

const PHASE_TEXT = { requesting: 'Connecting…', connecting: 'Connecting…', connected: 'Connected', ended: 'Ended' } as const;

/**
 * The user's own RDP/VNC session in the browser: `POST /api/targets/{name}/connect` gives a
 * single-use token (the gateway injects the target's credentials; they never come here), the
 * Guacamole tunnel opens with it, sized to the window. Keyboard, mouse, clipboard, disconnect.
 */
export function RdpClient({ target }: { target: ReachableTarget }) {
  const { token } = useAuth();
  const [connection, setConnection] = useState<DesktopConnection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const hostRef = useRef<HTMLDivElement>(null);
  const disconnectRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let cancelled = false;
    setConnection(null);
    setError(null);
    api.connectTarget(token, target.name).then(
      (answer) => !cancelled && setConnection(answer),
      (e) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [token, target.name, attempt]);

  const ticket = useMemo(() => (connection ? { tunnel: connection.tunnel, token: connection.token } : null), [connection]);
  const { state, notice, remoteClipboard, desktop } = useRemoteDesktop(hostRef, ticket, {
    role: 'owner',
    inputAllowed: () => true,
    onFocusEscape: () => disconnectRef.current?.focus(),
  });
  const phase = error ? 'ended' : connection ? state.phase : 'requesting';
  const reason = error ?? state.reason;

  useEffect(() => {
    if (state.phase === 'connected') hostRef.current?.focus({ preventScroll: true });
  }, [state.phase]);

  return (
    <div className="stack rdp-client" data-phase={phase}>
      <div className="toolbar live-toolbar">
        <span className={`badge phase-${phase === 'connected' ? 'live' : phase === 'ended' ? 'ended' : 'connecting'}`} data-testid="rdp-phase">
          <span className="dot" aria-hidden="true" />
          {PHASE_TEXT[phase]}
        </span>
        {connection && (
          <span className="muted small">
            Session{' '}
            <Link to={`/sessions/${encodeURIComponent(connection.sessionId)}/live?mode=view`} data-testid="rdp-session-link" data-session-id={connection.sessionId}>
              <code>{connection.sessionId}</code>
            </Link>
          </span>
        )}
        <span className="grow" />
        {phase === 'ended' ? (
          <button type="button" className="button primary" onClick={() => setAttempt((n) => n + 1)}>
            Connect again
          </button>
        ) : (
          <button ref={disconnectRef} type="button" className="button danger" disabled={!connection} onClick={() => desktop.current?.disconnect()}>
            Disconnect
          </button>
        )}
      </div>
      <ErrorBanner message={error && `Cannot connect: ${error}`} />
      {phase === 'ended' && !error && (
        <p className="banner ended-banner" role="alert" data-testid="rdp-ended" data-reason={reason ?? ''}>
          <strong>The session has ended</strong> ({reason ?? 'disconnected'}).
        </p>
      )}
      <NoticeBanner notice={notice} />
      <RemoteScreen ref={hostRef} label={`Remote desktop of ${target.name}`} takesKeyboard={phase !== 'ended'} phase={phase} role="owner" hintId="rdp-keyboard-hint" />
      <ClipboardPanel remote={remoteClipboard} disabled={phase !== 'connected'} onSend={(text) => desktop.current?.sendClipboard(text)} />
      <LiveRegion message={phase === 'ended' ? `The session has ended (${reason ?? 'disconnected'}).` : PHASE_TEXT[phase]} />
    </div>
  );
}
