import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { ScreenMirror } from './screen-mirror';

/**
 * The reference: a terminal of its own fed the same steps in one go, serialized the way a viewer's
 * exact screen is checked (bench/ssh/join-time.ts, test/support/terminal.ts).
 */
class Reference {
  private readonly terminal: Terminal;
  private readonly serializer = new SerializeAddon();

  constructor(cols: number, rows: number) {
    this.terminal = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true, logLevel: 'off' });
    this.terminal.loadAddon(this.serializer);
  }

  write(data: string): Promise<void> {
    return new Promise((resolve) => this.terminal.write(data, resolve));
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  screen(scrollback?: number): string {
    return this.serializer.serialize(scrollback === undefined ? undefined : { scrollback });
  }

  dispose(): void {
    this.terminal.dispose();
  }
}

/** Enough scrollback that a full serialization is the expensive one a join pays for. */
function screenful(tag: string, lines = 1200): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `${tag} line ${i} \x1b[3${i % 8}m${'x'.repeat(i % 90)}\x1b[0m\r\n`;
  return text;
}

describe('ScreenMirror snapshot cache', () => {
  let mirror: ScreenMirror;
  let reference: Reference;

  afterEach(() => {
    mirror.dispose();
    reference.dispose();
  });

  it('serializes an unchanged screen once, however many viewers join', async () => {
    mirror = new ScreenMirror(120, 40);
    reference = new Reference(120, 40);
    const output = screenful('idle');
    mirror.write(output);
    await reference.write(output);

    const first = await mirror.snapshot();
    const again = await Promise.all([mirror.snapshot(), mirror.snapshot(), mirror.snapshot()]);

    expect(first.screen).toBe(reference.screen());
    for (const snapshot of again) expect(snapshot).toEqual(first);
    expect(mirror.serializeCount).toBe(1);
  });

  it('an attach after new output gets the new exact screen, not the cached one', async () => {
    mirror = new ScreenMirror(120, 40);
    reference = new Reference(120, 40);
    const before = screenful('before');
    mirror.write(before);
    await reference.write(before);
    const cached = await mirror.snapshot();

    // One byte is enough to change the screen: the cache must not survive it.
    mirror.write('Z');
    await reference.write('Z');
    const after = await mirror.snapshot();

    expect(after.screen).not.toBe(cached.screen);
    expect(after.screen).toBe(reference.screen());
    expect(mirror.serializeCount).toBe(2);
  });

  it('a resize invalidates it: the next screen is the reflowed one at the new size', async () => {
    mirror = new ScreenMirror(120, 40);
    reference = new Reference(120, 40);
    const output = screenful('resize', 300) + 'w'.repeat(110); // wraps at 100 columns, not at 120
    mirror.write(output);
    await reference.write(output);
    const wide = await mirror.snapshot();

    mirror.resize(100, 30);
    reference.resize(100, 30);
    const narrow = await mirror.snapshot();

    expect(narrow).toMatchObject({ cols: 100, rows: 30 });
    expect(narrow.screen).not.toBe(wide.screen);
    expect(narrow.screen).toBe(reference.screen());
    expect(mirror.serializeCount).toBe(2);
  });

  it('keeps the full and the thumbnail (no scrollback) screens apart, and drops both on output', async () => {
    mirror = new ScreenMirror(80, 24);
    reference = new Reference(80, 24);
    const output = screenful('both', 200);
    mirror.write(output);
    await reference.write(output);

    const full = await mirror.snapshot();
    const thumb = await mirror.snapshot({ scrollback: 0 });
    expect(full.screen).toBe(reference.screen());
    expect(thumb.screen).toBe(reference.screen(0));
    expect(thumb.screen).not.toBe(full.screen);
    await mirror.snapshot();
    await mirror.snapshot({ scrollback: 0 });
    expect(mirror.serializeCount).toBe(2);

    mirror.write('\x1b[2J\x1b[HCLEARED');
    await reference.write('\x1b[2J\x1b[HCLEARED');
    expect((await mirror.snapshot({ scrollback: 0 })).screen).toBe(reference.screen(0));
    expect((await mirror.snapshot()).screen).toBe(reference.screen());
    expect(mirror.serializeCount).toBe(4);
  });

  it('an incomplete character changes nothing yet: the cache stays valid, then the completed one invalidates it', async () => {
    mirror = new ScreenMirror(80, 24);
    reference = new Reference(80, 24);
    mirror.write('price: ');
    await reference.write('price: ');
    const euro = Buffer.from('€', 'utf8');
    await mirror.snapshot();

    mirror.write(euro.subarray(0, 1)); // held by the framer until the character is whole
    expect((await mirror.snapshot()).screen).toBe(reference.screen());
    expect(mirror.serializeCount).toBe(1);

    mirror.write(euro.subarray(1));
    await reference.write('€');
    expect((await mirror.snapshot()).screen).toBe(reference.screen());
    expect(mirror.serializeCount).toBe(2);
  });

  it('a flood that resets the terminal never lets the pre-flood screen through', async () => {
    mirror = new ScreenMirror(80, 24, { resyncTailBytes: 4096 });
    reference = new Reference(80, 24);
    mirror.write('OLD-SCREEN-MARKER\r\n');
    expect((await mirror.snapshot()).screen).toContain('OLD-SCREEN-MARKER');

    // Far over the flood rate in one go: the mirror skips it, and the snapshot resyncs from the tail.
    const flood = `${'f'.repeat(79)}\r\n`.repeat(16_384);
    mirror.write(flood);
    const snapshot = await mirror.snapshot();

    expect(mirror.floodCount).toBeGreaterThan(0);
    expect(snapshot.screen).not.toContain('OLD-SCREEN-MARKER');
    expect(snapshot.screen).toContain('f'.repeat(79));
  });

  it('never serves a stale screen when output, resizes and joins interleave at random', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    mirror = new ScreenMirror(80, 24);
    reference = new Reference(80, 24);
    for (let step = 0; step < 300; step++) {
      const roll = random();
      if (roll < 0.55) {
        const text = `s${step}:${'abc\x1b[1mB\x1b[0m'.repeat(Math.floor(random() * 20))}${random() < 0.5 ? '\r\n' : ''}`;
        mirror.write(text);
        await reference.write(text);
      } else if (roll < 0.65) {
        const cols = 40 + Math.floor(random() * 80);
        const rows = 10 + Math.floor(random() * 30);
        mirror.resize(cols, rows);
        reference.resize(cols, rows);
      } else {
        const scrollback = random() < 0.3 ? 0 : undefined;
        const snapshot = await mirror.snapshot({ scrollback });
        expect(snapshot.screen).toBe(reference.screen(scrollback));
      }
    }
    // Snapshots in a row without a change in between were served from the cache.
    const count = mirror.serializeCount;
    await mirror.snapshot();
    await mirror.snapshot();
    expect(mirror.serializeCount).toBeLessThanOrEqual(count + 1);
  });
});
