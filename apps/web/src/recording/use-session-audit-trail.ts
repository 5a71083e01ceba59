import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/api-error';
import { auditApi, type AuditRecord } from '../api/audit';
import { queryString } from '../api/client';
import { auditCan } from '../audit/audit-permissions';
import { useAuth } from '../auth/auth-context';

/** Enough pages for any session's markers; the input bursts of a very long session may push past it. */
const PAGE = 1000;
const MAX_PAGES = 5;

export const NO_AUDIT_RIGHTS = 'No markers: joins, take-overs, pauses and the terminate come from the audit trail, which only admins and auditors may read.';

export interface AuditTrailState {
  records: AuditRecord[] | null;
  /** why there are no markers, or that some are missing */
  note: string | null;
}

/**
 * The session's audit records for the player's markers (GET /api/audit?sessionId=, admin and
 * auditor only): a user without audit rights is not asked for, and told why. `generation` refetches
 * (the live rewind reloads newer output, and newer events with it).
 */
export function useSessionAuditTrail(sessionId: string | undefined, generation = 0): AuditTrailState {
  const { token, me } = useAuth();
  const allowed = auditCan.readAudit(me);
  const [state, setState] = useState<AuditTrailState>({ records: null, note: null });

  useEffect(() => {
    if (!sessionId) return;
    if (!allowed) {
      setState({ records: null, note: NO_AUDIT_RIGHTS });
      return;
    }
    const controller = new AbortController();
    void (async () => {
      const records: AuditRecord[] = [];
      let nextToken: string | undefined;
      try {
        for (let page = 0; page < MAX_PAGES; page++) {
          const answer = await auditApi.records(token, queryString({ sessionId, limit: PAGE, nextToken }), controller.signal);
          records.push(...answer.items);
          nextToken = answer.nextToken;
          if (!nextToken) break;
        }
        if (controller.signal.aborted) return;
        setState({ records, note: nextToken ? 'This session has more audit records than the player reads: the oldest markers may be missing.' : null });
      } catch (e) {
        if (controller.signal.aborted) return;
        const forbidden = e instanceof ApiError && e.status === 403;
        setState({ records: null, note: forbidden ? NO_AUDIT_RIGHTS : `No markers: the audit trail could not be read (${errorMessage(e)}).` });
      }
    })();
    return () => controller.abort();
  }, [sessionId, token, allowed, generation]);

  return state;
}
