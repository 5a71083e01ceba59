import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * The memory limiter expires entries with setTimeout, which silently turns anything beyond
 * 2^31-1 ms (~24.8 days) into 1 ms: every TTL is kept below that.
 */
const MAX_TTL_SECONDS = 24 * 24 * 3600;
const ttl = (seconds: number) => Math.min(Math.max(Math.ceil(seconds), 1), MAX_TTL_SECONDS);

/**
 * Where the login throttle keeps its counters, locks and remembered sources: expiring integers
 * under string keys. With REDIS_URL every gateway and jump shares one (Redis); otherwise each
 * process has its own (memory).
 */
export abstract class ThrottleStore {
  /** Adds one; a new counter lives `seconds` from its first increment. Returns the new value (atomic). */
  abstract increment(key: string, seconds: number): Promise<number>;
  /** Takes one back from an existing counter (a refunded attempt); never creates one. */
  abstract decrement(key: string): Promise<void>;
  /** The value and the milliseconds before it expires; null when absent or expired. */
  abstract read(key: string): Promise<{ value: number; msLeft: number } | null>;
  abstract write(key: string, value: number, seconds: number): Promise<void>;
  abstract remove(key: string): Promise<void>;
}

/**
 * The store over one rate-limiter-flexible limiter (RateLimiterMemory or RateLimiterRedis): only
 * its storage primitives are used (penalty, reward, get, set, delete), each with its own TTL, so
 * the limiter's own `points` and `duration` play no part.
 */
export class RateLimiterThrottleStore extends ThrottleStore {
  constructor(private readonly limiter: RateLimiterAbstract) {
    super();
  }

  async increment(key: string, seconds: number): Promise<number> {
    const res = await this.limiter.penalty(key, 1, { customDuration: ttl(seconds) });
    return res.consumedPoints;
  }

  async decrement(key: string): Promise<void> {
    // Checked first: rewarding a missing key would create a negative counter, a free attempt later.
    const current = await this.read(key);
    if (current && current.value > 0) await this.limiter.reward(key, 1);
  }

  async read(key: string): Promise<{ value: number; msLeft: number } | null> {
    const res = await this.limiter.get(key);
    if (!res || res.msBeforeNext <= 0) return null;
    return { value: res.consumedPoints, msLeft: res.msBeforeNext };
  }

  async write(key: string, value: number, seconds: number): Promise<void> {
    await this.limiter.set(key, value, ttl(seconds));
  }

  async remove(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
