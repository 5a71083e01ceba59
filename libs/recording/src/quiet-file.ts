import { promises as fs } from 'node:fs';

/**
 * Waits until guacd has stopped writing a recording: guacd closes the file when its connection
 * ends, shortly after the last user left, in another process. The size must hold still for
 * `quietMs`, within `timeoutMs` overall. Resolves false if the file never appeared.
 */
export async function waitForQuietFile(file: string, quietMs = 600, timeoutMs = 15_000): Promise<boolean> {
  const started = Date.now();
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const size = await fs.stat(file).then((s) => s.size, () => -1);
    if (size !== last) {
      last = size;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return size >= 0;
    }
    if (Date.now() - started > timeoutMs) return size >= 0;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
