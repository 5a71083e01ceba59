import { isPlainObject, ownValue } from './pattern-error';
import type { LeafValue } from './value-matchers';

/**
 * Arrays inside arrays are "crushed out" (EventBridge reads `[[a], [b]]` as a, b) down to this
 * depth; anything nested deeper is ignored rather than recursed into, so a hostile event of a
 * million nested brackets costs nothing.
 */
export const MAX_EVENT_ARRAY_NESTING = 16;

function isLeafValue(value: unknown): value is LeafValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Visits the non-array members of `value`, flattening nested arrays; stops when `visit` says true. */
export function someElement(value: unknown, visit: (element: unknown) => boolean, nesting = 0): boolean {
  if (!Array.isArray(value)) return visit(value);
  if (nesting >= MAX_EVENT_ARRAY_NESTING) return false;
  for (const element of value) if (someElement(element, visit, nesting + 1)) return true;
  return false;
}

/**
 * The values a leaf field holds: a scalar, or the scalars of an array (objects inside it are
 * not values of this field but of deeper ones). An object is not a leaf value, which is why
 * `exists` only sees leaves, as EventBridge documents.
 */
export function someLeafValue(value: unknown, test: (v: LeafValue) => boolean): boolean {
  return someElement(value, (element) => isLeafValue(element) && test(element));
}

export function hasLeafValue(value: unknown): boolean {
  return someLeafValue(value, () => true);
}

/**
 * Whether the event holds a value at `path` anywhere, through every array on the way: the sense
 * of `exists: false`, which EventBridge checks over the whole event, not per array element.
 */
export function presentAnywhere(root: unknown, path: readonly string[], from = 0): boolean {
  if (from === path.length) return hasLeafValue(root);
  return someElement(root, (element) => isPlainObject(element) && Object.hasOwn(element, path[from]) && presentAnywhere(ownValue(element, path[from]), path, from + 1));
}
