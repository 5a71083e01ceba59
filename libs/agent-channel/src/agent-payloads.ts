import { plainToInstance } from 'class-transformer';
import { ValidationError, isUUID, validateSync } from 'class-validator';
import { EndSessionDto, OpenSessionDto } from '@vigil/sessions';
import { MAX_HEARTBEAT_BATCH } from './agent-wire';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Objects nest this deep at most in a valid payload (one level): deeper is an attack or a bug, refused before class-transformer walks it. */
const MAX_DEPTH = 3;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function depth(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= 0) return Infinity;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depth(child, limit - 1));
  return 1 + deepest;
}

/** The messages the HTTP ValidationPipe would give, as one line. */
function messages(errors: ValidationError[]): string {
  return errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` })).join('; ');
}

/**
 * The same checks as the HTTP API: the agent API's own DTOs under the global ValidationPipe's
 * options (whitelist, forbidNonWhitelisted, transform). Only a plain object of bounded depth gets there.
 */
function validated<T extends object>(dto: new () => T, payload: unknown): Parsed<T> {
  if (!isObject(payload)) return fail('payload must be an object');
  if (depth(payload, MAX_DEPTH + 1) > MAX_DEPTH) return fail('payload is nested too deeply');
  const instance = plainToInstance(dto, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length > 0 ? fail(messages(errors)) : { ok: true, value: instance };
}

export const parseOpen = (payload: unknown): Parsed<OpenSessionDto> => validated(OpenSessionDto, payload);

/** `{sessionIds}`: 1..1000 UUIDs (the HTTP route's ParseUUIDPipe), duplicates heartbeat once. */
export function parseHeartbeat(payload: unknown): Parsed<{ sessionIds: string[] }> {
  if (!isObject(payload)) return fail('payload must be an object');
  const extra = Object.keys(payload).filter((k) => k !== 'sessionIds');
  if (extra.length > 0) return fail(`property ${extra.join(', ')} should not exist`);
  const ids = payload.sessionIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_HEARTBEAT_BATCH) {
    return fail(`sessionIds must be an array of 1 to ${MAX_HEARTBEAT_BATCH} session ids`);
  }
  const bad = ids.findIndex((id) => typeof id !== 'string' || !isUUID(id));
  if (bad >= 0) return fail(`sessionIds[${bad}] must be a UUID`);
  return { ok: true, value: { sessionIds: [...new Set(ids as string[])] } };
}

/** `{sessionId, endDate?, reason?}`: the id as the HTTP path's, the rest as EndSessionDto. */
export function parseEnd(payload: unknown): Parsed<{ sessionId: string; body: EndSessionDto }> {
  if (!isObject(payload)) return fail('payload must be an object');
  const { sessionId, ...rest } = payload;
  if (typeof sessionId !== 'string' || !isUUID(sessionId)) return fail('sessionId must be a UUID');
  const body = validated(EndSessionDto, rest);
  return body.ok ? { ok: true, value: { sessionId, body: body.value } } : body;
}
