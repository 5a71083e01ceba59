import { isPlainObject, ownValue } from './pattern-error';

export type JsonPathStep = string | number;

const MAX_PATH_CHARS = 256;
const STEP = /\.([A-Za-z0-9_$@:-]+)|\[(\d{1,6})\]/y;

/**
 * The JSONPath subset input transformers need: `$`, then `.name` steps (letters, digits and
 * `_ - $ @ :`, enough for `detail-type` and `requestParameters`) and `[n]` array indexes, as in
 * `$.detail.resources[0].ARN`. Returns undefined for anything else (filters, wildcards, quotes).
 */
export function parseJsonPath(path: string): JsonPathStep[] | undefined {
  if (path.length > MAX_PATH_CHARS || !path.startsWith('$')) return undefined;
  const steps: JsonPathStep[] = [];
  STEP.lastIndex = 1;
  while (STEP.lastIndex < path.length) {
    const at = STEP.lastIndex;
    const m = STEP.exec(path);
    if (!m || m.index !== at) return undefined;
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return steps;
}

/** Follows the steps through own properties only; undefined when any step is missing. */
export function resolveJsonPath(root: unknown, steps: readonly JsonPathStep[]): unknown {
  let current = root;
  for (const step of steps) {
    if (typeof step === 'number') current = Array.isArray(current) && step < current.length ? current[step] : undefined;
    else current = isPlainObject(current) ? ownValue(current, step) : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}
