/**
 * EventBridge compares numbers within ±5.0e9 to six digits right of the decimal point (its
 * documented limit). Numbers are compared as whole millionths, so 300, 3.0e2 and 300.0000001
 * are equal, and 0.1 + 0.2 equals 0.3.
 */
export const NUMERIC_LIMIT = 5e9;

export function isComparableNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT;
}

/** Whole millionths; exact as a double for any comparable number (5e15 < 2^53). */
export function millionths(value: number): number {
  return Math.round(value * 1e6);
}

/**
 * Exact numeric values in a pattern: numerically within the comparable range, otherwise (an
 * account number, say) the same double, as EventBridge falls back to the literal.
 */
export function sameNumber(eventValue: number, patternValue: number): boolean {
  if (isComparableNumber(eventValue) && isComparableNumber(patternValue)) return millionths(eventValue) === millionths(patternValue);
  return eventValue === patternValue;
}
