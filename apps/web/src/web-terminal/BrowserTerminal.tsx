import { useEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/auth-context';
import { LiveRegion } from '../common/LiveRegion';
import { FOCUS_ESCAPE_LABEL, isFocusEscape } from '../rdp/desktop-status';
import { useTerminal } from '../terminal/use-terminal';
import { fitSize } from './fit-terminal';
import { CONNECTING, TerminalConnection, type TerminalState } from './terminal-connection';
import './web-terminal.css';

const PHASE_TEXT: Record<TerminalState['phase'], string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  ended: 'Ended',
};
/** A window drag sends many sizes: the last one, after a short pause, is what the target gets. */
const RESIZE_SETTLE_MS = 120;

/**
 * An SSH target in the browser: xterm.js over socket.io `/terminal`, on the jump's relay (the
 * session is registered, recorded and watchable as a jump session is). The terminal fills its
 * box and follows its size; while it has focus every key goes to the target, Tab included, except
 * Ctrl+Alt+Shift+Q, which moves focus to the button after it (no keyboard trap).
 */
export function BrowserTerminal({ target }: { target: string }) {
  const { token } = useAuth();
  const { containerRef, terminal } = useTerminal({ scrollback: 5000 });
  const boxRef = useRef<HTMLDivElement>(null);
  const afterRef = useRef<HTMLButtonElement>(null);
  const [state, setState] = useState<TerminalState>(CONNECTING);
  const [attempt, setAttempt] = useState(0);
  const connectionRef = useRef<TerminalConnection | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    const host = containerRef.current;
    if (!terminal || !box || !host) return;
    terminal.reset();
    const first = fitSize(terminal, host);
    terminal.resize(first.cols, first.rows);
    const connection = new TerminalConnection(target, first, token, (data) => terminal.write(data), setState);
    connectionRef.current = connection;
    setState(connection.snapshot);
    const typed = terminal.onData((data) => connection.input(data));
    const binary = terminal.onBinary((data) => connection.binary(data));
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type === 'keydown' && isFocusEscape(event)) {
        event.preventDefault();
        afterRef.current?.focus();
        return false;
      }
      return true;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const size = fitSize(terminal, host);
        if (size.cols === terminal.cols && size.rows === terminal.rows) return;
        terminal.resize(size.cols, size.rows);
        connection.resize(size.cols, size.rows);
      }, RESIZE_SETTLE_MS);
    });
    observer.observe(box);
    terminal.focus();
    return () => {
      clearTimeout(timer);
      observer.disconnect();
      typed.dispose();
      binary.dispose();
      connectionRef.current = null;
      connection.close();
    };
  }, [terminal, target, token, attempt, containerRef]);

  const ended = state.phase === 'ended';
  return (
    <div className="web-terminal stack">
      <div className="toolbar">
        <span className={`badge phase-${state.phase === 'connected' ? 'live' : state.phase}`} data-testid="terminal-phase">
          <span className="dot" aria-hidden="true" />
          {PHASE_TEXT[state.phase]}
        </span>
        <span className="muted small">
          Press <kbd>{FOCUS_ESCAPE_LABEL}</kbd> to leave the terminal.
        </span>
        <span className="grow" />
        {/* where Ctrl+Alt+Shift+Q takes the focus: always enabled, so the keyboard is never trapped */}
        <button type="button" className="button" ref={afterRef} onClick={() => (ended ? setAttempt((n) => n + 1) : connectionRef.current?.disconnect())}>
          {ended ? 'Connect again' : 'Disconnect'}
        </button>
      </div>
      {ended && (
        <p className="banner error" role="alert" data-testid="terminal-ended">
          Session ended: {state.reason ?? 'ended'}
        </p>
      )}
      <div ref={boxRef} className="web-terminal-box">
        <div
          ref={containerRef}
          className="terminal-host web-terminal-screen"
          role="region"
          aria-label={`Terminal on ${target}`}
          data-target={target}
          data-state={state.phase}
          data-session-id={state.sessionId ?? ''}
        />
      </div>
      <LiveRegion id="terminal-status" message={ended ? `Session ended: ${state.reason ?? 'ended'}` : PHASE_TEXT[state.phase]} />
    </div>
  );
}
