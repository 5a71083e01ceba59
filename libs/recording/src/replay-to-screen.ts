import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { parseSize } from './asciicast-format';
import { AsciicastFormatError } from './asciicast-format-error';
import { iterateAsciicast, type ReadAsciicastOptions } from './asciicast-reader';

/** A tampered header or resize must not make us allocate a gigantic screen buffer. */
export const MAX_REPLAY_COLS = 4096;
export const MAX_REPLAY_ROWS = 4096;

/** xterm queues writes in memory; waiting every so often keeps a long recording from piling up there. */
const WRITE_BACKLOG_CHARS = 1024 * 1024;

export interface ReplayOptions extends ReadAsciicastOptions {
  /** Scrollback lines kept by the replay terminal; match the live terminal when comparing. */
  scrollback?: number;
}

export interface ReplayedScreen {
  cols: number;
  rows: number;
  /** SerializeAddon.serialize() of the final terminal state (screen, scrollback, modes). */
  screen: string;
}

/**
 * Plays a recording's output and resize events into a fresh headless terminal and returns the
 * final screen. Input events are skipped: they are what the user typed, not what was displayed.
 */
export async function replayToScreen(filePath: string, options: ReplayOptions = {}): Promise<ReplayedScreen> {
  let terminal: Terminal | undefined;
  let serializer: SerializeAddon | undefined;
  let backlog = 0;
  try {
    for await (const entry of iterateAsciicast(filePath, options)) {
      if (entry.kind === 'header') {
        const { width, height } = entry.header;
        assertReplayableSize(filePath, entry.line, width, height);
        // SerializeAddon reads the buffer through the proposed API.
        terminal = new Terminal({
          cols: width,
          rows: height,
          allowProposedApi: true,
          ...(options.scrollback !== undefined ? { scrollback: options.scrollback } : {}),
        });
        serializer = new SerializeAddon();
        terminal.loadAddon(serializer);
        continue;
      }
      if (!terminal) continue; // unreachable: the reader always yields the header first
      const { code, data } = entry.event;
      if (code === 'o') {
        backlog += data.length;
        if (backlog < WRITE_BACKLOG_CHARS) {
          terminal.write(data);
        } else {
          backlog = 0;
          await writeAndWait(terminal, data);
        }
      } else if (code === 'r') {
        const size = parseSize(data);
        if (!size) continue; // unreachable: the reader validated it
        assertReplayableSize(filePath, entry.line, size.cols, size.rows);
        // write() is queued and parsed later while resize() applies at once, so drain the queue
        // first or earlier output would be laid out at the new size.
        backlog = 0;
        await writeAndWait(terminal, '');
        terminal.resize(size.cols, size.rows);
      }
    }
    if (!terminal || !serializer) throw new Error(`${filePath}: no header`); // unreachable, see reader
    await writeAndWait(terminal, '');
    return { cols: terminal.cols, rows: terminal.rows, screen: serializer.serialize() };
  } finally {
    terminal?.dispose();
  }
}

function writeAndWait(terminal: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => terminal.write(data, resolve));
}

function assertReplayableSize(filePath: string, line: number, cols: number, rows: number): void {
  if (cols > MAX_REPLAY_COLS || rows > MAX_REPLAY_ROWS) {
    throw new AsciicastFormatError(
      filePath,
      line,
      `terminal size ${cols}x${rows} exceeds the replay limit ${MAX_REPLAY_COLS}x${MAX_REPLAY_ROWS}`,
    );
  }
}
