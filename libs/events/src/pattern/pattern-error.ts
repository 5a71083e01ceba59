/**
 * A pattern or input transformer that cannot be used, naming the field at fault the way the
 * HTTP edge reports it (`eventPattern.detail.eventName[0].prefix: must be a string`), so the
 * edge maps it to a 400 without rewording.
 */
export class EventPatternError extends Error {
  /** what is wrong, without the path */
  readonly reason: string;

  constructor(
    readonly path: string,
    message: string,
  ) {
    const prefix = `${path}: `;
    const full = message.startsWith(prefix) ? message : prefix + message;
    super(full);
    this.name = 'EventPatternError';
    this.reason = full.slice(prefix.length);
  }
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `parent.key`, or `parent["odd key"]` when the key would make the path ambiguous. */
export function keyPath(parent: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A JSON object as JSON.parse makes them: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: `__proto__`, `constructor` and friends are ordinary keys here. */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Byte length of `value` as JSON, or undefined when it has no JSON form (cycles, BigInt, too deep). */
export function jsonByteLength(value: unknown): number | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
  } catch {
    return undefined;
  }
}
