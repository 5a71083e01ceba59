import { TokenBucket, TokenBucketOptions } from '@vigil/common';

/**
 * What one /live socket may do per second. A person clicks a few times a second at most; a script
 * that re-attaches or takes and hands back control thousands of times would otherwise write as
 * many audit records and viewer-list broadcasts (and, before WatchNotices, terminal lines).
 * Typing and pasting are far faster than clicking, and have their own, generous, bucket.
 */
export const LIVE_ACTION_LIMITS = {
  /** attach and detach */
  membership: { capacity: 10, refillPerSecond: 2 },
  /** control (take, handback, pause, resume) and terminate */
  control: { capacity: 10, refillPerSecond: 4 },
  input: { capacity: 200, refillPerSecond: 100 },
  /** a message to the user: a line on their screen, so a few, then one every 5 s */
  message: { capacity: 3, refillPerSecond: 0.2 },
} satisfies Record<string, TokenBucketOptions>;

export type LiveActionKind = keyof typeof LIVE_ACTION_LIMITS;

const NAMES: Record<LiveActionKind, string> = { membership: 'attach/detach', control: 'control/terminate', input: 'input', message: 'message' };

/** Token buckets per socket and kind of action. Time is injected; `forget` at disconnect. */
export class ViewerRateLimits {
  private readonly buckets = new Map<string, Partial<Record<LiveActionKind, TokenBucket>>>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly limits: Record<LiveActionKind, TokenBucketOptions> = LIVE_ACTION_LIMITS,
  ) {}

  /** null when allowed, else the ack error that says what to do. */
  refusal(socketId: string, kind: LiveActionKind): { ok: false; error: string } | null {
    let mine = this.buckets.get(socketId);
    if (!mine) this.buckets.set(socketId, (mine = {}));
    const now = this.now();
    const bucket = (mine[kind] ??= new TokenBucket(this.limits[kind], now));
    const verdict = bucket.take(now);
    if (verdict.ok) return null;
    return { ok: false, error: `rate limited: too many ${NAMES[kind]} requests on this connection, retry in ${verdict.retryAfterMs} ms` };
  }

  forget(socketId: string): void {
    this.buckets.delete(socketId);
  }
}
