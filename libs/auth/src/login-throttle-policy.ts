import { isIPv4, isIPv6 } from 'node:net';
import type { LoginThrottleConfig } from '@vigil/config';

/**
 * The rules of failed-login throttling, as pure functions (no store, no clock).
 *
 * Three budgets, each counting failures within `windowSeconds`:
 * - `account-ip`: one account from one source. The strict one (a typo-prone user and a
 *   password-guessing script look alike here); success from that pair clears it.
 * - `account`: one account from every source it has not signed in from. Stops a guesser spread
 *   over many addresses. It is softer: a higher threshold, and it never applies to a source the
 *   account signed in from successfully in the last 14 days, so an attacker elsewhere cannot lock
 *   a real administrator out of their usual workstation.
 * - `ip`: one source, for every account that has not signed in from it (password spraying). Not
 *   cleared by a success: an attacker holding one valid account must not refill it by signing in.
 *   Accounts that did sign in from it keep only their pair budget there, so a sprayer (or every
 *   client behind a proxy Vigil was not told about) cannot lock the regular users of an address.
 * Reaching a budget locks that scope for `lockoutSeconds`, doubling for each further lock that
 * starts within a window of the previous one's end, up to `maxLockoutSeconds`.
 */
export type ThrottleScope = 'account-ip' | 'account' | 'ip';

export type ThrottleKeys = Record<ThrottleScope, string>;

/** How long a successful (account, source) pair stays exempt from the account-wide and per-IP locks. */
export const REMEMBER_SOURCE_SECONDS = 14 * 24 * 3600;

/** Usernames are case-insensitive, so `Alice` and `alice` share one budget. */
export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

/**
 * The client address as logs and audit records show it: IPv4-mapped IPv6 (`::ffff:10.0.0.1`,
 * what a dual-stack socket reports) as plain IPv4, without an IPv6 zone.
 */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped ? mapped[1] : bare.toLowerCase();
}

/**
 * The key an address is throttled under. IPv6 by its /64: one customer network usually holds a
 * whole /64, so per-address budgets would give an attacker 2^64 fresh ones.
 */
export function sourceKey(address: string | undefined): string {
  const normalized = normalizeAddress(address);
  if (isIPv4(normalized)) return normalized;
  // Not an address (nothing Fastify or ssh2 should give): kept, minus the space that ends a pair's address.
  if (!isIPv6(normalized)) return normalized.replace(/\s/g, '_');
  return `${expandIPv6(normalized).slice(0, 4).join(':')}::/64`;
}

export function throttleKeys(username: string, address: string | undefined): ThrottleKeys {
  const account = normalizeUsername(username);
  const ip = sourceKey(address);
  // The address comes first and never contains a space, so no two pairs share a key.
  return { 'account-ip': `${ip} ${account}`, account, ip };
}

/** The scopes an attempt is checked and counted against: a remembered (account, source) pair only its own. */
export function scopesFor(rememberedSource: boolean): ThrottleScope[] {
  return rememberedSource ? ['account-ip'] : ['account-ip', 'account', 'ip'];
}

export function limitOf(config: LoginThrottleConfig, scope: ThrottleScope): number {
  if (scope === 'account-ip') return config.maxFailures;
  return scope === 'account' ? config.maxFailuresPerAccount : config.maxFailuresPerIp;
}

/**
 * Whether the failure that was counted as `count` (its value right after the atomic increment)
 * spends the budget. Exactly one attempt sees the limit, however many gateways race, so one
 * lock-out starts, not one per concurrent failure.
 */
export function spendsBudget(config: LoginThrottleConfig, scope: ThrottleScope, count: number): boolean {
  return count === limitOf(config, scope);
}

/** Whether an attempt counted as `count` is beyond the budget (others are still in flight). */
export function beyondBudget(config: LoginThrottleConfig, scope: ThrottleScope, count: number): boolean {
  return count > limitOf(config, scope);
}

/** The length of a lock after `previousLocks` recent ones: doubling, capped. */
export function lockoutSeconds(config: LoginThrottleConfig, previousLocks: number): number {
  const doublings = Math.min(Math.max(previousLocks, 0), 40);
  return Math.min(config.lockoutSeconds * 2 ** doublings, config.maxLockoutSeconds);
}

/** How long the lock history is kept: a lock starting within a window of this one's end doubles. */
export function lockHistorySeconds(config: LoginThrottleConfig, lockSeconds: number): number {
  return lockSeconds + config.windowSeconds;
}

function expandIPv6(address: string): string[] {
  let text = address;
  // An embedded IPv4 tail (::1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16).toString(16));
}
