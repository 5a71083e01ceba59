/**
 * U+0000 has no place in any Vigil input, and PostgreSQL refuses it in text columns: left in, it
 * made a 500 of about ten routes (found by the fuzz spec, PostgreSQL only), the login among them.
 * Refused at the edge, the same way on both engines.
 */
export const NUL_REFUSED = 'NUL characters (U+0000) are not accepted';

/** True when a string anywhere in a parsed JSON value (keys included) holds U+0000. Iterative. */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined || pending.length > 0; next = pending.pop()) {
    if (typeof next === 'string') {
      if (next.includes('\u0000')) return true;
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, child] of Object.entries(next)) {
        if (key.includes('\u0000')) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
