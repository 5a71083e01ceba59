/**
 * An append-only byte buffer for assembling one flush batch. Callers reserve the worst case
 * first, then write into `bytes` at `length` directly, so hot loops carry no capacity checks.
 */
export class GrowableBuffer {
  bytes: Buffer;
  length = 0;

  constructor(
    initialCapacity: number,
    /** Buffer.allocUnsafeSlow for bytes that will be transferred to another thread (never a pooled slice) */
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {
    this.bytes = allocate(Math.max(64, initialCapacity));
  }

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = this.allocate(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** For short ASCII pieces such as `[1.5,"o","`. */
  appendAscii(text: string): void {
    this.reserve(text.length);
    this.length += this.bytes.write(text, this.length, 'latin1');
  }

  appendBytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** A view of the bytes written so far (not a copy). */
  contents(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}
