import { isIP } from 'node:net';
import { EventPatternError, compileInputTransformer, compilePattern } from './pattern';
import { InputTransformerSpec, TargetType } from './event-rule';
import { RuleInputError } from './rule-errors';

export const MAX_TARGETS = 5;
export const MAX_EMAIL_RECIPIENTS = 10;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_DESCRIPTION = 512;
const MAX_URL = 2048;
const MAX_SUBJECT = 200;
const MIN_SECRET = 16;
const MAX_SECRET = 256;
/** Deliberately plain: one local part, one domain with a dot; no display names, no comments, no quoting. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export interface TargetInput {
  /** PATCH: an existing target's id keeps that target (and its webhook secret) */
  id?: string;
  type: TargetType;
  url?: string;
  secret?: string;
  to?: string[];
  subject?: string;
  inputTransformer?: InputTransformerSpec;
}

export interface RuleInput {
  name: string;
  description: string | null;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: TargetInput[];
}

export type RulePatch = Partial<RuleInput>;

export interface RuleInputOptions {
  /** email targets need VIGIL_SMTP_URL */
  smtpConfigured: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(path: string, problem: string): never {
  throw new RuleInputError(path, problem);
}

function onlyKeys(value: Json, allowed: readonly string[], path: string, why = 'unknown field'): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(path ? `${path}.${key}` : key, why);
}

/** `POST /api/event-rules`: every field checked, the first problem named by its path. */
export function parseRuleInput(body: unknown, options: RuleInputOptions): RuleInput {
  if (!isObject(body)) fail('body', 'must be a JSON object');
  onlyKeys(body, ['name', 'description', 'eventPattern', 'enabled', 'targets'], '');
  if (body.name === undefined) fail('name', 'is required');
  if (body.eventPattern === undefined) fail('eventPattern', 'is required');
  if (body.targets === undefined) fail('targets', 'is required');
  return {
    name: parseName(body.name),
    description: parseDescription(body.description),
    eventPattern: parsePattern(body.eventPattern),
    enabled: parseEnabled(body.enabled) ?? true,
    targets: parseTargets(body.targets, options, false),
  };
}

/** `PATCH /api/event-rules/{id}`: the fields given; `targets` replaces the whole list. */
export function parseRulePatch(body: unknown, options: RuleInputOptions): RulePatch {
  if (!isObject(body)) fail('body', 'must be a JSON object');
  onlyKeys(body, ['name', 'description', 'eventPattern', 'enabled', 'targets'], '');
  const patch: RulePatch = {};
  if (body.name !== undefined) patch.name = parseName(body.name);
  if (body.description !== undefined) patch.description = parseDescription(body.description);
  if (body.eventPattern !== undefined) patch.eventPattern = parsePattern(body.eventPattern);
  if (body.enabled !== undefined) patch.enabled = parseEnabled(body.enabled);
  if (body.targets !== undefined) patch.targets = parseTargets(body.targets, options, true);
  if (Object.keys(patch).length === 0) fail('body', 'nothing to change');
  return patch;
}

function parseName(value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) fail('name', 'must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"');
  return value;
}

function parseDescription(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fail('description', 'must be a string');
  if (value.length > MAX_DESCRIPTION) fail('description', `must be at most ${MAX_DESCRIPTION} characters`);
  return value;
}

function parseEnabled(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail('enabled', 'must be a boolean');
  return value;
}

export function parsePattern(value: unknown, path = 'eventPattern'): Record<string, unknown> {
  if (!isObject(value)) fail(path, 'must be a JSON object (an EventBridge event pattern)');
  try {
    compilePattern(value, path);
  } catch (error) {
    throw fromPatternError(error, path);
  }
  return value;
}

/** The pattern engine names the field; the HTTP answer says `<path>: <problem>` like every other. */
export function fromPatternError(error: unknown, fallbackPath: string): Error {
  if (!(error instanceof EventPatternError)) return error as Error;
  return new RuleInputError(error.path || fallbackPath, error.reason);
}

