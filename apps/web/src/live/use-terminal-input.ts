import { useEffect, useRef } from 'react';
import type { Terminal } from '@xterm/xterm';

/**
 * Sends what is typed in the terminal through `send`, or reports why it may not be sent:
 * `refusal()` is read at each keystroke, so it always sees the current control state.
 */
export function useTerminalInput(terminal: Terminal | null, refusal: () => string | null, send: (data: string) => Promise<void>, onNotice: (text: string) => void) {
  const latest = useRef({ refusal, send, onNotice });
  latest.current = { refusal, send, onNotice };

  useEffect(() => {
    if (!terminal) return;
    const subscription = terminal.onData((data) => {
      const { refusal: why, send: forward, onNotice: notice } = latest.current;
      const refused = why();
      if (refused) return notice(refused);
      forward(data).catch((e: Error) => notice(`Not sent: ${e.message}`));
    });
    return () => subscription.dispose();
  }, [terminal]);
}
