import type { Clock } from '@vigil/common';

export interface BackoffPolicy {
  /** the delay after a success: the source's poll interval */
  intervalMs: number;
  /** no wait grows beyond this */
  maxMs: number;
}

/**
 * When to poll next after failures (throttling, network errors, a refused signature): exponential
 * from the poll interval with "equal jitter", so a fleet of gateways that failed together does not
 * retry together. After the n-th consecutive failure the wait is drawn from [c/2, c] with
 * c = min(max, interval × 2^n): never sooner than the interval (an endpoint that throttles must
 * not be asked more often than usual), doubling on average, up to the cap. A success resets it.
 * Pure: time and randomness are injected.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** A poll failed now: the time of the next attempt. */
  failed(): number {
    this.failures++;
    const ceiling = Math.min(this.policy.maxMs, this.policy.intervalMs * 2 ** Math.min(this.failures, 30));
    const floor = Math.max(Math.min(this.policy.intervalMs, ceiling), ceiling / 2);
    return this.clock.now() + Math.round(floor + this.random() * (ceiling - floor));
  }

  /** A poll succeeded now: the time of the next one, one interval away. */
  succeeded(): number {
    this.failures = 0;
    return this.clock.now() + this.policy.intervalMs;
  }
}
