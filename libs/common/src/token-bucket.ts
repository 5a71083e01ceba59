export interface TokenBucketOptions {
  /** actions allowed at once, after a quiet period */
  capacity: number;
  /** steady rate afterwards */
  refillPerSecond: number;
}

export type TokenBucketVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A token bucket: up to `capacity` actions in a burst, then `refillPerSecond`. Pure: the caller
 * passes the time, so tests drive it without waiting and any clock (monotonic or not) works;
 * a clock that goes back is treated as no time passing.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly options: TokenBucketOptions,
    now: number,
  ) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new Error('a token bucket needs capacity >= 1 and refillPerSecond > 0');
    this.tokens = options.capacity;
    this.updatedAt = now;
  }

  /** Takes one token when there is one; otherwise says how long until there is. */
  take(now: number): TokenBucketVerdict {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) * 1000) / this.options.refillPerSecond) };
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.options.capacity, this.tokens + (elapsed * this.options.refillPerSecond) / 1000);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
