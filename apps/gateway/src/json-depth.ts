/** Deeper than any Vigil body needs (a DTO is two or three levels); deep enough for any client. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests objects or arrays more than `max` levels deep (the top level is 1).
 * Iterative, so a hostile depth cannot overflow the stack here the way it did in the recursive
 * validation behind it (a 500 for `{"a":{"a":…}}` 3,000 deep); linear in the parsed nodes, which
 * the body size limit bounds.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: { node: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) pending.push({ node: value, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > max) return true;
    for (const child of Object.values(next.node)) {
      if (typeof child === 'object' && child !== null) pending.push({ node: child, depth: next.depth + 1 });
    }
  }
  return false;
}
