import { parseJsonPath, resolveJsonPath, type JsonPathStep } from './json-path';
import { EventPatternError, isPlainObject, keyPath } from './pattern-error';

/** EventBridge's own limits. */
export const MAX_TEMPLATE_BYTES = 8192;
export const MAX_INPUT_PATHS = 100;

export interface InputTransformerSpec {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

/** What a delivery knows besides the event; names it lacks render as missing values. */
export interface RenderContext {
  ruleName?: string;
  ruleArn?: string;
  ingestionTime?: string;
}

export interface CompiledTransformer {
  /** Never throws: missing paths render as null (JSON) or nothing (text). */
  render(event: unknown, context?: RenderContext): string;
  /** `json` when the template is JSON once its placeholders are filled, else `text`. */
  readonly mode: 'json' | 'text';
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PLACEHOLDER_NAME = /^[A-Za-z0-9_.-]{1,80}$/;
const RESERVED = ['aws.events.event', 'aws.events.event.json', 'aws.events.rule-name', 'aws.events.rule-arn', 'aws.events.event.ingestion-time'] as const;
type Reserved = (typeof RESERVED)[number];
const RESERVED_SET: ReadonlySet<string> = new Set(RESERVED);

type Part = { literal: string } | { name: string; inString: boolean };

/**
 * EventBridge's InputTransformer: `inputPathsMap` names values of the event by JSONPath, and
 * `<name>` in `inputTemplate` is replaced by them (plus the reserved `aws.events.*` names).
 *
 * Where EventBridge pastes values unescaped, this renders safely:
 * - JSON templates (those that parse as JSON once filled): a bare `<name>` becomes the value as
 *   JSON (strings quoted, missing -> null), a `<name>` inside a JSON string becomes its text
 *   escaped for that string — the output is always valid JSON, whatever the event holds.
 * - Any other template is text: strings go in as they are, other values as JSON, missing ones
 *   as nothing.
 * A `<word>` that names no variable stays as written (HTML in an email template keeps `<b>`).
 */
export function compileInputTransformer(spec: unknown, path = 'inputTransformer'): CompiledTransformer {
  if (!isPlainObject(spec)) throw new EventPatternError(path, 'must be an object');
  for (const key of Object.keys(spec)) {
    if (key !== 'inputPathsMap' && key !== 'inputTemplate') throw new EventPatternError(keyPath(path, key), 'unknown field (expected inputPathsMap, inputTemplate)');
  }
  const paths = compilePathsMap(spec.inputPathsMap, `${path}.inputPathsMap`);
  const template = spec.inputTemplate;
  const templatePath = `${path}.inputTemplate`;
  if (typeof template !== 'string') throw new EventPatternError(templatePath, 'must be a string');
  if (template.length === 0) throw new EventPatternError(templatePath, 'must not be empty');
  const bytes = Buffer.byteLength(template, 'utf8');
  if (bytes > MAX_TEMPLATE_BYTES) throw new EventPatternError(templatePath, `must be at most ${MAX_TEMPLATE_BYTES} bytes, got ${bytes}`);

  const parts = splitTemplate(template, (name) => paths.has(name) || RESERVED_SET.has(name));
  const mode = isJsonTemplate(template, parts) ? 'json' : 'text';
  return {
    mode,
    render(event: unknown, context: RenderContext = {}): string {
      let out = '';
      for (const part of parts) {
        if ('literal' in part) {
          out += part.literal;
          continue;
        }
        const value = valueOf(part.name, event, context, paths);
        if (mode === 'text') out += value === undefined ? '' : typeof value === 'string' ? value : toJson(value);
        else if (part.inString) out += value === undefined ? '' : inJsonString(typeof value === 'string' ? value : toJson(value));
        else out += value === undefined ? 'null' : toJson(value);
      }
      return out;
    },
  };
}

function compilePathsMap(map: unknown, path: string): Map<string, JsonPathStep[]> {
  const paths = new Map<string, JsonPathStep[]>();
  if (map === undefined) return paths;
  if (!isPlainObject(map)) throw new EventPatternError(path, 'must be an object of name -> JSONPath');
  const names = Object.keys(map);
  if (names.length > MAX_INPUT_PATHS) throw new EventPatternError(path, `must hold at most ${MAX_INPUT_PATHS} entries, got ${names.length}`);
  for (const name of names) {
    const at = keyPath(path, name);
    if (!NAME.test(name)) throw new EventPatternError(at, 'names must be 1-64 of A-Z a-z 0-9 _ -');
    const jsonPath = map[name];
    const steps = typeof jsonPath === 'string' ? parseJsonPath(jsonPath) : undefined;
    if (!steps) throw new EventPatternError(at, 'must be a JSONPath such as "$" or "$.detail.eventName" (dotted names and [n] indexes only)');
    paths.set(name, steps);
  }
  return paths;
}

/**
 * Cuts the template into literals and placeholders, noting for each placeholder whether it sits
 * inside a JSON string literal (quotes and backslash escapes tracked as a JSON scanner would).
 */
function splitTemplate(template: string, isVariable: (name: string) => boolean): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '<') {
      // look a bounded distance ahead, so many '<' cost a bounded scan each
      const close = template.slice(i + 1, i + 82).indexOf('>');
      const name = close < 0 ? '' : template.slice(i + 1, i + 1 + close);
      if (PLACEHOLDER_NAME.test(name) && isVariable(name)) {
        if (literal) parts.push({ literal });
        literal = '';
        parts.push({ name, inString });
        i += close + 1;
        continue;
      }
    }
    literal += c;
    if (inString && c === '\\') {
      literal += template[i + 1] ?? '';
      i++;
    } else if (c === '"') {
      inString = !inString;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

function isJsonTemplate(template: string, parts: readonly Part[]): boolean {
  const first = template.trimStart()[0];
  if (first !== '{' && first !== '[' && first !== '"') return false;
  const probe = parts.map((p) => ('literal' in p ? p.literal : p.inString ? '' : 'null')).join('');
  try {
    JSON.parse(probe);
    return true;
  } catch {
    return false;
  }
}

function valueOf(name: string, event: unknown, context: RenderContext, paths: ReadonlyMap<string, JsonPathStep[]>): unknown {
  const steps = paths.get(name);
  if (steps) return resolveJsonPath(event, steps);
  switch (name as Reserved) {
    case 'aws.events.event':
      return event;
    case 'aws.events.event.json':
      return toJson(event);
    case 'aws.events.rule-name':
      return context.ruleName;
    case 'aws.events.rule-arn':
      return context.ruleArn;
    case 'aws.events.event.ingestion-time':
      return context.ingestionTime;
  }
  return undefined;
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
}

/** Text made safe to sit between the quotes of a JSON string. */
function inJsonString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
