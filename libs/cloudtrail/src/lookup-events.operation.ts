import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@vigil/audit';
import type { UserPrincipal } from '@vigil/auth';
import { AwsCall, AwsErrors, AwsJsonOperation } from '@vigil/aws-protocol';
import { NextTokenCodec, ownerArn } from '@vigil/ssm';
import { CloudTrailErrors } from './cloudtrail-errors';
import { lookupPage } from './lookup-events-page';
import { parseLookupEvents } from './lookup-events-request';
import { toLookupEvent } from './lookup-events-response';

/** What a NextToken's cursor may be: a positive audit seq. */
const SEQ = /^[1-9]\d{0,15}$/;

/** The audit trail is for admins and auditors, as `GET /api/audit` is. */
export function mayLookUpEvents(user: UserPrincipal): boolean {
  return user.roles.includes('admin') || user.roles.includes('auditor');
}

/**
 * LookupEvents over Vigil's chained audit trail, newest first (CloudTrail's order), with
 * CloudTrail's attributes, time range and paging. NextTokens carry the keyset cursor (a seq),
 * signed and bound to the query and the caller (libs/ssm's codec, its own key): a token from
 * another query, another user or another key is InvalidNextTokenException.
 */
@Injectable()
export class LookupEventsOperation implements AwsJsonOperation {
  private readonly logger = new Logger(LookupEventsOperation.name);

  constructor(
    private readonly audit: AuditService,
    private readonly tokens: NextTokenCodec,
  ) {}

  async handle(input: Record<string, unknown>, call: AwsCall): Promise<object> {
    // authorization before validation, as AWS does: a refused caller learns nothing about inputs
    if (!mayLookUpEvents(call.user)) {
      throw AwsErrors.accessDenied(
        `User: ${ownerArn(call.user.username)} is not authorized to perform: cloudtrail:LookupEvents (the audit trail is for the admin and auditor roles)`,
      );
    }
    const query = parseLookupEvents(input);
    const binding = { state: 'LookupEvents', query: query.binding, userId: call.user.id };
    let beforeSeq: number | undefined;
    if (query.nextToken !== undefined) {
      const cursor = this.tokens.decode(query.nextToken, binding);
      if (cursor === null || !SEQ.test(cursor)) throw CloudTrailErrors.invalidNextToken();
      beforeSeq = Number(cursor);
    }
    if (query.insight) return { Events: [] };

    // read-your-writes: what committed before this call is chained before it reads; a chainer
    // hiccup must not make the trail unreadable, so the lookup then reads what is chained
    await this.audit.settle().catch((error: Error) => this.logger.warn(`audit chain not settled before a lookup: ${error.message}`));
    const page = await lookupPage((filter) => this.audit.query(filter), query, beforeSeq);
    return {
      Events: page.items.map(toLookupEvent),
      ...(page.nextBeforeSeq !== undefined ? { NextToken: this.tokens.encode({ ...binding, cursor: String(page.nextBeforeSeq) }) } : {}),
    };
  }

  /** What the audit record keeps: the query, never a token's content. */
  describe(input: Record<string, unknown>) {
    const attributes = Array.isArray(input.LookupAttributes)
      ? input.LookupAttributes.slice(0, 2).map((a: { AttributeKey?: unknown; AttributeValue?: unknown } | null) => ({
          attributeKey: typeof a?.AttributeKey === 'string' ? a.AttributeKey.slice(0, 32) : null,
          attributeValue: typeof a?.AttributeValue === 'string' ? a.AttributeValue.slice(0, 256) : null,
        }))
      : undefined;
    const scalar = (v: unknown) => (typeof v === 'string' ? v.slice(0, 64) : typeof v === 'number' || typeof v === 'boolean' ? v : null);
    return {
      parameters: {
        ...(attributes ? { lookupAttributes: attributes } : {}),
        ...(input.StartTime !== undefined ? { startTime: scalar(input.StartTime) } : {}),
        ...(input.EndTime !== undefined ? { endTime: scalar(input.EndTime) } : {}),
        ...(input.EventCategory !== undefined ? { eventCategory: scalar(input.EventCategory) } : {}),
        ...(input.MaxResults !== undefined ? { maxResults: scalar(input.MaxResults) } : {}),
        ...(input.NextToken !== undefined ? { nextToken: 'given' } : {}),
      },
    };
  }
}
