/** Exponential backoff with "equal jitter": half the capped delay fixed, half random. */
export interface BackoffOptions {
  /** first delay, default 250 ms */
  baseMs?: number;
  /** ceiling, default 60 s */
  maxMs?: number;
  /** in [0, 1); injectable for tests */
  random?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 250;
    this.maxMs = options.maxMs ?? 60_000;
    this.random = options.random ?? Math.random;
    if (!(this.baseMs > 0) || !(this.maxMs >= this.baseMs)) throw new RangeError('backoff needs 0 < baseMs <= maxMs');
  }

  /**
   * Delay before retry number `attempt` (0 = the first retry). Never 0, so a flood of agents
   * coming back at once spreads out instead of hammering a gateway that just restarted.
   */
  delay(attempt: number): number {
    // 2 ** 40 already exceeds any sane ceiling; clamping the exponent avoids Infinity.
    const cap = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(Math.max(0, attempt), 40));
    const half = cap / 2;
    return Math.round(half + this.random() * half);
  }
}
