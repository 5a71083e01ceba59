import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedAppendFile } from './hashed-append-file';

describe('HashedAppendFile', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-append-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes exactly the appended bytes, in order, and closes idempotently', async () => {
    const file = await HashedAppendFile.create(join(dir, 'f'));
    const parts = [Buffer.from('header\n'), Buffer.alloc(100_000, 1), Buffer.from('tail')];
    for (const part of parts) await file.append(part);
    await file.sync();
    expect(file.bytesWritten).toBe(100_011);
    const first = await file.close();
    const second = await file.close();
    const onDisk = await readFile(join(dir, 'f'));
    expect(onDisk).toEqual(Buffer.concat(parts));
    expect(first).toEqual({ sha256: createHash('sha256').update(onDisk).digest('hex'), bytes: onDisk.length });
    expect(second).toEqual(first);
  });

  it('appends pieces in order with one writev, hashed as they reach the file (more pieces than one writev takes)', async () => {
    const file = await HashedAppendFile.create(join(dir, 'pieces'));
    await file.append(Buffer.from('header\n'));
    const pieces = Array.from({ length: 3_000 }, (_, i) => Buffer.alloc(1 + (i % 97), i & 0xff));
    await file.append(pieces);
    await file.append([]);
    const { sha256, bytes } = await file.close();
    const onDisk = await readFile(join(dir, 'pieces'));
    expect(onDisk).toEqual(Buffer.concat([Buffer.from('header\n'), ...pieces]));
    expect({ sha256, bytes }).toEqual({ sha256: createHash('sha256').update(onDisk).digest('hex'), bytes: onDisk.length });
  });

    it('creates the file readable by its owner only', async () => {
    const file = await HashedAppendFile.create(join(dir, 'private'));
    await file.close();
    expect((await stat(join(dir, 'private'))).mode & 0o077).toBe(0);
  });
});
