import { AGENT_SESSION_TYPES } from '@vigil/common';
import { AGENT_END_REASONS, EndSessionDto } from './end-session.dto';
import { OpenSessionDto } from './open-session.dto';

/**
 * The agent API's bodies in their usual shape, recognised without class-validator (which cost
 * about a tenth of the gateway's CPU per open+end cycle). Each check is a strict subset of its
 * DTO's rules under the gateway's ValidationPipe options (whitelist, forbidNonWhitelisted,
 * transform): it says yes only to bodies class-validator would accept as they are (printable
 * ASCII strings within the lengths, known keys only, no optional field it cannot judge cheaply
 * such as a date); anything else, valid or not, goes through class-validator, whose messages
 * stay the API's. agent-body-fast-checks.spec.ts holds them to that against class-validator.
 */
export type FastBodyCheck = (value: unknown) => boolean;

/** printable ASCII only: one UTF-16 unit per character, so `.length` is what class-validator's Length counts */
const ASCII_PRINTABLE = /^[\x20-\x7e]+$/;
const OWNER = /^[a-zA-Z0-9._-]{1,64}$/;
const SERVICE_URL = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s]+$/;
const OPEN_KEYS = new Set(['externalId', 'type', 'user', 'device', 'client', 'port', 'serviceUrl', 'accountName', 'serviceProvider', 'owner']);
const SESSION_TYPES: ReadonlySet<unknown> = new Set(AGENT_SESSION_TYPES);
const END_REASONS: ReadonlySet<unknown> = new Set(AGENT_END_REASONS);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function asciiText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max && ASCII_PRINTABLE.test(value);
}

/** OpenSessionDto without startDate (an ISO-8601 date goes the full way). */
export function isPlainOpenSession(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) if (!OPEN_KEYS.has(key)) return false;
  const { port, serviceUrl, accountName, serviceProvider } = value;
  return (
    asciiText(value.externalId, 128) &&
    SESSION_TYPES.has(value.type) &&
    asciiText(value.user, 256) &&
    asciiText(value.device, 256) &&
    asciiText(value.client, 256) &&
    typeof value.owner === 'string' &&
    OWNER.test(value.owner) &&
    (port === undefined || (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535)) &&
    (serviceUrl === undefined || (asciiText(serviceUrl, 2048) && SERVICE_URL.test(serviceUrl as string))) &&
    (accountName === undefined || asciiText(accountName, 256)) &&
    (serviceProvider === undefined || asciiText(serviceProvider, 256))
  );
}

/** EndSessionDto without endDate: `{}` or `{reason}`. */
export function isPlainEndSession(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 0 || (keys.length === 1 && keys[0] === 'reason' && END_REASONS.has(value.reason));
}

/** By DTO class, for the gateway's validation pipe. */
export const AGENT_BODY_FAST_CHECKS: ReadonlyMap<Function, FastBodyCheck> = new Map<Function, FastBodyCheck>([
  [OpenSessionDto, isPlainOpenSession],
  [EndSessionDto, isPlainEndSession],
]);
