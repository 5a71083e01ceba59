import type { AccessLogView, SessionView } from '@vigil/common';
import { ownerArn } from './owner-arn';

/** A Session as SSM's DescribeSessions answers it. Optional members are omitted, never null or "". */
export interface SsmSession {
  SessionId: string;
  Target: string;
  Status: string;
  /** epoch seconds (a JSON number: the JS SDK refuses strings) */
  StartDate: number;
  EndDate?: number;
  DocumentName: string;
  Owner: string;
  Reason?: string;
  Details: string;
  OutputUrl: { S3OutputUrl?: string; CloudWatchOutputUrl?: string };
  AccessType: 'Standard';
}

export interface SessionContext {
  /** the session is carried by one of Vigil's jumps (its target is the service provider) */
  viaJump: boolean;
  /** `http(s)://host:port` the caller used, for absolute recording URLs */
  origin: string;
}

const MAX_DETAILS = 1024;
const MAX_REASON = 256;

/**
 * Vigil's sessions in SSM's words (docs/API.md, "SSM-compatible API", has the table):
 * Target is the jump target for jump sessions and the client server otherwise; DocumentName is
 * `Vigil-<type>`; Owner an ARN-like `arn:vigil:iam::vigil:user/<owner>`; Reason the words given
 * when it was terminated (Vigil records no reason for connecting); Details a JSON string of
 * type, user, device, account and service provider; OutputUrl.S3OutputUrl the recording (live
 * DVR for an open jump session, the sealed recording in History), `{}` without one; AccessType
 * always Standard (Vigil has no just-in-time access); MaxSessionDuration omitted (no maximum).
 */
export function toSsmSession(session: SessionView | AccessLogView, context: SessionContext): SsmSession {
  const ended = 'endDate' in session;
  const recording = ended ? session.recordingUrl : context.viaJump ? `/api/sessions/${session.id}/recording` : null;
  const reason = ended && session.endMessage ? session.endMessage.replace(/[\r\n]+/g, ' ').slice(0, MAX_REASON) : '';
  return {
    SessionId: session.id,
    Target: context.viaJump && session.serviceProvider ? session.serviceProvider : session.client,
    Status: session.status,
    StartDate: epochSeconds(session.startDate),
    ...(ended ? { EndDate: epochSeconds(session.endDate) } : {}),
    DocumentName: `Vigil-${session.type}`,
    Owner: ownerArn(session.owner),
    ...(reason ? { Reason: reason } : {}),
    Details: details(session),
    OutputUrl: recording ? { S3OutputUrl: `${context.origin}${recording}` } : {},
    AccessType: 'Standard',
  };
}

const epochSeconds = (iso: string) => Date.parse(iso) / 1000;

function details(session: SessionView | AccessLogView): string {
  // Each attribute is at most 256 characters; cut to 180 the whole stays under 1,024 unless
  // escaping inflates it, then shorter cuts.
  for (const limit of [180, 60, 16]) {
    const cut = (value: string | null) => (value === null ? undefined : value.slice(0, limit));
    const json = JSON.stringify({
      type: session.type,
      user: cut(session.user),
      device: cut(session.device),
      accountName: cut(session.accountName),
      serviceProvider: cut(session.serviceProvider),
    });
    if (json.length <= MAX_DETAILS) return json;
  }
  return JSON.stringify({ type: session.type });
}
