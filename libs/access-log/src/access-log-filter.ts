import type { SessionStatus, SessionType } from '@vigil/common';

/** What an access-log search may constrain. `ownerScope` is the caller's visibility, not a filter they chose. */
export interface AccessLogFilter {
  ownerScope: string | null;
  user?: string;
  owner?: string;
  type?: SessionType;
  /** the client server (target host) the session reached */
  target?: string;
  /** sessions active at some point in [from, to] (epoch ms) */
  from?: number;
  to?: number;
  /** case-insensitive substring of user, device, client, account, service URL, provider, owner, ids */
  q?: string;
  sessionId?: string;
  // the SSM-compatible API's filters (libs/ssm)
  status?: SessionStatus;
  /** started at or after (epoch ms) */
  startedFrom?: number;
  /** started before (epoch ms) */
  startedBefore?: number;
}
