import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { AccessLogView, SessionView } from '../api/types';
import { useAuth } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { ErrorBanner } from '../common/ErrorBanner';
import { formatDate } from '../common/format';
import { LiveRegion } from '../common/LiveRegion';
import { useDocumentTitle } from '../common/use-document-title';
import { ControlButtons, type ButtonAction } from '../live/ControlButtons';
import { controlHint } from '../live/control-hints';
import { ControlRequestBanner } from '../live/ControlRequestBanner';
import { MessageUserForm } from '../live/MessageUserForm';
import { desktopInputRefusal, inputRefusal } from '../live/control-info';
import { DvrPanel } from '../live/DvrPanel';
import { SizingToggle } from '../terminal/SizingToggle';
import { useFitWidth } from '../terminal/use-fit-width';
import { useFocusEscape } from '../live/use-focus-escape';
import { FOCUS_ESCAPE_LABEL } from '../rdp/desktop-status';
import { DesktopDvrPanel } from '../recording/DesktopDvrPanel';
import { EndedBanner } from '../live/EndedBanner';
import { RdpLiveView, type RdpLiveHandle } from '../live/RdpLiveView';
import { useLiveSession } from '../live/use-live-session';
import { useTerminalInput } from '../live/use-terminal-input';
import { ViewersPanel } from '../live/ViewersPanel';
import { Link } from '../router/Link';
import { useLocation } from '../router/use-location';
import { sessionTitle, unwatchableReason } from '../sessions/session-title';
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

