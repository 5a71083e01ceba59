import { StringDecoder } from 'node:string_decoder';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { ScreenMirror } from './screen-mirror';

/** What a viewer does: write the snapshot into its own fresh terminal of the same size. */
async function serializeInFreshTerminal(cols: number, rows: number, data: string): Promise<string> {
  const terminal = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer);
  await new Promise<void>((resolve) => terminal.write(data, resolve));
  const serialized = serializer.serialize();
  terminal.dispose();
  return serialized;
}

const FULL_SCREEN_APP = [
  'shell prompt $ ls\r\nfile-a  file-b\r\n',
  '\x1b[?1049h', // alternate screen, as vim/top/less do
  '\x1b[H\x1b[2J',
  '\x1b[1;37;44m title bar \x1b[0m',
  '\x1b[5;10H\x1b[31mred at row 5 col 10\x1b[0m',
  '\x1b[10;1H\x1b[38;5;208morange\x1b[0m \x1b[38;2;10;200;30mtruecolor\x1b[0m \x1b[4munderlined\x1b[0m',
  '\x1b[24;1H-- INSERT --',
  '\x1b[7;3H', // leave the cursor somewhere specific
].join('');

describe('ScreenMirror', () => {
  let mirror: ScreenMirror;

  afterEach(() => mirror.dispose());

  it('gives a viewer the exact screen: replaying a snapshot in a fresh terminal reproduces it', async () => {
    mirror = new ScreenMirror(80, 24);
    mirror.write(Buffer.from(FULL_SCREEN_APP, 'utf8'));

    const snapshot = await mirror.snapshot();

    expect(snapshot).toMatchObject({ cols: 80, rows: 24 });
    expect(snapshot.screen).toContain('\x1b[?1049h');
    expect(snapshot.screen).toContain('red at row 5 col 10');
    expect(await serializeInFreshTerminal(80, 24, snapshot.screen)).toBe(snapshot.screen);
    // And it is the same screen a terminal fed the raw session output shows.
    expect(await serializeInFreshTerminal(80, 24, FULL_SCREEN_APP)).toBe(snapshot.screen);
  });

  it('round-trips after leaving the alternate screen too', async () => {
    mirror = new ScreenMirror(80, 24);
    const output = FULL_SCREEN_APP + '\x1b[?1049l' + 'back at the prompt $ ';
    mirror.write(output);

    const snapshot = await mirror.snapshot();

    expect(snapshot.screen).not.toContain('red at row 5 col 10');
    expect(snapshot.screen).toContain('back at the prompt $');
    expect(await serializeInFreshTerminal(80, 24, snapshot.screen)).toBe(snapshot.screen);
  });

  it('decodes a multibyte character split across two Buffers', async () => {
    mirror = new ScreenMirror(80, 24);
    const bytes = Buffer.from('price: 5€ 😀 ok', 'utf8');
    const euroStart = bytes.indexOf(0xe2);
    mirror.write(bytes.subarray(0, euroStart + 1));
    mirror.write(bytes.subarray(euroStart + 1, euroStart + 2));
    const emojiStart = bytes.indexOf(0xf0);
    mirror.write(bytes.subarray(euroStart + 2, emojiStart + 2));
    mirror.write(bytes.subarray(emojiStart + 2));

    const { screen } = await mirror.snapshot();

    expect(screen).toContain('price: 5€ 😀 ok');
    expect(screen).not.toContain('\ufffd');
  });

  it('returns from write before parsing, so the session never waits for the mirror', async () => {
    mirror = new ScreenMirror(80, 24);
    mirror.write('x'.repeat(500_000));
    expect(mirror.pendingBytes).toBe(500_000);

    await mirror.snapshot();
    expect(mirror.pendingBytes).toBe(0);
  });

  it('includes everything written before the snapshot call, and nothing written after it', async () => {
    mirror = new ScreenMirror(80, 24);
    for (let line = 0; line < 3000; line++) mirror.write(`line ${line}\r\n`);
    const pending = mirror.snapshot();
    mirror.write('WRITTEN-LATER');

    const { screen } = await pending;

    expect(screen).toContain('line 2999');
    expect(screen).not.toContain('WRITTEN-LATER');
    expect((await mirror.snapshot()).screen).toContain('WRITTEN-LATER');
  });

  it('reflects a resize, applied in stream order', async () => {
    mirror = new ScreenMirror(80, 24);
    mirror.write('before resize\r\n');
    expect(mirror.resize(132, 43)).toBe(true);
    expect(mirror).toMatchObject({ cols: 132, rows: 43 });
    mirror.write('y'.repeat(120)); // fits on one row only at the new width

    const snapshot = await mirror.snapshot();

    expect(snapshot).toMatchObject({ cols: 132, rows: 43 });
    expect(snapshot.screen).toContain('before resize');
    expect(snapshot.screen).toContain('y'.repeat(120));
    expect(await serializeInFreshTerminal(132, 43, snapshot.screen)).toBe(snapshot.screen);
  });

  it('parses output written before a resize at the old size', async () => {
    mirror = new ScreenMirror(80, 24);
    const output = '\x1b[999CX'; // cursor as far right as the width allows, then X: lands in column 80
    mirror.write(output);
    mirror.resize(132, 43);

    const reference = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
    const serializer = new SerializeAddon();
    reference.loadAddon(serializer);
    await new Promise<void>((resolve) => reference.write(output, resolve));
    reference.resize(132, 43);

    expect((await mirror.snapshot()).screen).toBe(serializer.serialize());
    reference.dispose();
  });

  it('ignores nonsense sizes and clamps absurd ones', async () => {
    mirror = new ScreenMirror(0, Number.NaN);
    expect(mirror).toMatchObject({ cols: 80, rows: 24 });
    expect(mirror.resize(0, 10)).toBe(false);
    expect(mirror.resize(100.5, 10)).toBe(false);
    expect(mirror.resize(1_000_000, 1_000_000)).toBe(true);

    expect(await mirror.snapshot()).toMatchObject({ cols: 1000, rows: 500 });
  });

  describe('when the parser lags behind the session', () => {
    const bounds = { maxPendingBytes: 64 * 1024, resyncTailBytes: 8 * 1024, maxInFlightBytes: 4 * 1024 };

    it('drops the backlog, keeps the recent tail and never holds more than the bound', async () => {
      // Scrollback large enough that, had the old lines been parsed, they would still be there.
      mirror = new ScreenMirror(80, 24, { ...bounds, scrollback: 30_000 });
      let maxSeen = 0;
      for (let line = 0; line < 20_000; line++) {
        mirror.write(`old output line ${line} ${'.'.repeat(40)}\r\n`);
        maxSeen = Math.max(maxSeen, mirror.pendingBytes);
      }
      mirror.write('\x1b[32mLATEST LINE\x1b[0m\r\n');
      maxSeen = Math.max(maxSeen, mirror.pendingBytes);

      expect(maxSeen).toBeLessThanOrEqual(bounds.maxPendingBytes);
      expect(mirror.resyncCount).toBeGreaterThan(0);
      expect(mirror.droppedBytes).toBeGreaterThan(0);

      const { screen } = await mirror.snapshot();
      expect(screen).toContain('LATEST LINE');
      expect(screen).toContain('old output line 19999');
      expect(screen).not.toContain('old output line 0 '); // the start was dropped, not parsed
      expect(mirror.pendingBytes).toBe(0);
    });

    it('bounds a single huge write too', async () => {
      mirror = new ScreenMirror(80, 24, bounds);
      mirror.write('z'.repeat(1_000_000) + '\r\nEND');

      expect(mirror.pendingBytes).toBeLessThanOrEqual(bounds.maxPendingBytes);
      expect(mirror.resyncCount).toBe(1);
      expect((await mirror.snapshot()).screen).toContain('END');
    });

    it('still answers a snapshot that was waiting when the backlog was dropped', async () => {
      mirror = new ScreenMirror(80, 24, bounds);
      mirror.write('a'.repeat(32 * 1024));
      const waiting = mirror.snapshot();
      mirror.resize(100, 30);
      mirror.write('b'.repeat(100 * 1024) + '\r\nAFTER RESYNC');

      const snapshot = await waiting;

      expect(mirror.resyncCount).toBe(1);
      expect(snapshot).toMatchObject({ cols: 100, rows: 30 });
      expect(snapshot.screen).toContain('AFTER RESYNC');
    });

    it('stays bounded at the default 8 MiB limit with a relay-sized burst', async () => {
      mirror = new ScreenMirror(80, 24);
      const chunk = `${'#'.repeat(78)}\r\n`.repeat(800); // 64 000 chars, like an SSH channel read
      let maxSeen = 0;
      for (let i = 0; i < 400; i++) {
        mirror.write(chunk);
        maxSeen = Math.max(maxSeen, mirror.pendingBytes);
      }
      mirror.write('DONE');

      expect(maxSeen).toBeLessThanOrEqual(8 * 1024 * 1024);
      expect(mirror.resyncCount).toBeGreaterThanOrEqual(2);
      expect((await mirror.snapshot()).screen).toContain('DONE');
    });
  });

  it('rejects waiting snapshots on dispose and ignores later writes', async () => {
    mirror = new ScreenMirror(80, 24);
    mirror.write('x'.repeat(300_000));
    const waiting = mirror.snapshot();

    mirror.dispose();
    mirror.write('ignored');

    await expect(waiting).rejects.toThrow('disposed');
    await expect(mirror.snapshot()).rejects.toThrow('disposed');
    expect(mirror.resize(100, 30)).toBe(false);
    expect(mirror.pendingBytes).toBe(0);
    // xterm may still have a parse slice scheduled; it must not blow up after dispose.
    await new Promise((resolve) => setTimeout(resolve, 30));
  });

  it('refuses bounds that could not be honoured', () => {
    mirror = new ScreenMirror(80, 24);
    expect(() => new ScreenMirror(80, 24, { maxPendingBytes: 1000, resyncTailBytes: 1000, maxInFlightBytes: 64 })).toThrow(
      RangeError,
    );
    expect(() => new ScreenMirror(80, 24, { maxInFlightBytes: 1 })).toThrow(RangeError);
    expect(() => new ScreenMirror(80, 24, { scrollback: -1 })).toThrow(RangeError);
  });
});

