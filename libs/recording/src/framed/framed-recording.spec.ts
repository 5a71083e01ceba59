import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAsciicast } from '../asciicast-reader';
import { AsciicastFormatError } from '../asciicast-format-error';
import { AsciicastWriter } from '../asciicast-writer';
import { examineCrashedRecording } from '../crashed-recording';
import { replayToScreen } from '../replay-to-screen';
import { sha256OfFile, verifyRecording } from '../verify-recording';
import { parseViewerInputMarker } from '../viewer-input-marker';
import { iterateFrames, recordedBytes } from './frame-reader';
import { FRAME_HEADER_BYTES } from './framed-format';
import { asciicastTextOf } from './framed-to-asciicast';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function joinText(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

describe('framed terminal recording (.vcast)', () => {
  let dir: string;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-framed-'));
    now = 5_000;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Random binary output in random-sized chunks, with input, resizes and markers in between. */
  async function recordBinary(file: string, outputBytes: number) {
    const writer = await AsciicastWriter.open(file, { cols: 80, rows: 24, timestamp: 1_700_000_000, title: 'alice+db1', env: { TERM: 'xterm' }, clock, flushThresholdBytes: 64 * 1024 });
    const output = randomBytes(outputBytes);
    const input: Buffer[] = [];
    for (let at = 0, n = 0; at < output.length; n++) {
      const size = 1 + Math.floor(Math.random() * 40_000);
      writer.output(output.subarray(at, at + size));
      at += size;
      now += Math.random() * 3;
      if (n % 7 === 0) {
        const keys = randomBytes(1 + (n % 5));
        input.push(keys);
        writer.input(keys);
      }
      if (n % 11 === 0) writer.resize(80 + (n % 50), 24);
      if (n % 13 === 0) writer.viewerInput('carol', 'ls\r');
    }
    writer.output('AFTER-BINARY-7\r\n');
    const summary = await writer.close();
    return { summary, output: Buffer.concat([output, Buffer.from('AFTER-BINARY-7\r\n')]), input: Buffer.concat(input) };
  }

  it('gives back exactly the bytes written, both directions, hashed as written', async () => {
    const file = join(dir, 'binary.vcast');
    const { summary, output, input } = await recordBinary(file, 3 * 1024 * 1024);
    expect(summary.droppedBytes).toBe(0);
    const recordedOutput = await collect(recordedBytes(file, 'o'));
    expect(recordedOutput.length).toBe(output.length);
    expect(recordedOutput.equals(output)).toBe(true);
    expect((await collect(recordedBytes(file, 'i'))).equals(input)).toBe(true);
    expect(summary.sha256).toBe(await sha256OfFile(file));
    expect(await verifyRecording(file, summary.sha256)).toBe(true);
    // stored cheaply: the bytes plus a fixed header per frame, nothing escaped
    const frames = [];
    for await (const entry of iterateFrames(file)) if (entry.kind === 'frame') frames.push(entry.frame.data.length);
    const headerLine = (await readFile(file)).indexOf(0x0a) + 1;
    expect(summary.bytes).toBe(headerLine + frames.length * FRAME_HEADER_BYTES + frames.reduce((a, b) => a + b, 0));
  });

  it('a flipped byte anywhere in the stored file fails verification', async () => {
    const file = join(dir, 'tampered.vcast');
    const { summary } = await recordBinary(file, 200_000);
    const bytes = await readFile(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] ^= 0x01;
    await writeFile(file, bytes);
    expect(await verifyRecording(file, summary.sha256)).toBe(false);
  });

  it('is read as asciicast: a header, text with U+FFFD for invalid bytes, characters split across frames joined', async () => {
    const file = join(dir, 'text.vcast');
    const writer = await AsciicastWriter.open(file, { cols: 80, rows: 24, timestamp: 1_700_000_000, title: 't', env: { TERM: 'xterm' }, clock });
    const euro = Buffer.from('€');
    writer.output(Buffer.concat([Buffer.from('price: '), euro.subarray(0, 2)]));
    now += 250;
    writer.output(Buffer.concat([euro.subarray(2), Buffer.from(' "q" \\\x1b[1m')]));
    writer.input('ls\r');
    writer.resize(100, 30);
    writer.viewerInput('carol', 'id\r');
    now += 1_000;
    writer.output(Buffer.from([0xff, 0x41, 0xe2, 0x82])); // invalid, then a character never finished
    await writer.close();
    const { header, events } = await readAsciicast(file);
    expect(header).toEqual({ version: 2, width: 80, height: 24, timestamp: 1_700_000_000, title: 't', env: { TERM: 'xterm' } });
    expect(events.map((e) => [e.code, e.data])).toEqual([
      ['o', 'price: '],
      ['o', '€ "q" \\\x1b[1m'],
      ['i', 'ls\r'],
      ['r', '100x30'],
      ['m', 'vigil:input by=carol data=id\r'],
      ['o', '\ufffdA'],
      ['o', '\ufffd'],
    ]);
    expect(events.map((e) => e.time)).toEqual([0, 0.25, 0.25, 0.25, 0.25, 1.25, 1.25]);
    expect(parseViewerInputMarker(events[4].data)).toEqual({ viewer: 'carol', data: 'id\r' });

    // What is served is a valid asciicast v2 file with the same entries.
    const served = join(dir, 'served.cast');
    const text = await joinText(asciicastTextOf(file));
    await writeFile(served, text);
    expect(text.split('\n')[0]).toBe('{"version":2,"width":80,"height":24,"timestamp":1700000000,"title":"t","env":{"TERM":"xterm"}}');
    expect(await readAsciicast(served)).toEqual({ header, events });
  });

  it('replays to the same screen as the asciicast the same session makes', async () => {
    const framed = join(dir, 'screen.vcast');
    const cast = join(dir, 'screen.cast');
    for (const file of [framed, cast]) {
      now = 5_000;
      const writer = await AsciicastWriter.open(file, { cols: 40, rows: 5, clock });
      writer.output('\x1b[31mred\x1b[0m ');
      writer.output(Buffer.from([0xc3]));
      writer.output(Buffer.from([0xa9, 0x0d, 0x0a]));
      writer.resize(30, 4);
      writer.output('AFTER\r\n');
      await writer.close();
    }
    const [a, b] = [await replayToScreen(framed), await replayToScreen(cast)];
    expect(a).toEqual(b);
    expect(a.screen).toContain('é');
    expect(a).toMatchObject({ cols: 30, rows: 4 });
  });

  it('after a crash mid-frame: strict readers refuse the torn tail, tolerant ones stop before it, the seal covers it', async () => {
    const file = join(dir, 'crashed.vcast');
    const writer = await AsciicastWriter.open(file, { cols: 80, rows: 24, timestamp: 1_700_000_000, clock });
    writer.output('BEFORE-CRASH\r\n');
    now += 2_500;
    writer.output(randomBytes(1_000));
    await writer.close();
    const whole = (await readFile(file)).length;
    await truncate(file, whole - 10); // the last frame lost its end
    await expect(readAsciicast(file)).rejects.toThrow(AsciicastFormatError);
    await expect(readAsciicast(file)).rejects.toThrow(/line 3: frame 2: the last 1001 bytes are a frame cut short/);
    const { events } = await readAsciicast(file, { tolerateTruncatedTail: true });
    expect(events.map((e) => e.data)).toEqual(['BEFORE-CRASH\r\n']);
    const crashed = await examineCrashedRecording(file);
    expect(crashed).toEqual({
      sha256: await sha256OfFile(file),
      bytes: whole - 10,
      header: { version: 2, width: 80, height: 24, timestamp: 1_700_000_000 },
      lastEventSeconds: 0,
      tornBytes: FRAME_HEADER_BYTES + 1_000 - 10,
    });
    expect((await replayToScreen(file, { tolerateTruncatedTail: true })).screen).toContain('BEFORE-CRASH');

    // cut inside a frame header, and a file with only its header
    await truncate(file, whole - 1_000 - 5);
    expect((await examineCrashedRecording(file)).tornBytes).toBe(FRAME_HEADER_BYTES - 5);
    const headerOnly = join(dir, 'header-only.vcast');
    await (await AsciicastWriter.open(headerOnly, { cols: 80, rows: 24, clock })).close();
    expect(await examineCrashedRecording(headerOnly)).toMatchObject({ lastEventSeconds: 0, tornBytes: 0 });
  });

  it('names the damage: an unknown frame code, a forged length, an asciicast header, a resize that is not COLSxROWS', async () => {
    const file = join(dir, 'damaged.vcast');
    const writer = await AsciicastWriter.open(file, { cols: 80, rows: 24, clock });
    writer.output('one');
    writer.output('two');
    writer.resize(90, 30);
    await writer.close();
    const good = await readFile(file);
    const firstFrame = good.indexOf(0x0a) + 1;
    const secondFrame = firstFrame + FRAME_HEADER_BYTES + 3;
    const resizeFrame = secondFrame + FRAME_HEADER_BYTES + 3;
    const damaged = async (edit: (bytes: Buffer) => void) => {
      const bytes = Buffer.from(good);
      edit(bytes);
      await writeFile(file, bytes);
      return readAsciicast(file, { tolerateTruncatedTail: true });
    };
    await expect(damaged((b) => (b[secondFrame] = 0x7a))).rejects.toThrow(/frame 2: unknown frame code 0x7a/);
    await expect(damaged((b) => b.writeUInt32LE(0xffffffff, firstFrame + 7))).rejects.toThrow(/frame 1: frame longer than/);
    await expect(damaged((b) => b.write('y', resizeFrame + FRAME_HEADER_BYTES + 2, 'latin1'))).rejects.toThrow(/frame 3: resize data "90y30"/);
    await expect(damaged((b) => b.writeUIntLE(0, secondFrame + 1, 6))).resolves.toBeDefined(); // time 0 after time 0
    await writeFile(file, '{"version":2,"width":80,"height":24}\n');
    await expect(readAsciicast(file)).rejects.toThrow(/line 1: not a framed recording/);
    await writeFile(file, '');
    await expect(readAsciicast(file)).rejects.toThrow(/empty/);
  });

  it('written() waits for the bytes to reach the file, not for them to be queued (the thread reports "taken" then)', async () => {
    const file = join(dir, 'written.vcast');
    const writer = await AsciicastWriter.open(file, { cols: 80, rows: 24, clock, flushIntervalMs: 60_000, flushThresholdBytes: 1024 });
    await expect(writer.written()).resolves.toBeUndefined(); // nothing queued
    writer.output('small'); // below the early-flush threshold: stays queued
    let done = false;
    const written = writer.written().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    writer.output(Buffer.alloc(2048, 0x61)); // past the threshold: flushed soon
    await written;
    expect((await collect(recordedBytes(file, 'o', { tolerateTruncatedTail: true }))).toString()).toBe(`small${'a'.repeat(2048)}`);
    await writer.close();
  });
});
