import { DescribeSessionsCommand, SSMClient, Session } from '@aws-sdk/client-ssm';
import { AwsSession, fromSdkSession } from './aws-session';

/** The port the poller reads SSM through (an SDK client in production, a fake in specs). */
export interface SessionLister {
  /** Every session in `state`, following NextToken to the end; History from `startedFrom` (epoch ms) when given. */
  list(state: 'Active' | 'History', startedFrom?: number): Promise<ListResult>;
  close(): void;
}

export interface ListResult {
  sessions: AwsSession[];
  /** sessions that could not be imported (no id, no start date) */
  rejected: number;
}

export interface Page {
  sessions: Session[];
  nextToken?: string;
}

/** 200 per page (SSM's maximum) × this = the most one listing reads: a bound against an endpoint that never stops. */
export const MAX_PAGES = 5000;

export class EndlessListingError extends Error {}

/**
 * Follows NextToken to the last page. A token repeated on consecutive pages (the AWS CLI's
 * paginator refuses those too) or more than MAX_PAGES pages end the listing with an error rather
 * than a loop: the endpoint is remote input.
 */
export async function collectPages(fetchPage: (token?: string) => Promise<Page>, maxPages = MAX_PAGES): Promise<ListResult> {
  const sessions = new Map<string, AwsSession>();
  let rejected = 0;
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw new EndlessListingError(`more than ${maxPages} pages: stopped`);
    const answer = await fetchPage(token);
    for (const raw of answer.sessions) {
      const session = fromSdkSession(raw);
      if (session) sessions.set(session.id, session);
      else rejected++;
    }
    if (!answer.nextToken) return { sessions: [...sessions.values()], rejected };
    if (answer.nextToken === token) throw new EndlessListingError('the endpoint repeated its NextToken: stopped');
    token = answer.nextToken;
  }
}

/** DescribeSessions through @aws-sdk/client-ssm. */
export class SdkSessionLister implements SessionLister {
  constructor(private readonly client: SSMClient) {}

  list(state: 'Active' | 'History', startedFrom?: number): Promise<ListResult> {
    const filters = startedFrom === undefined ? undefined : [{ key: 'InvokedAfter' as const, value: new Date(Math.max(0, startedFrom)).toISOString() }];
    return collectPages(async (token) => {
      const answer = await this.client.send(new DescribeSessionsCommand({ State: state, MaxResults: 200, NextToken: token, Filters: filters }));
      return { sessions: answer.Sessions ?? [], nextToken: answer.NextToken };
    });
  }

  close(): void {
    this.client.destroy();
  }
}

export interface SourceConnection {
  region: string;
  endpoint: string | null;
  /** null = the AWS SDK's standard provider chain (environment, profiles, web identity, instance roles) */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

/**
 * An SDK client for a source. The SDK retries a throttled or failed call a few times itself
 * (standard mode, its own jittered backoff); when it gives up the poll fails and the poller's
 * Backoff decides when to try again. Timeouts keep a silent endpoint from holding a poll forever.
 */
export function sdkLister(connection: SourceConnection): SessionLister {
  return new SdkSessionLister(
    new SSMClient({
      region: connection.region,
      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      ...(connection.credentials ? { credentials: connection.credentials } : {}),
      maxAttempts: 3,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    }),
  );
}
