import type { Clock } from '@vigil/common';

/** How stale a key's last-used time may get: one write per key per minute, however busy it is. */
export const LAST_USE_WRITE_INTERVAL_MS = 60_000;

/**
 * Records when access keys are used without writing on every request: a key's time is written
 * when it was not written by this process within the interval. Bounded; time injected.
 */
export class LastUseRecorder {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly write: (accessKeyId: string, at: number) => Promise<void>,
    private readonly intervalMs = LAST_USE_WRITE_INTERVAL_MS,
    private readonly maxKeys = 10_000,
  ) {}

  /** Returns the write when one was started (for tests), null when throttled. */
  used(accessKeyId: string): Promise<void> | null {
    const now = this.clock.now();
    const last = this.written.get(accessKeyId);
    if (last !== undefined && now - last < this.intervalMs) return null;
    this.written.delete(accessKeyId);
    if (this.written.size >= this.maxKeys) this.written.delete(this.written.keys().next().value as string);
    this.written.set(accessKeyId, now);
    return this.write(accessKeyId, now);
  }

  forget(accessKeyId: string): void {
    this.written.delete(accessKeyId);
  }
}
