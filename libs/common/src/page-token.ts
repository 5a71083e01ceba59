/**
 * Opaque keyset paging tokens: the sort key of the last row served, base64url-encoded.
 * Keyset (not offset) paging stays stable while rows are inserted and costs the same on page 1,000.
 */
export interface PageCursor {
  /** sort value of the last row (epoch ms) */
  t: number;
  /** id of the last row, the tie-breaker */
  id: string;
}

export class InvalidPageTokenError extends Error {
  constructor() {
    super('nextToken is invalid or expired');
  }
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.t, cursor.id])).toString('base64url');
}

export function decodePageToken(token: string): PageCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      Number.isSafeInteger(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      parsed[1].length > 0 &&
      parsed[1].length <= 100 &&
      !parsed[1].includes('\u0000')
    ) {
      return { t: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: any undecodable token is simply invalid
  }
  throw new InvalidPageTokenError();
}