/**
 * Live view of one session (`mode` view or interact): the terminal (SSH, with rewind) or the remote
 * desktop (RDP/VNC, from the attach ack's tunnel and token), control, viewers, terminate.
 */
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
  const [finalEntry, setFinalEntry] = useState<AccessLogView | null>(null);
  const allowed = mode === 'interact' ? can.interact(me) : can.view(me);
  const isAdmin = me.roles.includes('admin');

  const { containerRef, terminal } = useTerminal();
  const fit = useFitWidth(containerRef, terminal);
  const { state, connection } = useLiveSession(allowed ? terminal : null, containerRef.current, sessionId, mode, token);
  const live = state.phase === 'live';
  const desktop = state.kind === 'rdp' || session?.type === 'PAM_RDP';
  const rdpRef = useRef<RdpLiveHandle>(null);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const holdsControl = useRef(false);
  holdsControl.current = live && state.control?.holder != null && state.control.holder === state.viewerId;
  const refusal = (desktop ? desktopInputRefusal : inputRefusal)(mode, state.control, state.viewerId, live);

  useEffect(() => {
    api.session(token, sessionId).then(setSession, (e) => setError(errorMessage(e)));
  }, [token, sessionId]);

  // a refusal shown for an earlier control state would mislead
  useEffect(() => setNotice(''), [state.control?.holder, state.phase]);

  useFocusEscape(terminal, () => toolbarRef.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus());
  useTerminalInput(
    terminal,
    () => inputRefusal(mode, state.control, state.viewerId, live),
    (data) => connection.current?.input(data) ?? Promise.reject(new Error('not connected')),
    setNotice,
  );

  const act = useCallback(
    async (action: ButtonAction, force?: boolean) => {
      setBusy(true);
      try {
        if (action === 'request') await connection.current?.requestControl();
        else await connection.current?.control(action, force);
        setNotice(
          {
            take: 'You have control: what you type goes to the session.',
            handback: 'Control handed back.',
            'pause-user': 'The user’s keyboard is paused.',
            'resume-user': 'The user’s keyboard is resumed.',
            request: 'Control requested: the viewer holding it (or an admin) is asked.',
          }[action],
        );
        if (action === 'take') (desktop ? rdpRef.current : terminal)?.focus();
      } catch (e) {
        setNotice(`Refused: ${errorMessage(e)}`);
      } finally {
        setBusy(false);
      }
    },
    [connection, terminal, desktop],
  );

  const expireRequests = useCallback(() => connection.current?.expireRequests(), [connection]);

  /**
   * Over /live while attached (the viewers see the reason at once); otherwise (a session with no
   * live stream, or a refused attach) through HTTP, which ends it all the same: a view that could
   * not attach must not wait for an ack that never comes.
   */
  const terminate = async (target: SessionView, reason: string) => {
    if (live && connection.current) await connection.current.terminate(reason);
    else {
      await api.terminate(token, target.id, reason);
      setSession({ ...target, status: 'Terminated' });
      setNotice('The session was terminated.');
    }
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
          {state.phase === 'refused'
            ? `Cannot watch this session: ${session && unwatchableReason(session) ? unwatchableReason(session) : state.error}`
            : state.error}
          {state.phase === 'refused' && session?.serviceProvider?.startsWith('simulated') && (
            <> (a simulated session of the demo agent: it has no live stream; watch the demo's `demo-shell` session instead)</>
          )}
        </p>
      )}
      {state.phase === 'ended' && <EndedBanner sessionId={sessionId} reason={state.endedReason ?? 'ended'} token={token} onEntry={setFinalEntry} />}
      {session && (
        <p className="muted" data-testid="session-summary">
          {sessionTitle(session)} ({session.type}), owner {session.owner}, since {formatDate(session.startDate)} —{' '}
          {finalEntry ? `ended ${formatDate(finalEntry.endDate)} (${finalEntry.status})` : state.phase === 'ended' ? 'ended' : session.status}
        </p>
      )}
      <div className="toolbar live-toolbar" ref={toolbarRef}>
        <ControlButtons
          mode={mode}
          isAdmin={isAdmin}
          control={state.control}
          viewerId={state.viewerId}
          disabled={!live}
          busy={busy}
          onAction={(a, f) => void act(a, f)}
          hint={controlHint({ mode, isAdmin, live, control: state.control, viewerId: state.viewerId, viewers: state.viewers, myRequest: state.myRequest })}
          requestPending={state.myRequest?.status === 'pending'}
        />
        {rewinding ? (
          <button type="button" className="button" onClick={() => setRewinding(false)}>
            Close rewind
          </button>
        ) : (
          <button type="button" className="button" disabled={state.phase === 'refused' || !allowed} onClick={() => setRewinding(true)}>
            Rewind
          </button>
        )}
        {!desktop && <SizingToggle sizing={fit.sizing} zoom={fit.zoom} onChoose={fit.choose} />}
        <span className="grow" />
        {session && can.terminate(me, session) && (
          <button type="button" className="button danger" disabled={state.phase === 'ended'} onClick={() => setTerminating(true)}>
            Terminate…
          </button>
        )}
      </div>
      {live && (
        <ControlRequestBanner
          requests={state.requests}
          onAnswer={(action, to) => connection.current?.answer(action, to) ?? Promise.resolve()}
          onExpire={expireRequests}
        />
      )}
      {live && ((mode === 'interact' && can.interact(me)) || isAdmin) && (
        <MessageUserForm disabled={!live} onSend={(text) => connection.current?.message(text) ?? Promise.reject(new Error('not connected'))} />
      )}
      <div className="live-layout">
        {/* an SSH rewind plays beside the live terminal (player.css), which stays joined and visible */}
        <div className={rewinding && !desktop ? 'live-main rewinding' : 'live-main'}>
          {rewinding && !desktop && <DvrPanel sessionId={sessionId} token={token} />}
          {desktop && state.desktop && allowed && (
            <RdpLiveView
              ref={rdpRef}
              ticket={state.desktop}
              mode={mode}
              holdsControl={() => holdsControl.current}
              sessionLabel={session ? sessionTitle(session) : sessionId}
              onFocusEscape={() => toolbarRef.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus()}
            />
          )}
          {/* a desktop's rewind plays beside its live screen: the live tunnel stays joined */}
          {rewinding && desktop && <DesktopDvrPanel sessionId={sessionId} token={token} />}
          <div
            id="live-screen"
            ref={containerRef}
            className="terminal-host live-terminal"
            hidden={desktop}
            role="region"
            aria-label={`Live terminal${mode === 'view' ? ' (view only)' : ''}`}
            data-mode={mode}
            data-session-id={sessionId}
            data-phase={state.phase}
          />
          <p className="muted small" data-testid="input-notice" aria-live="polite">
            {notice || refusal || (desktop ? 'You have control: your mouse and keys go to the session.' : 'You have control: what you type goes to the session.')}
          </p>
          {mode === 'interact' && !desktop && (
            <p className="muted small" id="live-keyboard-hint">
              Every key, Tab and Esc included, goes to the terminal while it has focus: press <kbd>{FOCUS_ESCAPE_LABEL}</kbd> to move the focus
              to the buttons above. The user keeps their own keyboard while you hold control (an admin can pause it).
            </p>
          )}
        </div>
        <ViewersPanel viewers={state.viewers} control={state.control} viewerId={state.viewerId} />
      </div>
      <LiveRegion id="live-status" message={state.phase === 'ended' ? 'The session has ended.' : PHASE_TEXT[state.phase]} />
      <TerminateDialog session={terminating ? session : null} onCancel={() => setTerminating(false)} onConfirm={terminate} />
    </section>
  );
}