describe('ScreenMirror during a flood', () => {
  it('stops parsing while output floods, then shows the tail once it is quiet', async () => {
    const mirror = new ScreenMirror(80, 24, { floodBytesPerSecond: 1024 * 1024, floodQuietMs: 50 });
    const line = (n: number) => `line ${String(n).padStart(7, '0')} ${'x'.repeat(60)}\r\n`;
    for (let n = 0; n < 40_000; n++) mirror.write(line(n)); // ~3 MB in one burst
    expect(mirror.floodCount).toBe(1);
    // bounded: only the tail waits, nothing near the 3 MB written
    expect(mirror.pendingBytes).toBeLessThanOrEqual(8 * 256 * 1024 + 64 * 1024);
    await new Promise((r) => setTimeout(r, 300));
    const { screen } = await mirror.snapshot();
    expect(screen).toContain('line 0039999');
    expect(screen).not.toContain('line 0000000');
    mirror.dispose();
  });

  it('a snapshot asked for mid-flood catches up from the tail at once', async () => {
    const mirror = new ScreenMirror(80, 24, { floodBytesPerSecond: 1024 * 1024, floodQuietMs: 10_000 });
    for (let n = 0; n < 20_000; n++) mirror.write(`row-${n}\r\n`);
    const { screen } = await mirror.snapshot();
    expect(screen).toContain('row-19999');
    mirror.dispose();
  });

  it('interactive output never counts as a flood', () => {
    const mirror = new ScreenMirror(80, 24);
    for (let n = 0; n < 200; n++) mirror.write('a');
    expect(mirror.floodCount).toBe(0);
    mirror.dispose();
  });
});

