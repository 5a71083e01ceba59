import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { SessionView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { ErrorBanner } from '../common/ErrorBanner';
import { formatDate } from '../common/format';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { ControlButtons } from '../live/ControlButtons';
import { inputRefusal } from '../live/control-info';
import { DvrPanel } from '../live/DvrPanel';
import { EndedBanner } from '../live/EndedBanner';
import type { ControlAction } from '../live/live-protocol';
import { useLiveSession } from '../live/use-live-session';
import { useTerminalInput } from '../live/use-terminal-input';
import { ViewersPanel } from '../live/ViewersPanel';
import { Link } from '../router/Link';
import { useLocation } from '../router/use-location';
import { TerminateDialog } from '../sessions/TerminateDialog';
import { useTerminal } from '../terminal/use-terminal';
import '../live/live.css';

const PHASE_TEXT = {
  connecting: 'Connecting…',
  attaching: 'Joining the session…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  ended: 'Ended',
  refused: 'Not available',
} as const;

/** Live view of one SSH session (`mode` view or interact): terminal, control, viewers, rewind, terminate. */
export function LiveSessionPage({ sessionId }: { sessionId: string }) {
  const { token, me } = useAuth();
  const { search } = useLocation();
  const mode = search.get('mode') === 'interact' ? 'interact' : 'view';
  useDocumentTitle(mode === 'interact' ? 'Interact' : 'View session');
  const [session, setSession] = useState<SessionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [rewinding, setRewinding] = useState(false);
  const [terminating, setTerminating] = useState(false);
  const allowed = mode === 'interact' ? can.interact(me) : can.view(me);
  const isAdmin = me.roles.includes('admin');

  const { containerRef, terminal } = useTerminal();
  const { state, connection } = useLiveSession(allowed ? terminal : null, containerRef.current, sessionId, mode, token);
  const live = state.phase === 'live';

  useEffect(() => {
    api.session(token, sessionId).then(setSession, (e) => setError(errorMessage(e)));
  }, [token, sessionId]);

  // a refusal shown for an earlier control state would mislead
  useEffect(() => setNotice(''), [state.control?.holder, state.phase]);

  useTerminalInput(
    terminal,
    () => inputRefusal(mode, state.control, state.viewerId, live),
    (data) => connection.current?.input(data) ?? Promise.reject(new Error('not connected')),
    setNotice,
  );

  const act = useCallback(
    async (action: ControlAction, force?: boolean) => {
      setBusy(true);
      try {
        await connection.current?.control(action, force);
        setNotice(
          { take: 'You have control: what you type goes to the session.', handback: 'Control handed back.', 'pause-user': 'The user’s keyboard is paused.', 'resume-user': 'The user’s keyboard is resumed.' }[action],
        );
        if (action === 'take') terminal?.focus();
      } catch (e) {
        setNotice(`Refused: ${errorMessage(e)}`);
      } finally {
        setBusy(false);
      }
    },
    [connection, terminal],
  );

  const terminate = async (_: SessionView, reason: string) => {
    if (!connection.current) throw new Error('not connected to the live service');
    await connection.current.terminate(reason);
    setTerminating(false);
  };

  return (
    <section className="stack" aria-labelledby="live-title">
      <p>
        <Link to="/sessions">← Sessions</Link>
      </p>
      <div className="page-head">
        <h1 id="live-title">{mode === 'interact' ? 'Interact with session' : 'View session'}</h1>
        <span className={`badge phase-${state.phase}`} data-testid="live-phase">
          <span className="dot" aria-hidden="true" />
          {PHASE_TEXT[state.phase]}
        </span>
      </div>
      <ErrorBanner message={error} />
      {!allowed && <p className="banner error" role="alert">You need the {mode === 'interact' ? 'interact' : 'shadow'} privilege for this.</p>}
      {state.error && state.phase !== 'ended' && (
        <p className="banner error" role="alert" data-testid="live-error">
          {state.phase === 'refused' ? `Cannot watch this session: ${state.error}` : state.error}
        </p>
      )}
      {state.phase === 'ended' && <EndedBanner sessionId={sessionId} reason={state.endedReason ?? 'ended'} token={token} />}
      {session && (
        <p className="muted">
          {session.user} on {session.client} ({session.type}), owner {session.owner}, since {formatDate(session.startDate)} — {session.status}
        </p>
      )}
      <div className="toolbar live-toolbar">
        <ControlButtons mode={mode} isAdmin={isAdmin} control={state.control} viewerId={state.viewerId} disabled={!live} busy={busy} onAction={(a, f) => void act(a, f)} />
        {rewinding ? (
          <button type="button" className="button" onClick={() => setRewinding(false)}>
            ● Back to live
          </button>
        ) : (
          <button type="button" className="button" disabled={state.phase === 'refused' || !allowed} onClick={() => setRewinding(true)}>
            Rewind
          </button>
        )}
        <span className="grow" />
        {session && can.terminate(me, session) && (
          <button type="button" className="button danger" disabled={state.phase === 'ended'} onClick={() => setTerminating(true)}>
            Terminate…
          </button>
        )}
      </div>
      <div className="live-layout">
        <div className="live-main">
          {rewinding && <DvrPanel sessionId={sessionId} token={token} />}
          <div
            id="live-screen"
            ref={containerRef}
            className="terminal-host live-terminal"
            hidden={rewinding}
            role="region"
            aria-label={`Live terminal${mode === 'view' ? ' (view only)' : ''}`}
            data-mode={mode}
            data-session-id={sessionId}
            data-phase={state.phase}
          />
          <p className="muted small" data-testid="input-notice" aria-live="polite">
            {notice || inputRefusal(mode, state.control, state.viewerId, live) || 'You have control: what you type goes to the session.'}
          </p>
        </div>
        <ViewersPanel viewers={state.viewers} control={state.control} viewerId={state.viewerId} />
      </div>
      <LiveRegion id="live-status" message={state.phase === 'ended' ? 'The session has ended.' : PHASE_TEXT[state.phase]} />
      <TerminateDialog session={terminating ? session : null} onCancel={() => setTerminating(false)} onConfirm={terminate} />
    </section>
  );
}
