import type { SessionStatus, SessionType } from '@vigil/common';
import type { MatchMode } from './access-log-match';

/** What an access-log search may constrain. `ownerScope` is the caller's visibility, not a filter they chose. */
export interface AccessLogFilter {
  ownerScope: string | null;
  user?: string;
  /** how `user` matches (default exact) */
  userMatch?: MatchMode;
  owner?: string;
  type?: SessionType;
  /** the client server (target host) the session reached */
  target?: string;
  /** how `target` matches (default exact) */
  targetMatch?: MatchMode;
  /** only entries with a recording (complete or not) */
  hasRecording?: boolean;
  /** sessions active at some point in [from, to] (epoch ms) */
  from?: number;
  to?: number;
  /** case-insensitive substring of user, device, client, account, service URL, provider, owner, ids, end reason, ended by, end message */
  q?: string;
  sessionId?: string;
  // the SSM-compatible API's filters (libs/ssm)
  status?: SessionStatus;
  /** started at or after (epoch ms) */
  startedFrom?: number;
  /** started before (epoch ms) */
  startedBefore?: number;
}
