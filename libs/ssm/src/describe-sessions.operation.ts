import { Injectable } from '@nestjs/common';
import { AccessLogService } from '@vigil/access-log';
import { AgentsService, seesAllSessions } from '@vigil/auth';
import { AwsCall, AwsJsonOperation } from '@vigil/aws-protocol';
import { Clock, InvalidPageTokenError } from '@vigil/common';
import { SessionDirectory } from '@vigil/sessions';
import { DescribeSessionsQuery, parseDescribeSessions } from './describe-sessions-request';
import { JumpAgents } from './jump-agents';
import { NextTokenCodec } from './next-token';
import { SsmErrors } from './ssm-errors';
import { SsmSession, toSsmSession } from './ssm-session';

/**
 * DescribeSessions: `Active` = the open sessions (SessionDirectory), `History` = the access log
 * over its whole retention (not only AWS's 30 days), newest first, with the HTTP API's owner
 * scoping: admins and auditors see every session, anyone else only those they own.
 */
@Injectable()
export class DescribeSessionsOperation implements AwsJsonOperation {
  private readonly jumps: JumpAgents;

  constructor(
    private readonly directory: SessionDirectory,
    private readonly accessLog: AccessLogService,
    private readonly tokens: NextTokenCodec,
    agents: AgentsService,
    clock: Clock,
  ) {
    this.jumps = new JumpAgents(clock, () => agents.jumpServerIds());
  }

  async handle(input: Record<string, unknown>, call: AwsCall): Promise<object> {
    const query = parseDescribeSessions(input);
    const binding = { state: query.state, query: query.filters, userId: call.user.id };
    const cursor = query.nextToken === undefined ? undefined : this.tokens.decode(query.nextToken, binding);
    if (cursor === null) throw SsmErrors.invalidNextToken();
    // Vigil has no just-in-time access: every session is Standard.
    if (query.filters.accessType === 'JustInTime') return { Sessions: [] };

    let page: { sessions: SsmSession[]; cursor?: string };
    try {
      page = await this.page(query, seesAllSessions(call.user) ? null : call.user.username, cursor, call.origin);
    } catch (error) {
      if (error instanceof InvalidPageTokenError) throw SsmErrors.invalidNextToken();
      throw error;
    }
    return { Sessions: page.sessions, ...(page.cursor ? { NextToken: this.tokens.encode({ ...binding, cursor: page.cursor }) } : {}) };
  }

  describe(input: Record<string, unknown>) {
    const filters = Array.isArray(input.Filters)
      ? input.Filters.slice(0, 7).map((f: { key?: unknown; value?: unknown }) => ({ key: String(f?.key).slice(0, 32), value: String(f?.value).slice(0, 100) }))
      : undefined;
    return {
      parameters: {
        state: typeof input.State === 'string' ? input.State.slice(0, 32) : input.State ?? null,
        ...(input.MaxResults !== undefined ? { maxResults: input.MaxResults } : {}),
        ...(filters ? { filters } : {}),
        ...(input.NextToken !== undefined ? { nextToken: 'given' } : {}),
      },
    };
  }

  private async page(query: DescribeSessionsQuery, ownerScope: string | null, cursor: string | undefined, origin: string) {
    const { filters, maxResults } = query;
    const jumps = await this.jumps.get();
    const context = (agentId: string) => ({ viaJump: jumps.has(agentId), origin });
    if (query.state === 'Active') {
      const { items, nextToken } = await this.directory.list(
        {
          ownerScope,
          owner: filters.owner,
          status: filters.status,
          id: filters.sessionId,
          target: filters.target,
          startedFrom: filters.startedFrom,
          startedBefore: filters.startedBefore,
        },
        maxResults,
        cursor,
      );
      return { sessions: items.map((s) => toSsmSession(s, context(s.agentId))), cursor: nextToken };
    }
    const { items, nextToken } = await this.accessLog.query(
      {
        ownerScope,
        owner: filters.owner,
        status: filters.status,
        sessionId: filters.sessionId,
        target: filters.target,
        startedFrom: filters.startedFrom,
        startedBefore: filters.startedBefore,
      },
      maxResults,
      cursor,
    );
    return { sessions: items.map((e) => toSsmSession(e, context(e.agentId))), cursor: nextToken };
  }
}
