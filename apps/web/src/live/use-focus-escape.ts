import { useEffect, useRef } from 'react';
import type { Terminal } from '@xterm/xterm';
import { isFocusEscape } from '../rdp/desktop-status';

/**
 * No keyboard trap in a terminal that takes every key (Tab and Esc included, as a shell needs):
 * Ctrl+Alt+Shift+Q moves the focus out, to `escape()`'s target, the same key as the remote
 * desktop and the browser terminal. The key itself is not sent to the session.
 */
export function useFocusEscape(terminal: Terminal | null, escape: () => void) {
  const latest = useRef(escape);
  latest.current = escape;
  useEffect(() => {
    if (!terminal) return;
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type === 'keydown' && isFocusEscape(event)) {
        event.preventDefault();
        latest.current();
        return false;
      }
      return true;
    });
    return () => terminal.attachCustomKeyEventHandler(() => true);
  }, [terminal]);
}
