import { hasLeafValue, presentAnywhere, someElement, someLeafValue } from './event-walk';
import { EventPatternError, indexPath, isPlainObject, jsonByteLength, keyPath, ownValue } from './pattern-error';
import { type LeafMatcher, compileLeafMatcher, isOperatorName } from './value-matchers';

/** EventBridge's own limit on a rule's pattern. */
export const MAX_PATTERN_BYTES = 8192;
/** Objects inside objects (and `$or` branches), the top level being 1. */
export const MAX_PATTERN_DEPTH = 10;

export interface CompiledPattern {
  matches(event: unknown): boolean;
}

interface LeafField {
  kind: 'leaf';
  key: string;
  /** from the event's root, `$or` left out: where `exists: false` looks */
  path: readonly string[];
  matchers: readonly LeafMatcher[];
}

interface NodeField {
  kind: 'node';
  key: string;
  node: PatternNode;
}

/** Fields all match (AND); of each `$or` group, one branch matches. */
interface PatternNode {
  fields: readonly (LeafField | NodeField)[];
  ors: readonly (readonly PatternNode[])[];
}

/**
 * Validates an EventBridge event pattern completely and compiles it to a matcher. Throws
 * EventPatternError naming the first field at fault; a pattern that compiles never throws when
 * matching, whatever the event.
 */
export function compilePattern(pattern: unknown, path = 'eventPattern'): CompiledPattern {
  if (!isPlainObject(pattern)) throw new EventPatternError(path, 'must be a JSON object');
  const bytes = jsonByteLength(pattern);
  if (bytes === undefined) throw new EventPatternError(path, 'must be plain JSON');
  if (bytes > MAX_PATTERN_BYTES) throw new EventPatternError(path, `must be at most ${MAX_PATTERN_BYTES} bytes of JSON, got ${bytes}`);
  const root = compileNode(pattern, path, [], 1, false);
  return { matches: (event: unknown) => matchNode(root, event, { root: event, presence: new Map() }) };
}

/** Convenience for one-off checks (test-pattern): compiles, then matches. Throws EventPatternError. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

function compileNode(object: Record<string, unknown>, path: string, fieldPath: readonly string[], depth: number, insideOr: boolean): PatternNode {
  if (depth > MAX_PATTERN_DEPTH) throw new EventPatternError(path, `nesting deeper than ${MAX_PATTERN_DEPTH} levels`);
  const keys = Object.keys(object);
  if (keys.length === 0) throw new EventPatternError(path, 'must not be empty');
  const fields: (LeafField | NodeField)[] = [];
  const ors: PatternNode[][] = [];
  for (const key of keys) {
    const value = object[key];
    const at = keyPath(path, key);
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new EventPatternError(at, 'must be an array of at least 2 objects');
      ors.push(
        value.map((branch, i) => {
          if (!isPlainObject(branch)) throw new EventPatternError(indexPath(at, i), 'must be an object');
          return compileNode(branch, indexPath(at, i), fieldPath, depth + 1, true);
        }),
      );
      continue;
    }
    // EventBridge refuses these inside $or: `"$or": [{"prefix": ...}]` is a misplaced operator.
    if (insideOr && isOperatorName(key)) throw new EventPatternError(at, `"${key}" is an operator and cannot be a field name inside $or`);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new EventPatternError(at, 'must not be an empty array');
      fields.push({ kind: 'leaf', key, path: [...fieldPath, key], matchers: value.map((element, i) => compileLeafMatcher(element, indexPath(at, i))) });
    } else if (isPlainObject(value)) {
      fields.push({ kind: 'node', key, node: compileNode(value, at, [...fieldPath, key], depth + 1, insideOr) });
    } else {
      const hint = isOperatorName(key) ? ` (an operator goes inside the field's array: [{"${key}": ...}])` : '';
      throw new EventPatternError(at, `must be an array of match values or a nested object${hint}`);
    }
  }
  return { fields, ors };
}

/**
 * One matches() call. `exists: false` asks about the whole event, whatever element is being
 * looked at, so its answer is computed once per field and call: an array of n objects then
 * costs n checks, not n scans of the whole array.
 */
interface MatchRun {
  root: unknown;
  presence: Map<LeafField, boolean>;
}

/**
 * An array in the event matches when one of its elements does (arrays inside it are crushed
 * out), so two fields of one sub-pattern are matched within the same element, never across
 * elements. An empty array holds nothing: the node sees an absent value.
 */
function matchNode(node: PatternNode, context: unknown, run: MatchRun): boolean {
  if (Array.isArray(context)) {
    let visited = false;
    const matched = someElement(context, (element) => {
      visited = true;
      return matchNode(node, element, run);
    });
    return matched || (!visited && matchNode(node, undefined, run));
  }
  const object = isPlainObject(context) ? context : undefined;
  for (const field of node.fields) {
    const value = object ? ownValue(object, field.key) : undefined;
    if (field.kind === 'node' ? !matchNode(field.node, value, run) : !matchLeaf(field, value, run)) return false;
  }
  return node.ors.every((branches) => branches.some((branch) => matchNode(branch, context, run)));
}

function matchLeaf(field: LeafField, value: unknown, run: MatchRun): boolean {
  return field.matchers.some((matcher) => {
    if (matcher.kind === 'value') return someLeafValue(value, matcher.test);
    return matcher.present ? hasLeafValue(value) : !presentInEvent(field, run);
  });
}

function presentInEvent(field: LeafField, run: MatchRun): boolean {
  let present = run.presence.get(field);
  if (present === undefined) {
    present = presentAnywhere(run.root, field.path);
    run.presence.set(field, present);
  }
  return present;
}
