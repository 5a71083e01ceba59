import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsciicastWriter } from './asciicast-writer';
import { sha256OfFile, verifyRecording } from './verify-recording';

describe('verifyRecording', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-verify-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function record(): Promise<{ path: string; sha256: string }> {
    const writer = await AsciicastWriter.open(join(dir, 's.cast'), { cols: 80, rows: 24 });
    writer.output('$ cat /etc/shadow\r\n');
    writer.input('exit\r');
    return writer.close();
  }

  it('accepts an untouched recording (upper- or lower-case digest)', async () => {
    const { path, sha256 } = await record();
    expect(await verifyRecording(path, sha256)).toBe(true);
    expect(await verifyRecording(path, sha256.toUpperCase())).toBe(true);
  });

  it('detects a single modified byte', async () => {
    const { path, sha256 } = await record();
    const bytes = await readFile(path);
    const index = bytes.indexOf('shadow');
    bytes[index] = 'S'.charCodeAt(0);
    await writeFile(path, bytes);
    expect(await verifyRecording(path, sha256)).toBe(false);
  });

  it('detects truncation and appended events', async () => {
    const { path, sha256 } = await record();
    const original = await readFile(path);
    await writeFile(path, original.subarray(0, original.length - 1));
    expect(await verifyRecording(path, sha256)).toBe(false);
    await writeFile(path, Buffer.concat([original, Buffer.from('[9,"o","forged"]\n')]));
    expect(await verifyRecording(path, sha256)).toBe(false);
  });

  it('treats a malformed expected digest as a mismatch, not an exception', async () => {
    const { path, sha256 } = await record();
    expect(await verifyRecording(path, '')).toBe(false);
    expect(await verifyRecording(path, sha256.slice(0, 63))).toBe(false);
    expect(await verifyRecording(path, `${sha256.slice(0, 63)}g`)).toBe(false);
  });

  it('rejects when the file is missing, which is not the same as tampering', async () => {
    await expect(verifyRecording(join(dir, 'nope.cast'), '0'.repeat(64))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sha256OfFile matches node:crypto over the whole file', async () => {
    const path = join(dir, 'blob');
    const content = Buffer.alloc(300_000, 7); // spans several read chunks
    await writeFile(path, content);
    expect(await sha256OfFile(path)).toBe(createHash('sha256').update(content).digest('hex'));
  });
});