describe('ScreenMirror with binary output', () => {
  /** Deterministic "random" bytes, so a failure reproduces. */
  function pseudoRandomBytes(length: number, seed: number): Buffer {
    const bytes = Buffer.alloc(length);
    let s = seed >>> 0;
    for (let i = 0; i < length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      bytes[i] = s >>> 24;
    }
    return bytes;
  }

  /** A decoder that counts what it is asked to decode. */
  function countingDecoder(): { decode: (bytes: Buffer) => string; calls: number; bytes: number } {
    const counter = {
      calls: 0,
      bytes: 0,
      decode: (bytes: Buffer) => {
        counter.calls += 1;
        counter.bytes += bytes.length;
        return bytes.toString('utf8');
      },
    };
    return counter;
  }

  const bounds = { maxPendingBytes: 64 * 1024, resyncTailBytes: 8 * 1024, maxInFlightBytes: 4 * 1024 };

  it('does not decode a binary flood chunk by chunk, only the tail it replays', async () => {
    const counter = countingDecoder();
    const mirror = new ScreenMirror(80, 24, { ...bounds, floodBytesPerSecond: 64 * 1024, floodQuietMs: 10_000, decode: counter.decode });
    const stream = pseudoRandomBytes(4 * 1024 * 1024, 7);
    const chunk = 32 * 1024;
    mirror.write(stream.subarray(0, chunk));
    expect(mirror.floodCount).toBe(1);
    const decodedBeforeFlood = counter.bytes;
    expect(decodedBeforeFlood).toBeLessThanOrEqual(bounds.maxInFlightBytes);

    for (let at = chunk; at < stream.length; at += chunk) mirror.write(stream.subarray(at, at + chunk));

    // 4 MiB written, nothing more decoded while it flooded, and memory stayed bounded.
    expect(counter.bytes).toBe(decodedBeforeFlood);
    expect(mirror.pendingBytes).toBeLessThanOrEqual(bounds.maxPendingBytes + chunk);
    await mirror.snapshot();
    // The snapshot decoded the retained tail once (plus what was in flight when the flood began).
    expect(counter.bytes - decodedBeforeFlood).toBeGreaterThan(0);
    expect(counter.bytes - decodedBeforeFlood).toBeLessThanOrEqual(bounds.resyncTailBytes);
    mirror.dispose();
  });

  it('by default at most 16 KiB of a flood reach xterm before it is detected (what xterm holds cannot be recalled)', () => {
    const counter = countingDecoder();
    const mirror = new ScreenMirror(80, 24, { decode: counter.decode });
    const stream = pseudoRandomBytes(1024 * 1024, 3);
    for (let at = 0; at < stream.length; at += 32 * 1024) mirror.write(stream.subarray(at, at + 32 * 1024));
    expect(mirror.floodCount).toBe(1);
    expect(counter.bytes).toBeGreaterThan(0);
    expect(counter.bytes).toBeLessThanOrEqual(16 * 1024);
    mirror.dispose();
  });

  it('a mid-flood snapshot with floodTailBytes decodes only that much of the tail; the next one without it gets the whole tail', async () => {
    const counter = countingDecoder();
    const mirror = new ScreenMirror(80, 24, { ...bounds, floodBytesPerSecond: 64 * 1024, floodQuietMs: 10_000, decode: counter.decode });
    const stream = pseudoRandomBytes(2 * 1024 * 1024, 5);
    const chunk = 32 * 1024;
    let at = 0;
    const flood = (until: number) => {
      for (; at < until; at += chunk) mirror.write(stream.subarray(at, at + chunk));
    };
    flood(1024 * 1024);
    expect(mirror.floodCount).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // what xterm was handed before the flood
    let before = counter.bytes;
    await mirror.snapshot({ floodTailBytes: 1024 });
    expect(counter.bytes - before).toBeGreaterThan(0);
    expect(counter.bytes - before).toBeLessThanOrEqual(1024);

    flood(2 * 1024 * 1024);
    expect(mirror.floodCount).toBe(2); // the snapshot ended the flood; the output kept flooding
    await new Promise((resolve) => setTimeout(resolve, 100));
    before = counter.bytes;
    await mirror.snapshot();
    expect(counter.bytes - before).toBeGreaterThan(bounds.resyncTailBytes - 1024); // less only by the clean start
    expect(counter.bytes - before).toBeLessThanOrEqual(bounds.resyncTailBytes);
    mirror.dispose();
  });

  it('floodTailBytes is bounded by resyncTailBytes, and ignored when it is not a non-negative integer', async () => {
    for (const asked of [10 * bounds.resyncTailBytes, -1, 1.5, Number.NaN]) {
      const counter = countingDecoder();
      const mirror = new ScreenMirror(80, 24, { ...bounds, floodBytesPerSecond: 64 * 1024, floodQuietMs: 10_000, decode: counter.decode });
      const stream = pseudoRandomBytes(512 * 1024, 9);
      for (let at = 0; at < stream.length; at += 32 * 1024) mirror.write(stream.subarray(at, at + 32 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = counter.bytes;
      await mirror.snapshot({ floodTailBytes: asked });
      expect(counter.bytes - before).toBeGreaterThan(bounds.resyncTailBytes - 1024);
      expect(counter.bytes - before).toBeLessThanOrEqual(bounds.resyncTailBytes);
      mirror.dispose();
    }
  });

  it('floodTailBytes changes nothing when output is not flooding: the snapshot has every byte', async () => {
    const mirror = new ScreenMirror(80, 24);
    for (let n = 0; n < 30; n++) mirror.write(`quiet-${n}\r\n`);
    const { screen } = await mirror.snapshot({ floodTailBytes: 0 });
    expect(screen).toContain('quiet-29');
    expect(screen).toContain('quiet-0\r\n');
    mirror.dispose();
  });

  it('after a binary flood, the snapshot is the screen of a terminal fed the retained tail', async () => {
    const mirror = new ScreenMirror(80, 24, { ...bounds, scrollback: 100, floodBytesPerSecond: 64 * 1024, floodQuietMs: 10_000 });
    const stream = pseudoRandomBytes(2 * 1024 * 1024, 11);
    let at = 0;
    const write = (size: number) => {
      mirror.write(stream.subarray(at, at + size));
      at += size;
    };
    // Flood until a trim just happened (pending back to at most one tail), then write exactly one
    // more tail, ending in ASCII so no byte is held back: no further trim (that needs more than
    // two tails pending), and the tail kept is exactly these last bytes, cut at a clean start.
    while (mirror.floodCount === 0) write(1000);
    // Let xterm finish what it was handed before the flood began (it counts as pending).
    await new Promise((resolve) => setTimeout(resolve, 200));
    while (at < 1024 * 1024) write(1000);
    const resyncs = mirror.resyncCount;
    while (mirror.resyncCount === resyncs && at < 1024 * 1024 + 200_000) write(1000);
    expect(mirror.resyncCount).toBe(resyncs + 1);
    const last = Buffer.concat([stream.subarray(at, at + bounds.resyncTailBytes - 1), Buffer.from('\n')]);
    mirror.write(last);
    expect(mirror.resyncCount).toBe(resyncs + 1);

    const snapshot = await mirror.snapshot();

    const written = Buffer.concat([stream.subarray(0, at), last]);
    let tail = written.subarray(written.length - bounds.resyncTailBytes);
    const clean = tail.subarray(0, 1024).findIndex((byte) => byte === 0x0a || byte === 0x1b);
    expect(clean).toBeGreaterThanOrEqual(0); // random bytes: one of the two is near-certain, and fixed by the seed
    tail = tail.subarray(tail[clean] === 0x0a ? clean + 1 : clean);
    const reference = new Terminal({ cols: 80, rows: 24, scrollback: 100, allowProposedApi: true, logLevel: 'off' });
    const serializer = new SerializeAddon();
    reference.loadAddon(serializer);
    // A streaming decoder, like the mirror, holds back a character the last chunk left incomplete.
    await new Promise<void>((resolve) => reference.write(new StringDecoder('utf8').write(tail), resolve));
    expect(snapshot.screen).toBe(serializer.serialize());
    reference.dispose();
    mirror.dispose();
  });

  it('decodes random bytes split anywhere exactly as a terminal fed them in one piece', async () => {
    const mirror = new ScreenMirror(80, 24, { maxInFlightBytes: 7, maxPendingBytes: 1024 * 1024, resyncTailBytes: 1024, scrollback: 200 });
    const stream = Buffer.concat([pseudoRandomBytes(3000, 5), Buffer.from('\r\n€😀é end', 'utf8')]);
    let s = 3;
    for (let at = 0; at < stream.length; ) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const size = 1 + (s >>> 29); // 1..8 bytes: every split inside a character happens
      mirror.write(stream.subarray(at, at + size));
      at += size;
    }
    expect(mirror.resyncCount).toBe(0);

    const { screen } = await mirror.snapshot();

    const reference = new Terminal({ cols: 80, rows: 24, scrollback: 200, allowProposedApi: true, logLevel: 'off' });
    const serializer = new SerializeAddon();
    reference.loadAddon(serializer);
    await new Promise<void>((resolve) => reference.write(stream.toString('utf8'), resolve));
    expect(screen).toBe(serializer.serialize());
    expect(screen).toContain('€😀é end');
    reference.dispose();
    mirror.dispose();
  });
});
