import { CidrBlock } from './cidr';
import { NUMERIC_LIMIT, isComparableNumber, millionths, sameNumber } from './numbers';
import { EventPatternError, indexPath, isPlainObject, keyPath } from './pattern-error';
import { WildcardPattern } from './wildcard';

/** What an event holds at a leaf: JSON's scalars. */
export type LeafValue = string | number | boolean | null;

/** One element of a field's match array. */
export type LeafMatcher = { kind: 'value'; test: (value: LeafValue) => boolean } | { kind: 'exists'; present: boolean };

export const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'] as const;
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

export function isOperatorName(key: string): boolean {
  return OPERATOR_SET.has(key);
}

/**
 * Case-insensitive comparison folds both sides the same way: upper then lower case, so that
 * Unicode letters (é/É, ß/SS, ſ/s) compare as case variants and not only ASCII.
 */
export function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

const value = (test: (v: LeafValue) => boolean): LeafMatcher => ({ kind: 'value', test });

/** Compiles one element of a field's array: a literal, or an object holding one operator. */
export function compileLeafMatcher(element: unknown, path: string): LeafMatcher {
  if (typeof element === 'string') return value((v) => v === element);
  if (typeof element === 'number') {
    if (!Number.isFinite(element)) throw new EventPatternError(path, 'must be a finite number');
    return value((v) => typeof v === 'number' && sameNumber(v, element));
  }
  if (element === null || typeof element === 'boolean') return value((v) => v === element);
  if (!isPlainObject(element)) throw new EventPatternError(path, 'must be a string, number, boolean, null or an operator object such as {"prefix": "..."}');
  const keys = Object.keys(element);
  if (keys.length !== 1) throw new EventPatternError(path, `an operator object must hold exactly one operator, got ${keys.length}`);
  const op = keys[0];
  const operand = element[op];
  const at = keyPath(path, op);
  switch (op) {
    case 'prefix':
      return stringOrIgnoreCase(operand, at, (v, p) => v.startsWith(p));
    case 'suffix':
      return stringOrIgnoreCase(operand, at, (v, s) => v.endsWith(s));
    case 'equals-ignore-case': {
      const folded = foldCase(requireString(operand, at));
      return value((v) => typeof v === 'string' && foldCase(v) === folded);
    }
    case 'wildcard': {
      const wildcard = WildcardPattern.parse(requireString(operand, at), at);
      return value((v) => typeof v === 'string' && wildcard.matches(v));
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(operand, at);
      return value((v) => !excluded(v));
    }
    case 'numeric':
      return value(compileNumeric(operand, at));
    case 'exists':
      if (typeof operand !== 'boolean') throw new EventPatternError(at, 'must be true or false');
      return { kind: 'exists', present: operand };
    case 'cidr': {
      const block = CidrBlock.parse(requireString(operand, at), at);
      return value((v) => typeof v === 'string' && block.contains(v));
    }
    default:
      throw new EventPatternError(path, `unknown operator ${JSON.stringify(op)} (supported: ${OPERATORS.join(', ')})`);
  }
}

function requireString(operand: unknown, path: string): string {
  if (typeof operand !== 'string') throw new EventPatternError(path, 'must be a string');
  return operand;
}

/** `{prefix: "x"}` or `{prefix: {equals-ignore-case: "x"}}`, likewise suffix. */
function stringOrIgnoreCase(operand: unknown, path: string, test: (value: string, operand: string) => boolean): LeafMatcher {
  if (typeof operand === 'string') return value((v) => typeof v === 'string' && test(v, operand));
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && Object.hasOwn(operand, 'equals-ignore-case')) {
    const folded = foldCase(requireString(operand['equals-ignore-case'], keyPath(path, 'equals-ignore-case')));
    return value((v) => typeof v === 'string' && test(foldCase(v), folded));
  }
  throw new EventPatternError(path, 'must be a string or {"equals-ignore-case": string}');
}

function requireBoundedNumber(operand: unknown, path: string): number {
  if (typeof operand !== 'number' || !Number.isFinite(operand)) throw new EventPatternError(path, 'must be a number');
  if (!isComparableNumber(operand)) throw new EventPatternError(path, `must be between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`);
  return operand;
}

/**
 * anything-but: the value (string or number), a list of only strings or only numbers, or one of
 * {prefix}, {suffix}, {equals-ignore-case: string | string[]}, {wildcard: string | string[]}.
 * Returns the exclusion test. As in EventBridge, a value of another type is never excluded
 * (`anything-but: "x"` matches 5 and null), and an absent field never matches.
 */
