import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Hex SHA-256 of a file's bytes, streamed so recordings of any length use constant memory. */
export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * True when the file still hashes to the digest stored at close. A malformed expected digest is
 * simply a mismatch. The comparison is constant-time so a caller probing digests learns nothing
 * from response timing. A missing or unreadable file rejects: that is not the same as tampering.
 */
export async function verifyRecording(filePath: string, expectedSha256: string): Promise<boolean> {
  const actual = Buffer.from(await sha256OfFile(filePath), 'hex');
  if (!SHA256_HEX.test(expectedSha256)) return false;
  return timingSafeEqual(actual, Buffer.from(expectedSha256, 'hex'));
}
