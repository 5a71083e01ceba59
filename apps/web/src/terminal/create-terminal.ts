import { Terminal, type ITerminalOptions } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import './terminal.css';

const THEME = {
  background: '#0d1117',
  foreground: '#e6edf3',
  cursor: '#e6edf3',
  selectionBackground: '#264f78',
};

/** An xterm.js terminal opened in `container`, with the console's look. */
export function createTerminal(container: HTMLElement, options: ITerminalOptions = {}): Terminal {
  const terminal = new Terminal({
    cols: 80,
    rows: 24,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
    fontSize: 14,
    scrollback: 1000,
    convertEol: false,
    theme: THEME,
    ...options,
  });
  terminal.open(container);
  return terminal;
}

/*
 * xterm.js parses writes asynchronously, in order, while reset() and resize() act at once. So that
 * they apply between the right pieces of output, they run as the callback of an empty write, which
 * xterm calls after everything written before and before anything written after.
 */

/** Resizes after everything written so far. */
export function resizeInOrder(terminal: Terminal, cols: number, rows: number): void {
  terminal.write('', () => {
    if (terminal.cols !== cols || terminal.rows !== rows) terminal.resize(cols, rows);
  });
}

/** Resets to an exact screen after everything written so far: clear state, size, then the screen. */
export function resetInOrder(terminal: Terminal, cols: number, rows: number, screen: string, done?: () => void): void {
  terminal.write('', () => terminal.reset());
  resizeInOrder(terminal, cols, rows);
  terminal.write(screen, done);
}

/** The visible rows as plain text (for tests and screen readers' "copy screen"). */
export function screenText(terminal: Terminal): string {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < terminal.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  return lines.join('\n');
}
