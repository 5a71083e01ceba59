import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a NextToken stands for: the page cursor of one query, for one caller. */
export interface NextTokenContent {
  state: string;
  /** any canonical description of the query's filters: a token resumes only the query that made it */
  query: unknown;
  userId: string;
  /** the store's own cursor (libs/common page token) */
  cursor: string;
}

/**
 * SSM NextTokens: the store's keyset cursor, bound to the state, filters and user it was made
 * for, and signed (HMAC-SHA256 with a key derived from the master key, so every gateway sharing
 * VIGIL_MASTER_KEY accepts every other's tokens). Opaque to clients; forged, truncated or
 * replayed-elsewhere tokens are refused; the same token always yields the same page (reusable),
 * and consecutive pages have different cursors (never repeated). Pure.
 */
export class NextTokenCodec {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vigil/ssm/next-token/v1', 32));
  }

  encode(content: NextTokenContent): string {
    const payload = Buffer.from(JSON.stringify([1, content.state, digest(content.query), content.userId, content.cursor])).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The store's cursor, or null when the token is not one this server made for this query and caller. */
  decode(token: string, expected: Omit<NextTokenContent, 'cursor'>): string | null {
    if (token.length > 2048) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [payload, mac] = parts;
    const wanted = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return null;
    try {
      const [version, state, query, userId, cursor] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
      if (version !== 1 || state !== expected.state || query !== digest(expected.query) || userId !== expected.userId || typeof cursor !== 'string') return null;
      return cursor;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function digest(query: unknown): string {
  return createHash('sha256').update(canonicalJson(query)).digest('base64url').slice(0, 22);
}

/** JSON with object keys sorted, so equal queries digest alike whatever order their filters came in. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
