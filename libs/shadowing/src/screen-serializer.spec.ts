import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { isFastPathAvailable, serializeScreen, serializeWithFallback } from './screen-serializer';

/** A terminal fed `data`, with the addon loaded: the reference our copy must match byte for byte. */
async function terminalWith(cols: number, rows: number, data: string | string[], scrollback = 1000): Promise<{ terminal: Terminal; addon: SerializeAddon }> {
  const terminal = new Terminal({ cols, rows, scrollback, allowProposedApi: true, logLevel: 'off' });
  const addon = new SerializeAddon();
  terminal.loadAddon(addon);
  for (const part of Array.isArray(data) ? data : [data]) await new Promise<void>((resolve) => terminal.write(part, resolve));
  return { terminal, addon };
}

async function expectSameAsAddon(cols: number, rows: number, data: string | string[], scrollbacks: (number | undefined)[] = [undefined, 0, 5]): Promise<void> {
  const { terminal, addon } = await terminalWith(cols, rows, data);
  try {
    for (const scrollback of scrollbacks) {
      expect(serializeScreen(terminal, scrollback)).toBe(addon.serialize(scrollback === undefined ? undefined : { scrollback }));
    }
  } finally {
    terminal.dispose();
  }
}

/** Deterministic pseudo-random output: text, every SGR form the serializer emits, wide and combining characters, moves, erases, wraps. */
function randomOutput(seed: number, length: number): string {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const pieces = [
    () => 'plain text ',
    () => 'x'.repeat(Math.floor(random() * 200)), // long runs wrap
    () => '\r\n',
    () => `\x1b[${pick([0, 1, 2, 3, 4, 5, 7, 8, 9, 22, 23, 24, 25, 27, 28, 29, 53, 55, 39, 49])}m`,
    () => `\x1b[${30 + Math.floor(random() * 8)};${40 + Math.floor(random() * 8)}m`,
    () => `\x1b[${90 + Math.floor(random() * 8)}m\x1b[${100 + Math.floor(random() * 8)}m`,
    () => `\x1b[38;5;${Math.floor(random() * 256)}m\x1b[48;5;${Math.floor(random() * 256)}m`,
    () => `\x1b[38;2;${Math.floor(random() * 256)};${Math.floor(random() * 256)};${Math.floor(random() * 256)}m`,
    () => `\x1b[4:${Math.floor(random() * 6)}m`, // underline styles: extended attributes
    () => '\x1b[58;5;196m', // underline colour: extended attributes
    () => '漢字テスト', // wide characters
    () => 'e\u0301 a\u0308', // combining marks
    () => '😀',
    () => `\x1b[${1 + Math.floor(random() * 30)};${1 + Math.floor(random() * 90)}H`,
    () => `\x1b[${pick(['K', '1K', '2K', 'J', '1J', 'X', '5X', 'C', '3D', 'A', 'B'])}`,
    () => `\x1b[44m\x1b[${pick(['K', '2K', '10X'])}`, // background colour erase
    () => ' '.repeat(Math.floor(random() * 10)),
    () => '\t|',
    () => pick(['\x1b[?1h', '\x1b[?2004h', '\x1b[4h', '\x1b[?1000h', '\x1b[?1003h', '\x1b[?7l', '\x1b[?7h', '\x1b[?66h']),
  ];
  let out = '';
  while (out.length < length) out += pick(pieces)();
  return out;
}

describe('serializeScreen (our copy of @xterm/addon-serialize)', () => {
  it('runs the fast path on the installed xterm', async () => {
    const { terminal } = await terminalWith(80, 24, '');
    expect(isFastPathAvailable(terminal)).toBe(true);
    terminal.dispose();
  });

  it('matches the addon on an empty terminal, a prompt, and a full scrollback of log lines', async () => {
    await expectSameAsAddon(80, 24, '');
    await expectSameAsAddon(120, 40, '$ ');
    let log = '';
    for (let i = 0; i < 1500; i++) log += `2026-12-01T21:00:00Z host app[${i}]: request ${i} took ${i % 97} ms\r\n`;
    await expectSameAsAddon(120, 40, log);
  });

  it('matches the addon on a styled full-screen application in the alternate screen', async () => {
    await expectSameAsAddon(80, 24, [
      'shell prompt $ ls\r\nfile-a  file-b\r\n',
      '\x1b[?1049h\x1b[H\x1b[2J',
      '\x1b[1;37;44m title bar \x1b[0m',
      '\x1b[5;10H\x1b[31mred at row 5 col 10\x1b[0m',
      '\x1b[10;1H\x1b[38;5;208morange\x1b[0m \x1b[38;2;10;200;30mtruecolor\x1b[0m \x1b[4munderlined\x1b[0m',
      '\x1b[24;1H-- INSERT --\x1b[7;3H\x1b[1;32m', // ends mid-style: the cursor's style is restored too
    ]);
  });

  it('matches the addon on wrapped lines, wide characters at the edge and coloured blanks', async () => {
    await expectSameAsAddon(20, 5, [
      'a'.repeat(45), // wraps twice
      '\r\n' + 'b'.repeat(19) + '漢', // a wide character that does not fit: wraps early
      '\r\n\x1b[41m' + ' '.repeat(25) + '\x1b[0m', // coloured blanks across the wrap
      '\r\n\x1b[42m\x1b[K\x1b[0mafter erase', // background colour erase to the end of the line
      '\r\n' + '-'.repeat(20) + 'x', // a wrap whose last cell is content
      '\r\n\x1b[44mzz\x1b[0m' + ' '.repeat(18) + 'q',
    ]);
  });

  it('matches the addon on random output, across sizes and scrollback limits', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const cols = 10 + ((seed * 37) % 120);
      const rows = 3 + ((seed * 11) % 40);
      await expectSameAsAddon(cols, rows, randomOutput(seed, 3000 + seed * 200), [undefined, 0, seed % 7]);
    }
  });

  it('matches the addon after a resize reflows the buffer', async () => {
    const { terminal, addon } = await terminalWith(100, 30, randomOutput(99, 20_000));
    try {
      for (const [cols, rows] of [[40, 10], [132, 43], [7, 3]]) {
        terminal.resize(cols, rows);
        expect(serializeScreen(terminal)).toBe(addon.serialize());
      }
    } finally {
      terminal.dispose();
    }
  });

  it('falls back to the addon when told the fast path is unavailable', async () => {
    const { terminal, addon } = await terminalWith(40, 10, 'hello \x1b[31mred\x1b[0m');
    const spy = jest.spyOn(addon, 'serialize');
    try {
      expect(serializeWithFallback(terminal, addon, false, 0)).toBe(serializeScreen(terminal, 0));
      expect(spy).toHaveBeenCalledWith({ scrollback: 0 });
      spy.mockClear();
      serializeWithFallback(terminal, addon, true);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      terminal.dispose();
    }
  });
});
