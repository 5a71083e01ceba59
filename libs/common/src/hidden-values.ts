/** CloudTrail's own words for a value it will not show. */
export const HIDDEN_VALUE = 'Value hidden due to security reasons.';

/** Field names whose values are secrets wherever they appear in request parameters or responses. */
const SECRET_NAME = /(password|passphrase|secret|private.?key|authorization|cookie)|(token|signature|otp|credential)$/i;

const MAX_DEPTH = 6;
const MAX_STRING = 1024;
const MAX_ITEMS = 100;
const MAX_KEYS = 64;

/**
 * A copy of `value` safe to keep in the audit trail: secret-named fields replaced by
 * HIDDEN_VALUE at any depth, strings, arrays and objects bounded (an attacker's oversize input
 * must not become an oversize record), nothing but JSON types left.
 */
export function hideSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === 'bigint') return value.toString();
  if (depth >= MAX_DEPTH || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => hideSecrets(item, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
    if (item === undefined || typeof item === 'function') continue;
    // booleans stay (`hasSecret: true` says nothing secret); any other value of a secret's name is hidden
    out[key] = SECRET_NAME.test(key) && item !== null && item !== '' && typeof item !== 'boolean' ? HIDDEN_VALUE : hideSecrets(item, depth + 1);
  }
  return out;
}