function compileAnythingBut(operand: unknown, path: string): (v: LeafValue) => boolean {
  if (typeof operand === 'string') return (v) => v === operand;
  if (typeof operand === 'number') {
    const n = requireBoundedNumber(operand, path);
    return (v) => typeof v === 'number' && sameNumber(v, n);
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new EventPatternError(path, 'must not be an empty list');
    if (operand.every((x) => typeof x === 'string')) {
      const set = new Set<string>(operand as string[]);
      return (v) => typeof v === 'string' && set.has(v);
    }
    if (operand.every((x) => typeof x === 'number')) {
      const numbers = operand.map((x, i) => requireBoundedNumber(x, indexPath(path, i)));
      return (v) => typeof v === 'number' && numbers.some((n) => sameNumber(v, n));
    }
    throw new EventPatternError(path, 'a list must hold only strings or only numbers');
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) throw new EventPatternError(path, `must hold exactly one operator, got ${keys.length}`);
    const op = keys[0];
    const inner = operand[op];
    const at = keyPath(path, op);
    switch (op) {
      case 'prefix': {
        const p = requireNonEmptyString(inner, at);
        return (v) => typeof v === 'string' && v.startsWith(p);
      }
      case 'suffix': {
        const s = requireNonEmptyString(inner, at);
        return (v) => typeof v === 'string' && v.endsWith(s);
      }
      case 'equals-ignore-case': {
        const set = new Set(stringOrStrings(inner, at).map(foldCase));
        return (v) => typeof v === 'string' && set.has(foldCase(v));
      }
      case 'wildcard': {
        const list = stringOrStrings(inner, at);
        const wildcards = list.map((w, i) => WildcardPattern.parse(w, Array.isArray(inner) ? indexPath(at, i) : at));
        return (v) => typeof v === 'string' && wildcards.some((w) => w.matches(v));
      }
      default:
        throw new EventPatternError(path, `cannot apply to ${JSON.stringify(op)} (supported: prefix, suffix, equals-ignore-case, wildcard)`);
    }
  }
  throw new EventPatternError(path, 'must be a string, a number, a list of strings or of numbers, or {prefix|suffix|equals-ignore-case|wildcard}');
}

function requireNonEmptyString(operand: unknown, path: string): string {
  if (typeof operand !== 'string' || operand === '') throw new EventPatternError(path, 'must be a non-empty string');
  return operand;
}

function stringOrStrings(operand: unknown, path: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0) {
    operand.forEach((x, i) => requireString(x, indexPath(path, i)));
    return operand as string[];
  }
  throw new EventPatternError(path, 'must be a string or a non-empty list of strings');
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

/**
 * numeric: ["=", n], [">"|">=", n], ["<"|"<=", n] or a range [">"|">=", lo, "<"|"<=", hi] with
 * lo < hi — the order EventBridge accepts. Only JSON numbers in the comparable range match.
 */
function compileNumeric(operand: unknown, path: string): (v: LeafValue) => boolean {
  if (!Array.isArray(operand) || operand.length === 0) throw new EventPatternError(path, 'must be an array such as [">", 0, "<=", 5]');
  const op = operand[0];
  if (typeof op !== 'string' || !(op === '=' || LOWER.has(op) || UPPER.has(op))) {
    throw new EventPatternError(indexPath(path, 0), `must be one of "=", "<", "<=", ">", ">=", got ${JSON.stringify(op) ?? String(op)}`);
  }
  if (operand.length < 2) throw new EventPatternError(path, `"${op}" needs a number after it`);
  const first = millionths(requireBoundedNumber(operand[1], indexPath(path, 1)));
  if (op === '=' || UPPER.has(op)) {
    if (operand.length > 2) throw new EventPatternError(path, `too many elements: "${op}" must be the only operator (a range starts with ">" or ">=")`);
    if (op === '=') return (v) => isComparableNumber(v) && millionths(v) === first;
    return op === '<' ? (v) => isComparableNumber(v) && millionths(v) < first : (v) => isComparableNumber(v) && millionths(v) <= first;
  }
  if (operand.length === 2) {
    return op === '>' ? (v) => isComparableNumber(v) && millionths(v) > first : (v) => isComparableNumber(v) && millionths(v) >= first;
  }
  const upperOp = operand[2];
  if (typeof upperOp !== 'string' || !UPPER.has(upperOp)) throw new EventPatternError(indexPath(path, 2), 'after a lower bound only "<" or "<=" may follow');
  if (operand.length < 4) throw new EventPatternError(path, `"${upperOp}" needs a number after it`);
  if (operand.length > 4) throw new EventPatternError(path, 'too many elements: a range is [">"|">=", low, "<"|"<=", high]');
  const second = millionths(requireBoundedNumber(operand[3], indexPath(path, 3)));
  if (!(first < second)) throw new EventPatternError(path, 'the lower bound must be below the upper bound');
  const aboveLow = op === '>' ? (m: number) => m > first : (m: number) => m >= first;
  const belowHigh = upperOp === '<' ? (m: number) => m < second : (m: number) => m <= second;
  return (v) => {
    if (!isComparableNumber(v)) return false;
    const m = millionths(v);
    return aboveLow(m) && belowHigh(m);
  };
}
