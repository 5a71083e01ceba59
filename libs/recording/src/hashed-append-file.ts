import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Recordings hold everything a user typed and saw, so only the service account may read them;
 * auditors get them through the playback endpoint, not the file system.
 */
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

export interface HashedAppendFileResult {
  sha256: string;
  bytes: number;
}

/**
 * An append-only file that hashes exactly the bytes that reach it, so the digest stored at close
 * describes the file on disk even if a write fails half way.
 */
export class HashedAppendFile {
  private readonly hash: Hash = createHash('sha256');
  private written = 0;
  private closed?: Promise<HashedAppendFileResult>;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates the file (and missing parent folders); refuses to overwrite an existing recording. */
  static async create(filePath: string): Promise<HashedAppendFile> {
    await mkdir(dirname(filePath), { recursive: true, mode: DIRECTORY_MODE });
    const handle = await open(filePath, 'wx', FILE_MODE);
    return new HashedAppendFile(filePath, handle);
  }

  get bytesWritten(): number {
    return this.written;
  }

  /** Appends `data`, or the pieces of `data` in order (one writev: no copy to join them). */
  async append(data: Buffer | readonly Buffer[]): Promise<void> {
    if (Array.isArray(data)) return this.appendPieces(data as readonly Buffer[]);
    return this.appendBuffer(data as Buffer);
  }

  private async appendPieces(pieces: readonly Buffer[]): Promise<void> {
    if (pieces.length === 0) return;
    const { bytesWritten } = await this.handle.writev(pieces as Buffer[], this.written);
    // libuv writes every piece or fails; should it stop short anyway, hash what reached the file
    // and write the rest as one buffer.
    let left = bytesWritten;
    let index = 0;
    for (; index < pieces.length && left >= pieces[index].length; index++) {
      this.hash.update(pieces[index]);
      left -= pieces[index].length;
    }
    this.written += bytesWritten;
    if (index === pieces.length) return;
    this.hash.update(pieces[index].subarray(0, left));
    await this.appendBuffer(Buffer.concat([pieces[index].subarray(left), ...pieces.slice(index + 1)]));
  }

  private async appendBuffer(data: Buffer): Promise<void> {
    let offset = 0;
    // A regular-file write may be short; hash each slice only once the OS has accepted it.
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset, this.written);
      this.hash.update(data.subarray(offset, offset + bytesWritten));
      offset += bytesWritten;
      this.written += bytesWritten;
    }
  }

  /** Pushes written data past the OS cache so a power loss, not only a process crash, keeps it. */
  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  /** Idempotent: later calls return the first result. */
  close(): Promise<HashedAppendFileResult> {
    this.closed ??= this.handle.close().then(() => ({
      sha256: this.hash.digest('hex'),
      bytes: this.written,
    }));
    return this.closed;
  }
}
