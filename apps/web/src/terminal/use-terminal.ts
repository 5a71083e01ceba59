import { useEffect, useRef, useState } from 'react';
import type { ITerminalOptions, Terminal } from '@xterm/xterm';
import { createTerminal } from './create-terminal';

/** Creates an xterm.js terminal in the returned container ref for the component's lifetime. */
export function useTerminal(options?: ITerminalOptions) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [terminal, setTerminal] = useState<Terminal | null>(null);
  const optionsRef = useRef(options);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const created = createTerminal(container, optionsRef.current);
    setTerminal(created);
    return () => {
      setTerminal(null);
      created.dispose();
    };
  }, []);

  return { containerRef, terminal };
}
