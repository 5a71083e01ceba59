import { useEffect, useRef, useState } from 'react';
import type { Terminal } from '@xterm/xterm';
import { resetInOrder, resizeInOrder } from '../terminal/create-terminal';
import { takeLiveClickElapsed } from './first-paint';
import { INITIAL_SNAPSHOT, LiveConnection, type LiveSnapshot, type ScreenSink } from './live-connection';
import type { ViewerMode } from './live-protocol';

const INITIAL = INITIAL_SNAPSHOT;

/**
 * Attaches `terminal` to a live session for as long as the component is mounted. Once the first
 * screen is painted, `data-first-paint-ms` (time since the View click) and `data-painted` are set
 * on `container`.
 */
export function useLiveSession(terminal: Terminal | null, container: HTMLElement | null, sessionId: string, mode: ViewerMode, token: string) {
  const [state, setState] = useState<LiveSnapshot>(INITIAL);
  const connectionRef = useRef<LiveConnection | null>(null);

  useEffect(() => {
    if (!terminal || !container) return;
    const sink: ScreenSink = {
      reset: (cols, rows, screen, painted) => resetInOrder(terminal, cols, rows, screen, painted),
      write: (data) => terminal.write(data),
      resize: (cols, rows) => resizeInOrder(terminal, cols, rows),
    };
    const onFirstPaint = () =>
      // parsed now; xterm paints on the next animation frame
      requestAnimationFrame(() => {
        const elapsed = takeLiveClickElapsed();
        if (elapsed !== null) container.dataset.firstPaintMs = elapsed.toFixed(1);
        container.dataset.painted = 'true';
      });
    const connection = new LiveConnection(sessionId, mode, token, sink, setState, onFirstPaint);
    connectionRef.current = connection;
    return () => {
      connectionRef.current = null;
      connection.close();
      setState(INITIAL);
    };
  }, [terminal, container, sessionId, mode, token]);

  return { state, connection: connectionRef };
}
