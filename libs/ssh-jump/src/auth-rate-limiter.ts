/**
 * What the jump asks before it checks a password, and tells it afterwards. The gateway passes
 * its LoginThrottle (one budget with HTTP login, shared by every process through Redis); a bare
 * JumpServer falls back to the per-process AuthRateLimiter below.
 */
export interface PasswordThrottle {
  check(username: string, ip: string): Promise<PasswordAttempt>;
}

/** An allowed attempt is settled exactly once: failure, success, or abandon (not judged). */
export type PasswordAttempt =
  | { allowed: false; retryAfterSeconds: number }
  | { allowed: true; failure(): Promise<unknown>; success(): Promise<unknown>; abandon(): Promise<unknown> };

export function isPasswordThrottle(value: unknown): value is PasswordThrottle {
  return typeof (value as PasswordThrottle | undefined)?.check === 'function';
}

/**
 * Throttles password guessing per (Vigil user, client IP), in this process only: after
 * `maxFailures` wrong passwords inside `windowMs`, further password attempts are refused without
 * asking the port until the window slides. Each lockout beyond the first doubles (capped), so a
 * patient script gets slower.
 */

export interface RateLimitClock {
  now(): number;
}

export interface AuthRateLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  /** Upper bound for the doubling lockout. */
  maxLockoutMs?: number;
  clock?: RateLimitClock;
}

interface Entry {
  failures: number[];
  lockouts: number;
  lockedUntil: number;
}

export class AuthRateLimiter implements PasswordThrottle {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxLockoutMs: number;
  private readonly clock: RateLimitClock;
  private readonly entries = new Map<string, Entry>();

  constructor(options: AuthRateLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxLockoutMs = options.maxLockoutMs ?? 15 * 60_000;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async check(username: string, ip: string): Promise<PasswordAttempt> {
    const waitMs = this.retryAfterMs(username, ip);
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    return {
      allowed: true,
      failure: async () => this.recordFailure(username, ip),
      success: async () => this.recordSuccess(username, ip),
      abandon: async () => undefined,
    };
  }

  /** Milliseconds until another attempt is allowed; 0 when allowed now. */
  retryAfterMs(username: string, ip: string): number {
    const entry = this.entries.get(key(username, ip));
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.clock.now());
  }

  recordFailure(username: string, ip: string): void {
    const now = this.clock.now();
    const k = key(username, ip);
    const entry = this.entries.get(k) ?? { failures: [], lockouts: 0, lockedUntil: 0 };
    entry.failures = entry.failures.filter((t) => now - t < this.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.maxFailures) {
      const lockout = Math.min(this.windowMs * 2 ** entry.lockouts, this.maxLockoutMs);
      entry.lockedUntil = now + lockout;
      entry.lockouts += 1;
      entry.failures = [];
    }
    this.entries.set(k, entry);
    this.prune(now);
  }

  recordSuccess(username: string, ip: string): void {
    this.entries.delete(key(username, ip));
  }

  /** Forget idle entries so a scan over many usernames cannot grow the map forever. */
  private prune(now: number): void {
    if (this.entries.size < 10_000) return;
    for (const [k, entry] of this.entries) {
      const last = entry.failures[entry.failures.length - 1] ?? 0;
      if (entry.lockedUntil <= now && now - last >= this.windowMs) this.entries.delete(k);
    }
  }
}

function key(username: string, ip: string): string {
  return `${username.toLowerCase()}\u0000${ip}`;
}
