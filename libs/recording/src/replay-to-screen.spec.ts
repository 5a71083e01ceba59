import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { AsciicastFormatError } from './asciicast-format-error';
import { AsciicastWriter } from './asciicast-writer';
import { replayToScreen } from './replay-to-screen';

type Step = { output: Buffer } | { input: Buffer } | { resize: [number, number] };

/** The "live" side: a terminal fed the relay's raw bytes directly, as the shadowing view would be. */
async function liveScreen(cols: number, rows: number, steps: Step[]): Promise<string> {
  const terminal = new Terminal({ cols, rows, allowProposedApi: true });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer);
  const drain = () => new Promise<void>((resolve) => terminal.write('', resolve));
  for (const step of steps) {
    if ('output' in step) terminal.write(step.output);
    if ('resize' in step) {
      await drain();
      terminal.resize(...step.resize);
    }
  }
  await drain();
  const screen = serializer.serialize();
  terminal.dispose();
  return screen;
}

describe('replayToScreen', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-replay-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function record(cols: number, rows: number, steps: Step[]): Promise<string> {
    let now = 0;
    const writer = await AsciicastWriter.open(join(dir, 's.cast'), { cols, rows, clock: () => now });
    for (const step of steps) {
      now += 7;
      if ('output' in step) writer.output(step.output);
      if ('input' in step) writer.input(step.input);
      if ('resize' in step) writer.resize(...step.resize);
    }
    return (await writer.close()).path;
  }

  /** Splits bytes into small chunks so escape sequences and UTF-8 characters straddle chunk edges. */
  function chunked(bytes: Buffer, size: number): Step[] {
    const steps: Step[] = [];
    for (let i = 0; i < bytes.length; i += size) steps.push({ output: bytes.subarray(i, i + size) });
    return steps;
  }

  it('replays a full-screen session to the same final screen as the live terminal', async () => {
    const fullScreen = Buffer.from(
      [
        'scrolled away\r\n'.repeat(30),
        '\x1b[2J\x1b[H', // clear, home
        '\x1b[1;1H\x1b[7m top-bar: vim ünïcödé € 😀 \x1b[0m',
        '\x1b[5;10HHello, \x1b[1;32mgreen\x1b[0m world',
        '\x1b[10;3H\x1b[4munderlined\x1b[24m and \x1b[38;5;208morange\x1b[39m',
        '\x1b[24;1H-- INSERT --',
        '\x1b[8;40H\x1b[K', // erase to end of line
        '\x1b[12;5Hcursor ends here',
      ].join(''),
      'utf8',
    );
    const steps: Step[] = [
      ...chunked(fullScreen.subarray(0, 700), 5),
      { input: Buffer.from(':wq\r') }, // typed keys must not be painted on the replayed screen
      { resize: [100, 30] },
      ...chunked(fullScreen.subarray(700), 3),
      { output: Buffer.from('\x1b[20;20Hafter resize') },
    ];

    const expected = await liveScreen(80, 24, steps);
    const replayed = await replayToScreen(await record(80, 24, steps));

    expect(replayed.screen).toBe(expected);
    expect(replayed).toMatchObject({ cols: 100, rows: 30 });
    // Guard against a vacuous pass (e.g. both sides empty).
    expect(replayed.screen).toContain('green');
    expect(replayed.screen).toContain('😀');
    expect(replayed.screen).toContain('after resize');
    expect(replayed.screen).not.toContain(':wq');
  });

  it('applies a resize after the output written before it, not before', async () => {
    // 10 columns of text at width 10, then shrink: if the resize jumped the write queue the
    // text would wrap at width 5 instead of being laid out at 10 and then cut.
    const steps: Step[] = [{ output: Buffer.from('0123456789') }, { resize: [5, 3] }];
    const replayed = await replayToScreen(await record(10, 3, steps));
    expect(replayed.screen).toBe(await liveScreen(10, 3, steps));
    expect({ cols: replayed.cols, rows: replayed.rows }).toEqual({ cols: 5, rows: 3 });
  });

  it('refuses a header size that would allocate an absurd screen', async () => {
    const path = join(dir, 'huge.cast');
    await writeFile(path, '{"version":2,"width":100000,"height":100000}\n');
    await expect(replayToScreen(path)).rejects.toThrow(AsciicastFormatError);
    await expect(replayToScreen(path)).rejects.toThrow(/line 1: terminal size 100000x100000 exceeds/);
  });

  it('replays a crash-truncated recording when asked to tolerate the tail', async () => {
    const path = join(dir, 'crashed.cast');
    await writeFile(path, '{"version":2,"width":20,"height":2}\n[0.1,"o","survived"]\n[0.2,"o","los');
    await expect(replayToScreen(path)).rejects.toThrow(/line 3/);
    expect((await replayToScreen(path, { tolerateTruncatedTail: true })).screen).toBe('survived');
  });
});
