import type { NewRule, NewTarget, TargetType } from '../api/event-rules';

/** One target as the form holds it (text fields; parsed on submit). */
export interface TargetDraft {
  type: TargetType;
  url: string;
  /** email: addresses separated by commas or spaces */
  to: string;
  subject: string;
  /** webhook: empty lets the server generate one */
  secret: string;
  inputTemplate: string;
  /** JSON object `{name: "$.detail.x"}`, optional */
  inputPaths: string;
}

export interface RuleDraft {
  name: string;
  description: string;
  pattern: string;
  enabled: boolean;
  targets: TargetDraft[];
}

export const MAX_TARGETS = 5;
export const MAX_TEMPLATE_BYTES = 8 * 1024;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export const DEFAULT_PATTERN = JSON.stringify(
  { source: ['aws.ssm'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['StartSession', 'TerminateSession'] } },
  null,
  2,
);

export const emptyTarget = (type: TargetType = 'webhook'): TargetDraft => ({ type, url: '', to: '', subject: '', secret: '', inputTemplate: '', inputPaths: '' });

export const emptyRule = (): RuleDraft => ({ name: '', description: '', pattern: DEFAULT_PATTERN, enabled: true, targets: [emptyTarget()] });

/** A field the form must fix, named like the server names it (`targets[0].url`). */
export interface DraftError {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: DraftError };

/** The pattern text as an object, or why not. */
export function parsePattern(text: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { field: 'eventPattern', message: `not JSON: ${(e as Error).message}` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, error: { field: 'eventPattern', message: 'must be a JSON object' } };
  if (Object.keys(value).length === 0) return { ok: false, error: { field: 'eventPattern', message: 'must not be empty (it would match nothing)' } };
  return { ok: true, value: value as Record<string, unknown> };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseTarget(t: TargetDraft, i: number): Parsed<NewTarget> {
  const at = (field: string, message: string): Parsed<NewTarget> => ({ ok: false, error: { field: `targets[${i}].${field}`, message } });
  let inputTransformer: NewTarget['inputTransformer'];
  if (t.inputTemplate.trim() !== '') {
    if (new TextEncoder().encode(t.inputTemplate).length > MAX_TEMPLATE_BYTES) return at('inputTransformer.inputTemplate', 'must be at most 8 KiB');
    let inputPathsMap: Record<string, string> | undefined;
    if (t.inputPaths.trim() !== '') {
      let paths: unknown;
      try {
        paths = JSON.parse(t.inputPaths);
      } catch {
        return at('inputTransformer.inputPathsMap', 'must be a JSON object');
      }
      if (paths === null || typeof paths !== 'object' || Array.isArray(paths) || !Object.values(paths).every((p) => typeof p === 'string')) {
        return at('inputTransformer.inputPathsMap', 'must be a JSON object of strings ("$.detail.x")');
      }
      inputPathsMap = paths as Record<string, string>;
    }
    inputTransformer = { ...(inputPathsMap ? { inputPathsMap } : {}), inputTemplate: t.inputTemplate };
  } else if (t.inputPaths.trim() !== '') {
    return at('inputTransformer.inputTemplate', 'is needed when input paths are given');
  }
  const extra = inputTransformer ? { inputTransformer } : {};
  switch (t.type) {
    case 'webhook':
    case 'slack': {
      const url = t.url.trim();
      if (!isHttpUrl(url)) return at('url', 'must be http(s)');
      if (t.type === 'slack') return { ok: true, value: { type: 'slack', url, ...extra } };
      return { ok: true, value: { type: 'webhook', url, ...(t.secret !== '' ? { secret: t.secret } : {}), ...extra } };
    }
    case 'email': {
      const to = t.to.split(/[\s,;]+/).filter(Boolean);
      if (to.length === 0) return at('to', 'needs at least one address');
      const bad = to.find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
      if (bad) return at('to', `${bad} is not an email address`);
      return { ok: true, value: { type: 'email', to, ...(t.subject.trim() ? { subject: t.subject.trim() } : {}), ...extra } };
    }
  }
}

/** The create call's body, or the first field to fix. The server checks everything again. */
export function toNewRule(draft: RuleDraft): Parsed<NewRule> {
  const name = draft.name.trim();
  if (!NAME.test(name)) return { ok: false, error: { field: 'name', message: 'must be 1-64 letters, digits, ".", "_" or "-"' } };
  const pattern = parsePattern(draft.pattern);
  if (!pattern.ok) return pattern;
  if (draft.targets.length < 1 || draft.targets.length > MAX_TARGETS) return { ok: false, error: { field: 'targets', message: `1 to ${MAX_TARGETS} targets` } };
  const targets: NewTarget[] = [];
  for (const [i, t] of draft.targets.entries()) {
    const parsed = parseTarget(t, i);
    if (!parsed.ok) return parsed;
    targets.push(parsed.value);
  }
  const description = draft.description.trim();
  return { ok: true, value: { name, ...(description ? { description } : {}), eventPattern: pattern.value, enabled: draft.enabled, targets } };
}
