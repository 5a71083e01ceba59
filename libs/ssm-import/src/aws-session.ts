import type { Session } from '@aws-sdk/client-ssm';
import { SESSION_STATUSES, SessionStatus } from '@vigil/common';

/**
 * One SSM session as the importer keeps it: what DescribeSessions answered, cleaned. The endpoint
 * is remote input (any URL an admin configured), so nothing it sends is trusted: control
 * characters are dropped and every value is cut to what its column holds.
 */
export interface AwsSession {
  id: string;
  target: string;
  status: string;
  /** epoch ms */
  startDate: number;
  endDate?: number;
  documentName?: string;
  owner?: string;
  reason?: string;
}

/** SSM's SessionId is 1..96 characters; Vigil's externalId column holds 128. */
const MAX_ID = 128;

/** The session, or null when it cannot be imported (no id, no start date). */
export function fromSdkSession(session: Session): AwsSession | null {
  const id = clean(session.SessionId, MAX_ID);
  const start = session.StartDate?.getTime();
  if (!id || id.length !== session.SessionId?.length || start === undefined || !Number.isFinite(start)) return null;
  const end = session.EndDate?.getTime();
  return {
    id,
    target: clean(session.Target, 400) || 'unknown',
    status: clean(session.Status, 16) || 'Connected',
    startDate: start,
    ...(end !== undefined && Number.isFinite(end) ? { endDate: end } : {}),
    ...optional('documentName', clean(session.DocumentName, 128)),
    ...optional('owner', clean(session.Owner, 256)),
    ...optional('reason', clean(session.Reason, 256)),
  };
}

/** What an imported session is registered as (SessionsService.open's input). */
export interface RegistryInput {
  externalId: string;
  type: 'SSM';
  user: string;
  device: string;
  client: string;
  serviceUrl: string;
  accountName?: string;
  serviceProvider: string;
  owner: string;
  startDate: string;
}

export interface SourceRef {
  name: string;
  region: string;
}

/** Agents' clocks and AWS's may differ from ours; the registry refuses starts in the future. */
const clampToNow = (t: number, now: number) => Math.min(t, now);

/**
 * The registry's fields for an SSM session (README, "Import from AWS", has the table):
 * user = the name at the end of the owner's ARN; device and client = the target (instance or
 * managed node); serviceUrl = `ssm://<region>/<target>`; accountName = the AWS account of the
 * owner's ARN; serviceProvider = `aws-ssm:<source>`; owner = the owner's ARN. An owner that is not
 * an ARN becomes `aws-ssm:<source>/<owner>`: an owner must never read as a Vigil username (Vigil
 * usernames hold no ":"), or that Vigil user would see the session. So imported sessions are seen
 * by admins and auditors only.
 */
export function registryInput(session: AwsSession, source: SourceRef, now: number): RegistryInput {
  const arn = session.owner?.startsWith('arn:') ? parseArn(session.owner) : null;
  const target = session.target.slice(0, 256);
  return {
    externalId: session.id,
    type: 'SSM',
    user: (arn?.name ?? session.owner ?? 'unknown').slice(0, 256),
    device: target,
    client: target,
    serviceUrl: `ssm://${source.region}/${encodeURIComponent(session.target)}`.slice(0, 2048),
    ...(arn?.account ? { accountName: arn.account } : {}),
    serviceProvider: `aws-ssm:${source.name}`,
    owner: arn ? session.owner! : `aws-ssm:${source.name}/${session.owner ?? 'unknown'}`.slice(0, 256),
    startDate: new Date(clampToNow(session.startDate, now)).toISOString(),
  };
}

export interface ImportedEnd {
  reason: 'ended' | 'failed';
  /** epoch ms, within [start, now] */
  endDate: number;
  message?: string;
}

/**
 * How a session that is in SSM's History ends in Vigil: `Failed` → reason `failed` (status
 * Failed); any other status (`Terminated`, and whatever else History holds) → `ended` (status
 * Terminated), since SSM does not tell a user's exit from an administrator's termination. The
 * end is AWS's EndDate (now if it gave none), kept between the start and now. AWS's Reason (the
 * words given at StartSession) becomes the entry's message, which Vigil's own SSM API answers
 * as `Reason`.
 */
export function importedEnd(session: AwsSession, registeredStart: number, now: number): ImportedEnd {
  const end = Math.max(registeredStart, Math.min(session.endDate ?? now, now));
  return {
    reason: session.status === 'Failed' ? 'failed' : 'ended',
    endDate: end,
    ...(session.reason ? { message: session.reason } : {}),
  };
}

/** The registry status an Active SSM session should show. */
export function activeStatus(session: AwsSession): SessionStatus {
  return (SESSION_STATUSES as readonly string[]).includes(session.status) ? (session.status as SessionStatus) : 'Connected';
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; the name is the resource's last `/` part. */
export function parseArn(arn: string): { account: string | null; name: string } | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const resource = parts.slice(5).join(':');
  const name = resource.split('/').pop() ?? '';
  return { account: parts[4] || null, name: name || resource };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function clean(value: string | undefined, max: number): string {
  return typeof value === 'string' ? value.replace(CONTROL, '').trim().slice(0, max) : '';
}

function optional<K extends string>(key: K, value: string): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
