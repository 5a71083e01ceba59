import type { LoginThrottleConfig } from '@vigil/config';
import {
  REMEMBER_SOURCE_SECONDS,
  ThrottleKeys,
  ThrottleScope,
  beyondBudget,
  lockHistorySeconds,
  lockoutSeconds,
  normalizeAddress,
  scopesFor,
  spendsBudget,
  throttleKeys,
} from './login-throttle-policy';
import { ThrottleStore } from './login-throttle-store';

export interface Lockout {
  scope: ThrottleScope;
  seconds: number;
}

/**
 * The answer to "may this password be checked?". An allowed attempt is already counted as a
 * failure (so a burst of parallel guesses cannot all pass the check before the first one fails);
 * the caller settles it exactly once: `failure()` (may start a lock-out, returned),
 * `success()` (refunds it and clears the pair's failures), or `abandon()` when the password
 * could not be judged (database down: refunded, nothing else).
 */
export type LoginVerdict =
  | { allowed: false; retryAfterSeconds: number; scope: ThrottleScope }
  | { allowed: true; failure(): Promise<Lockout[]>; success(): Promise<void>; abandon(): Promise<void> };

export interface ThrottleLogger {
  warn(message: string): void;
}

const counterKey = (scope: ThrottleScope, key: string) => `fail:${scope}:${key}`;
const lockKey = (scope: ThrottleScope, key: string) => `lock:${scope}:${key}`;
const historyKey = (scope: ThrottleScope, key: string) => `locks:${scope}:${key}`;
const rememberKey = (keys: ThrottleKeys) => `known:${keys['account-ip']}`;

/**
 * Failed-login throttling for every door that checks a Vigil password (HTTP login, the SSH
 * jump), over a ThrottleStore that every process shares when REDIS_URL is set. The rules are in
 * login-throttle-policy.ts; this class only reads and writes the store.
 */
export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly config: LoginThrottleConfig,
    private readonly logger?: ThrottleLogger,
  ) {}

  async check(username: string, sourceIp: string | undefined): Promise<LoginVerdict> {
    const keys = throttleKeys(username, sourceIp);
    const all: ThrottleScope[] = ['account-ip', 'account', 'ip'];
    const [remembered, ...locks] = await Promise.all([this.store.read(rememberKey(keys)), ...all.map((s) => this.store.read(lockKey(s, keys[s])))]);
    const scopes = scopesFor(remembered !== null);
    // The longest lock that applies is the one to wait for.
    let refusal: { scope: ThrottleScope; msLeft: number } | null = null;
    for (let i = 0; i < all.length; i++) {
      const lock = locks[i];
      if (lock && scopes.includes(all[i]) && (!refusal || lock.msLeft > refusal.msLeft)) refusal = { scope: all[i], msLeft: lock.msLeft };
    }
    if (refusal) return { allowed: false, scope: refusal.scope, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msLeft / 1000)) };

    const counts = await Promise.all(scopes.map((s) => this.store.increment(counterKey(s, keys[s]), this.config.windowSeconds)));
    const over = scopes.findIndex((scope, i) => beyondBudget(this.config, scope, counts[i]));
    if (over >= 0) {
      // The last attempts of the budget are still being checked: refuse this one (uncounted);
      // a moment later either a lock exists or the budget was refunded.
      await this.refund(scopes, keys);
      return { allowed: false, scope: scopes[over], retryAfterSeconds: 1 };
    }

    let settled = false;
    const once = <T>(work: () => Promise<T>, fallback: T) => async (): Promise<T> => {
      if (settled) return fallback;
      settled = true;
      return work();
    };
    return {
      allowed: true,
      failure: once(() => this.failed(scopes, keys, counts, sourceIp), [] as Lockout[]),
      success: once(() => this.succeeded(scopes, keys), undefined),
      abandon: once(() => this.refund(scopes, keys), undefined),
    };
  }

  private async failed(scopes: ThrottleScope[], keys: ThrottleKeys, counts: number[], sourceIp: string | undefined): Promise<Lockout[]> {
    const spent = scopes.filter((scope, i) => spendsBudget(this.config, scope, counts[i]));
    const lockouts = await Promise.all(spent.map((scope) => this.lock(scope, keys[scope])));
    for (const { scope, seconds } of lockouts) {
      this.logger?.warn(
        `login locked for ${seconds} s (${scope} budget spent): account ${JSON.stringify(keys.account)} from ${normalizeAddress(sourceIp)}`,
      );
    }
    return lockouts;
  }

  private async lock(scope: ThrottleScope, key: string): Promise<Lockout> {
    const previous = (await this.store.read(historyKey(scope, key)))?.value ?? 0;
    const seconds = lockoutSeconds(this.config, previous);
    await Promise.all([
      this.store.write(lockKey(scope, key), 1, seconds),
      this.store.write(historyKey(scope, key), previous + 1, lockHistorySeconds(this.config, seconds)),
      // The count starts over, so the first failure after the lock is number one again.
      this.store.remove(counterKey(scope, key)),
    ]);
    return { scope, seconds };
  }

  private async succeeded(scopes: ThrottleScope[], keys: ThrottleKeys): Promise<void> {
    const pair = keys['account-ip'];
    await Promise.all([
      this.store.remove(counterKey('account-ip', pair)),
      this.store.remove(historyKey('account-ip', pair)),
      this.store.write(rememberKey(keys), 1, REMEMBER_SOURCE_SECONDS),
      // The account-wide and per-IP budgets only get this attempt back: a success must not
      // wipe failures that other sources (or other accounts on this IP) made.
      ...scopes.filter((s) => s !== 'account-ip').map((s) => this.store.decrement(counterKey(s, keys[s]))),
    ]);
  }

  private async refund(scopes: ThrottleScope[], keys: ThrottleKeys): Promise<void> {
    await Promise.all(scopes.map((s) => this.store.decrement(counterKey(s, keys[s]))));
  }
}
