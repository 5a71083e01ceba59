import { BadRequestException } from '@nestjs/common';
import { InvalidPageTokenError, decodePageToken, encodePageToken } from '@vigil/common';
import type { AuditFilter } from './audit.service';

/** `GET /api/audit`'s query string, as received. */
export interface AuditQueryParams {
  from?: string;
  to?: string;
  eventName?: string;
  eventSource?: string;
  user?: string;
  sessionId?: string;
  sourceIp?: string;
  errorsOnly?: string;
  limit?: string;
  nextToken?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9._:@-]{1,256}$/;
/** keyset tokens name the audit trail, so a sessions-page token is not taken for one */
const TOKEN_KIND = 'audit';

/** Parses and validates the filters; a bad one is a 400 naming it. */
export function parseAuditQuery(q: AuditQueryParams, defaultLimit = 100): AuditFilter {
  const filter: AuditFilter = { limit: defaultLimit };
  const time = (name: 'from' | 'to'): number | undefined => {
    const raw = q[name];
    if (raw === undefined || raw === '') return undefined;
    const ms = Date.parse(raw);
    if (!Number.isFinite(ms)) throw new BadRequestException(`${name} must be an ISO 8601 date-time`);
    return ms;
  };
  filter.from = time('from');
  filter.to = time('to');
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) throw new BadRequestException('from must not be after to');
  for (const name of ['eventName', 'eventSource', 'user', 'sourceIp'] as const) {
    const raw = q[name];
    if (raw === undefined || raw === '') continue;
    if (!NAME.test(raw)) throw new BadRequestException(`${name} must be 1-256 letters, digits or . _ : @ -`);
    filter[name] = raw;
  }
  if (q.sessionId !== undefined && q.sessionId !== '') {
    if (!UUID.test(q.sessionId)) throw new BadRequestException('sessionId must be a UUID');
    filter.sessionId = q.sessionId.toLowerCase();
  }
  if (q.errorsOnly !== undefined && q.errorsOnly !== '') {
    if (q.errorsOnly !== 'true' && q.errorsOnly !== 'false') throw new BadRequestException('errorsOnly must be true or false');
    filter.errorsOnly = q.errorsOnly === 'true';
  }
  if (q.limit !== undefined && q.limit !== '') {
    if (!/^\d{1,4}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > 1000) throw new BadRequestException('limit must be an integer between 1 and 1000');
    filter.limit = Number(q.limit);
  }
  if (q.nextToken !== undefined && q.nextToken !== '') {
    try {
      const cursor = decodePageToken(q.nextToken);
      if (cursor.id !== TOKEN_KIND || cursor.t < 1) throw new InvalidPageTokenError();
      filter.beforeSeq = cursor.t;
    } catch {
      throw new BadRequestException('nextToken is invalid');
    }
  }
  return filter;
}

export function auditNextToken(beforeSeq: number | undefined): string | undefined {
  return beforeSeq === undefined ? undefined : encodePageToken({ t: beforeSeq, id: TOKEN_KIND });
}
