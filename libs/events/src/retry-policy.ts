/** How failed deliveries are retried: EventBridge's defaults are a 24 h window and 185 attempts. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  windowMs: number;
  maxAttempts: number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"): a uniform delay in [0, min(max, base·2^(attempt-1))]. Full jitter spreads the retries
 * of many deliveries that failed together (a receiver back from an outage) instead of bringing
 * them back in lockstep. `random` is injected (in [0, 1)) so tests can pin it.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

export type RetryDecision = { kind: 'retry'; at: number } | { kind: 'dead'; reason: string };

/**
 * After attempt number `attempts` failed at `now`: retry at a jittered time, or give up (dead
 * letter) once the attempts are spent or the next try would fall outside the window that opened
 * at the first attempt.
 */
export function decideRetry(attempts: number, firstAttemptAt: number, now: number, policy: RetryPolicy, random: () => number): RetryDecision {
  if (attempts >= policy.maxAttempts) return { kind: 'dead', reason: `gave up after ${attempts} attempts` };
  const at = now + backoffDelay(attempts, policy, random);
  if (at - firstAttemptAt > policy.windowMs) return { kind: 'dead', reason: `retry window of ${Math.round(policy.windowMs / 1000)} s passed after ${attempts} attempts` };
  return { kind: 'retry', at };
}