function parseTargets(value: unknown, options: RuleInputOptions, patching: boolean): TargetInput[] {
  if (!Array.isArray(value)) fail('targets', 'must be an array');
  if (value.length < 1) fail('targets', 'needs at least one target');
  if (value.length > MAX_TARGETS) fail('targets', `at most ${MAX_TARGETS} targets per rule`);
  return value.map((t, i) => parseTarget(t, `targets[${i}]`, options, patching));
}

function parseTarget(value: unknown, path: string, options: RuleInputOptions, patching: boolean): TargetInput {
  if (!isObject(value)) fail(path, 'must be an object');
  const type = value.type;
  if (type !== 'webhook' && type !== 'slack' && type !== 'email') fail(`${path}.type`, 'must be "webhook", "slack" or "email"');
  const common = patching ? ['type', 'id', 'inputTransformer'] : ['type', 'inputTransformer'];
  const fields = { webhook: ['url', 'secret'], slack: ['url'], email: ['to', 'subject'] }[type];
  onlyKeys(value, [...common, ...fields], path, `not a field of ${type} targets`);
  const target: TargetInput = { type };
  if (value.id !== undefined) {
    if (typeof value.id !== 'string' || !/^[0-9a-f-]{36}$/.test(value.id)) fail(`${path}.id`, "must be the id of one of this rule's targets");
    target.id = value.id;
  }
  if (type === 'webhook' || type === 'slack') target.url = parseTargetUrl(value.url, `${path}.url`);
  if (type === 'webhook' && value.secret !== undefined) {
    if (typeof value.secret !== 'string' || value.secret.length < MIN_SECRET || value.secret.length > MAX_SECRET) fail(`${path}.secret`, `must be a string of ${MIN_SECRET}-${MAX_SECRET} characters`);
    target.secret = value.secret;
  }
  if (type === 'email') {
    if (!options.smtpConfigured) fail(`${path}.type`, 'email targets need VIGIL_SMTP_URL (no SMTP server is configured)');
    target.to = parseRecipients(value.to, `${path}.to`);
    if (value.subject !== undefined) {
      if (typeof value.subject !== 'string' || value.subject.length === 0 || value.subject.length > MAX_SUBJECT) fail(`${path}.subject`, `must be 1-${MAX_SUBJECT} characters`);
      if (/[\r\n]/.test(value.subject)) fail(`${path}.subject`, 'must be one line');
      target.subject = value.subject;
    }
  }
  if (value.inputTransformer !== undefined) target.inputTransformer = parseTransformer(value.inputTransformer, `${path}.inputTransformer`);
  return target;
}

/** http(s) only, no credentials in it (they would be stored and shown in the clear), a host. */
export function parseTargetUrl(value: unknown, path: string): string {
  if (value === undefined) fail(path, 'is required');
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a URL string');
  if (value.length > MAX_URL) fail(path, `must be at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(path, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(path, 'must be http(s)');
  if (url.username || url.password) fail(path, 'must not carry credentials (user:password@); use the webhook secret');
  if (!url.hostname) fail(path, 'needs a host');
  return url.toString();
}

function parseRecipients(value: unknown, path: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) fail(path, 'must be an email address or a non-empty list of them');
  if (list.length > MAX_EMAIL_RECIPIENTS) fail(path, `at most ${MAX_EMAIL_RECIPIENTS} recipients`);
  list.forEach((address, i) => {
    if (typeof address !== 'string' || address.length > 254 || !EMAIL.test(address)) fail(typeof value === 'string' ? path : `${path}[${i}]`, 'is not an email address');
  });
  return list as string[];
}

function parseTransformer(value: unknown, path: string): InputTransformerSpec {
  if (!isObject(value)) fail(path, 'must be an object {inputPathsMap?, inputTemplate}');
  onlyKeys(value, ['inputPathsMap', 'inputTemplate'], path);
  try {
    compileInputTransformer(value, path);
  } catch (error) {
    throw fromPatternError(error, path);
  }
  return value as unknown as InputTransformerSpec;
}

/** The hosts to resolve before a rule is stored, each with the field it came from. */
export function hostsToResolve(targets: TargetInput[]): { path: string; host: string }[] {
  const out: { path: string; host: string }[] = [];
  targets.forEach((t, i) => {
    if (!t.url) return;
    const host = new URL(t.url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) === 0) out.push({ path: `targets[${i}].url`, host });
  });
  return out;
}
