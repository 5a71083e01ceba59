import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsciicastFormatError } from './asciicast-format-error';
import { readAsciicast } from './asciicast-reader';
import { examineCrashedRecording } from './crashed-recording';
import { replayToScreen } from './replay-to-screen';
import { verifyRecording } from './verify-recording';

const HEADER = '{"version":2,"width":20,"height":3,"timestamp":1700000000}';

describe('examineCrashedRecording', () => {
  let dir: string;
  let file: string;
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-crashed-'));
    file = join(dir, 'c.cast');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('hashes every byte left on disk, torn last line included, and finds the last complete event', async () => {
    const content = `${HEADER}\n[0.5,"o","one\\r\\n"]\n[2.25,"o","two"]\n[2.5,"o","thr`;
    await writeFile(file, content);
    const examined = await examineCrashedRecording(file);
    expect(examined).toMatchObject({ sha256: sha256(content), bytes: Buffer.byteLength(content), lastEventSeconds: 2.25, tornBytes: '[2.5,"o","thr'.length });
    expect(examined.header).toMatchObject({ width: 20, height: 3, timestamp: 1_700_000_000 });
    // The file is untouched: the stored hash verifies it, and it replays up to the tear.
    expect(await readFile(file, 'utf8')).toBe(content);
    await expect(verifyRecording(file, examined.sha256)).resolves.toBe(true);
    await expect(readAsciicast(file)).rejects.toThrow(AsciicastFormatError);
    expect((await replayToScreen(file, { tolerateTruncatedTail: true })).screen).toBe('one\r\ntwo');
  });

  it('finds the last line across read chunks and with no torn tail', async () => {
    const events = Array.from({ length: 20_000 }, (_, i) => `[${i / 100},"o","${'x'.repeat(i % 50)}"]`);
    const content = `${HEADER}\n${events.join('\n')}\n`;
    await writeFile(file, content);
    await expect(examineCrashedRecording(file)).resolves.toMatchObject({ sha256: sha256(content), lastEventSeconds: 199.99, tornBytes: 0 });
  });

  it('a recording with only its header has no event; one without a header line is refused', async () => {
    await writeFile(file, `${HEADER}\n`);
    await expect(examineCrashedRecording(file)).resolves.toMatchObject({ lastEventSeconds: 0, tornBytes: 0 });
    await writeFile(file, '{"version":2,"wid');
    await expect(examineCrashedRecording(file)).rejects.toThrow(/no complete header line/);
    await writeFile(file, '{"version":3}\n[1,"o","x"]\n');
    await expect(examineCrashedRecording(file)).rejects.toThrow(/line 1: unsupported asciicast version/);
    await writeFile(file, `${HEADER}\n[1,"o","x"]\nnot json\n`);
    await expect(examineCrashedRecording(file)).rejects.toThrow(/line 3: not valid JSON/);
  });
});
