import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAsciicast } from './asciicast-reader';
import { AsciicastWriter, type AsciicastWriterOptions } from './asciicast-writer';
import { GAP_MARKER_PREFIX } from './bounded-event-buffer';
import { HashedAppendFile } from './hashed-append-file';
import { RecordingFailedError } from './recording-failed-error';
import { parseViewerInputMarker } from './viewer-input-marker';

describe('AsciicastWriter', () => {
  let dir: string;
  let now: number;
  const clock = () => now;
  const open = (name: string, options: Partial<AsciicastWriterOptions> = {}) =>
    AsciicastWriter.open(join(dir, name), { cols: 80, rows: 24, timestamp: 1_700_000_000, clock, ...options });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Polls instead of sleeping a fixed time, so a loaded CI machine does not make tests flaky. */
  async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await sleep(5);
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-recording-'));
    now = 5_000; // arbitrary origin: only differences matter
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the v2 header line first, with title and env', async () => {
    const writer = await open('a.cast', { title: 'alice@db1', env: { TERM: 'xterm-256color' } });
    // The header is on disk before open() resolves, before any event or close().
    const onDisk = await readFile(writer.path, 'utf8');
    expect(onDisk).toBe(
      '{"version":2,"width":80,"height":24,"timestamp":1700000000,"title":"alice@db1","env":{"TERM":"xterm-256color"}}\n',
    );
    await writer.close();
  });

  it('round-trips header and output, input, resize and marker events with their times', async () => {
    const writer = await open('a.cast');
    writer.output('login: ');
    now += 1500.25;
    writer.input(Buffer.from('alice\r'));
    now += 0.0004; // below a microsecond: rounds to the same six-decimal time
    writer.resize(132, 43);
    now += 1000;
    writer.marker('shadow joined');
    writer.output(Buffer.from('\x1b[31mred\x1b[0m\r\n'));
    await writer.close();

    const { header, events } = await readAsciicast(join(dir, 'a.cast'));
    expect(header).toEqual({ version: 2, width: 80, height: 24, timestamp: 1_700_000_000 });
    expect(events).toEqual([
      { time: 0, code: 'o', data: 'login: ' },
      { time: 1.50025, code: 'i', data: 'alice\r' },
      { time: 1.50025, code: 'r', data: '132x43' },
      { time: 2.50025, code: 'm', data: 'shadow joined' },
      { time: 2.50025, code: 'o', data: '\x1b[31mred\x1b[0m\r\n' },
    ]);
    const lines = (await readFile(join(dir, 'a.cast'), 'utf8')).split('\n');
    expect(lines[2]).toBe('[1.50025,"i","alice\\r"]');
  });

  it('records input as "i" events, separately from output', async () => {
    const writer = await open('a.cast');
    writer.input('ls -la\r');
    writer.output('ls -la\r\n');
    writer.input(Buffer.from([0x03])); // Ctrl-C
    await writer.close();
    const { events } = await readAsciicast(writer.path);
    expect(events.map((e) => [e.code, e.data])).toEqual([
      ['i', 'ls -la\r'],
      ['o', 'ls -la\r\n'],
      ['i', '\x03'],
    ]);
  });

  it("records a viewer's input as a marker naming the viewer, never as the user's \"i\" events", async () => {
    const writer = await open('a.cast');
    writer.input('ls\r');
    writer.viewerInput('carol', Buffer.from('rm -rf /tmp/x\r'));
    writer.viewerInput('carol', ''); // nothing typed, nothing recorded
    writer.output('done\r\n');
    await writer.close();
    const { events } = await readAsciicast(writer.path);
    expect(events.map((e) => e.code)).toEqual(['i', 'm', 'o']);
    expect(events.filter((e) => e.code === 'i').map((e) => e.data)).toEqual(['ls\r']);
    expect(parseViewerInputMarker(events[1].data)).toEqual({ viewer: 'carol', data: 'rm -rf /tmp/x\r' });
  });

  it('keeps multibyte UTF-8 characters intact when split across chunks, per direction', async () => {
    const writer = await open('a.cast');
    const euro = Buffer.from('€', 'utf8'); // e2 82 ac
    const smile = Buffer.from('😀', 'utf8'); // 4 bytes, a surrogate pair in JS
    writer.output(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
    // An input chunk between the halves must not steal or complete the output's partial character.
    writer.input(Buffer.concat([smile.subarray(0, 2)]));
    writer.output(Buffer.concat([euro.subarray(1), Buffer.from('b')]));
    writer.input(Buffer.concat([smile.subarray(2), Buffer.from('!')]));
    writer.output(smile.subarray(0, 1));
    writer.output(smile.subarray(1, 3));
    writer.output(smile.subarray(3));
    await writer.close();

    const { events } = await readAsciicast(writer.path);
    const output = events.filter((e) => e.code === 'o').map((e) => e.data).join('');
    const input = events.filter((e) => e.code === 'i').map((e) => e.data).join('');
    expect(output).toBe('a€b😀');
    expect(input).toBe('😀!');
    expect(events.every((e) => !e.data.includes('\uFFFD'))).toBe(true);
  });

  it('turns a partial character left at close into U+FFFD instead of losing it silently', async () => {
    const writer = await open('a.cast');
    writer.output(Buffer.from([0x61, 0xe2, 0x82]));
    await writer.close();
    const { events } = await readAsciicast(writer.path);
    expect(events.map((e) => e.data).join('')).toBe('a\uFFFD');
  });

  it('has events on disk after one flush interval without close() (a crash loses at most one interval)', async () => {
    const writer = await open('a.cast', { flushIntervalMs: 20 });
    writer.output('before the crash\r\n');
    writer.input('x');
    await sleep(150);
    // Read the file as a post-crash reader would: close() has not been called.
    const { events } = await readAsciicast(writer.path);
    expect(events.map((e) => e.data)).toEqual(['before the crash\r\n', 'x']);
    await writer.close();
  });

  it('does not touch the disk from the record call itself', async () => {
    const writer = await open('a.cast', { flushIntervalMs: 60_000 });
    const append = jest.spyOn(HashedAppendFile.prototype, 'append');
    writer.output('x'.repeat(10));
    expect(append).not.toHaveBeenCalled();
    expect(writer.stats().bufferedBytes).toBe(10);
    await writer.close();
    expect(append).toHaveBeenCalledTimes(1);
  });

  it('flushes early, before the interval, once the queue passes the size threshold', async () => {
    const writer = await open('a.cast', { flushIntervalMs: 60_000, flushThresholdBytes: 1024 });
    writer.output('small');
    await sleep(30);
    expect(writer.stats().bytesWritten).toBe((await stat(writer.path)).size);
    const afterHeader = writer.stats().bytesWritten;
    expect((await readAsciicast(writer.path)).events).toHaveLength(0); // below threshold: still queued

    writer.output('y'.repeat(2000));
    await waitFor(() => writer.stats().bytesWritten > afterHeader);
    expect((await readAsciicast(writer.path)).events.map((e) => e.data.length)).toEqual([5, 2000]);
    await writer.close();
  });

  it('returns from close() the sha256 and size of exactly the bytes in the file', async () => {
    const writer = await open('a.cast', { flushIntervalMs: 10 });
    const headerBytes = writer.stats().bytesWritten;
    writer.output('first\r\n');
    // Part of the file goes out through the timer, the rest through close(): both must be hashed.
    await waitFor(() => writer.stats().bytesWritten > headerBytes);
    writer.input('ü');
    writer.output(Buffer.from([0xff, 0xfe])); // invalid UTF-8 is recorded as U+FFFD, hash still matches
    now += 3210.5;
    const summary = await writer.close();

    const file = await readFile(summary.path);
    expect(summary.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(summary.bytes).toBe(file.length);
    expect(summary.durationSeconds).toBe(3.2105);
    expect(summary.droppedBytes).toBe(0);
  });

  it('can be closed twice (and concurrently) with the same result, ignoring records after close', async () => {
    const writer = await open('a.cast');
    writer.output('once');
    const [first, concurrent] = await Promise.all([writer.close(), writer.close()]);
    writer.output('after close');
    const again = await writer.close();
    expect(concurrent).toEqual(first);
    expect(again).toEqual(first);
    const { events } = await readAsciicast(first.path);
    expect(events.map((e) => e.data)).toEqual(['once']);
  });

  it('refuses to overwrite an existing recording', async () => {
    await writeFile(join(dir, 'a.cast'), 'evidence');
    await expect(open('a.cast')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(dir, 'a.cast'), 'utf8')).toBe('evidence');
  });

  it('creates missing date folders', async () => {
    const writer = await open('2025/01/31/s1.cast');
    await writer.close();
    expect((await stat(join(dir, '2025/01/31/s1.cast'))).isFile()).toBe(true);
  });

  it('rejects a non-positive or fractional size at open, but ignores a bad resize mid-session', async () => {
    await expect(open('a.cast', { cols: 0 })).rejects.toThrow(RangeError);
    await expect(open('b.cast', { rows: 24.5 })).rejects.toThrow(RangeError);
    const writer = await open('c.cast');
    expect(() => writer.resize(0, 24)).not.toThrow();
    writer.resize(100, 30);
    await writer.close();
    expect((await readAsciicast(writer.path)).events).toEqual([{ time: 0, code: 'r', data: '100x30' }]);
  });

  it('keeps event times non-decreasing even if the clock steps backwards', async () => {
    const writer = await open('a.cast');
    now += 2000;
    writer.output('a');
    now -= 1500;
    writer.output('b');
    await writer.close();
    expect((await readAsciicast(writer.path)).events.map((e) => e.time)).toEqual([2, 2]);
  });

  describe('memory bound when the disk falls behind', () => {
    it('never holds more than maxBufferedBytes, drops the excess and marks the gap in the file', async () => {
      const writer = await open('a.cast', {
        flushIntervalMs: 60_000,
        flushThresholdBytes: 1024 * 1024,
        maxBufferedBytes: 4000,
      });
      const chunk = Buffer.alloc(1000, 'z');
      let maxSeen = 0;
      // A synchronous burst: no flush can run in between, just like a disk that cannot keep up.
      for (let i = 0; i < 20; i += 1) {
        now += 10;
        writer.output(chunk);
        maxSeen = Math.max(maxSeen, writer.stats().bufferedBytes);
      }
      writer.resize(120, 40); // dropped too, but the latest size survives the gap
      expect(maxSeen).toBe(4000);
      expect(writer.stats()).toMatchObject({ bufferedBytes: 4000, droppedEvents: 17, droppedBytes: 16_000 + 6 });

      await sleep(5); // nothing flushes on its own here (long interval, high threshold)
      expect(writer.stats().bufferedBytes).toBe(4000);
      const summary = await writer.close();
      expect(summary.droppedBytes).toBe(16_006);

      const { events } = await readAsciicast(summary.path);
      expect(events.filter((e) => e.code === 'o')).toHaveLength(4);
      const [marker, resize] = events.slice(4);
      expect(marker.code).toBe('m');
      expect(marker.data).toBe(`${GAP_MARKER_PREFIX} dropped_bytes=16006 dropped_events=17 since=0.05`);
      expect(resize).toMatchObject({ code: 'r', data: '120x40' });
    });

    it('resumes recording once the disk catches up, with the gap marker before the next event', async () => {
      const writer = await open('a.cast', { flushIntervalMs: 10, maxBufferedBytes: 100 });
      writer.output('a'.repeat(100));
      writer.output('lost');
      expect(writer.stats().droppedBytes).toBe(4);
      await waitFor(() => writer.stats().bufferedBytes === 0); // the timer writes the queue out, freeing room
      now += 1000;
      writer.output('back');
      await writer.close();

      const { events } = await readAsciicast(writer.path);
      expect(events.map((e) => [e.code, e.data])).toEqual([
        ['o', 'a'.repeat(100)],
        ['m', `${GAP_MARKER_PREFIX} dropped_bytes=4 dropped_events=1 since=0`],
        ['o', 'back'],
      ]);
    });
  });

  describe('disk failure', () => {
    it('reports once, stops recording without throwing into the caller, and close() rejects', async () => {
      const onError = jest.fn();
      const writer = await open('a.cast', { flushIntervalMs: 10, onError });
      jest.spyOn(HashedAppendFile.prototype, 'append').mockRejectedValue(new Error('EIO: i/o error'));
      writer.output('doomed');
      await waitFor(() => onError.mock.calls.length > 0);
      await sleep(30); // later ticks must not report again
      expect(onError).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0][0]).toBeInstanceOf(RecordingFailedError);
      expect(() => writer.output('more')).not.toThrow();
      expect(writer.stats().bufferedBytes).toBe(0); // nothing piles up after the failure
      await expect(writer.close()).rejects.toThrow(/recording .*a\.cast failed: EIO: i\/o error/);
      expect(onError).toHaveBeenCalledTimes(1);
    });
  });
});
