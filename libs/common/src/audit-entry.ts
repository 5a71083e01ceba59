import { AUDIT_VOCABULARY, AuditAction } from './audit-vocabulary';
import { hideSecrets } from './hidden-values';

/** Where a call came from, as the edge that received it saw it. */
export interface AuditContext {
  sourceIp?: string;
  userAgent?: string;
  /** the request's id (HTTP `x-request-id`, AWS `x-amzn-RequestId`, a socket event's id) */
  requestId?: string;
  /** the access key that signed an AWS-shaped call */
  accessKeyId?: string;
  /** overrides the vocabulary's eventSource (e.g. a terminate that came through the SSM API) */
  eventSource?: string;
}

/**
 * One audit record as its writer describes it. `actor` is `user:<name>`, `agent:<id>`,
 * `ip:<address>` (someone not signed in) or `system`. Secrets never need to be left out by the
 * caller: hideSecrets() replaces them before anything is stored.
 */
export interface AuditEntry {
  action: AuditAction;
  actor: string;
  sessionId?: string | null;
  context?: AuditContext;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  /** set for refusals and failures */
  errorCode?: string;
  errorMessage?: string;
  /** what the call was about (`{type: 'Target', name: 'db-01'}`), for CloudTrail's `resources` */
  resources?: { type: string; name: string }[];
}

export interface AuditUserIdentity {
  /** `VigilUser`, `VigilAgent`, `Anonymous` or `Vigil` (the gateway itself) */
  type: string;
  userName?: string;
  principalId?: string;
  accessKeyId?: string;
}

/**
 * What is stored, hashed and served: a CloudTrail record (eventVersion 1.08 fields), minus the
 * time and sequence the chain adds.
 */
export interface CloudTrailBody {
  eventVersion: '1.08';
  eventID: string;
  eventSource: string;
  eventName: string;
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn';
  awsRegion: string;
  userIdentity: AuditUserIdentity;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
  requestID: string;
  managementEvent: true;
  recipientAccountId: string;
  resources?: { type: string; ARN: string; name: string }[];
  /** Vigil's session id when the record is about one */
  sessionId?: string;
}

/** The region and account Vigil's records claim: not AWS's, and recognisably so. */
export const VIGIL_REGION = 'vigil';
export const VIGIL_ACCOUNT = '000000000000';

export function userIdentityOf(actor: string, accessKeyId?: string): AuditUserIdentity {
  const colon = actor.indexOf(':');
  const kindName = colon < 0 ? actor : actor.slice(0, colon);
  const name = colon < 0 ? '' : actor.slice(colon + 1);
  const withKey = accessKeyId ? { accessKeyId } : {};
  switch (kindName) {
    case 'user':
      return { type: 'VigilUser', userName: name, principalId: actor, ...withKey };
    case 'agent':
      return { type: 'VigilAgent', userName: `agent:${name}`, principalId: actor, ...withKey };
    case 'ip':
      return { type: 'Anonymous', principalId: actor };
    default:
      return { type: 'Vigil', userName: 'vigil', principalId: actor };
  }
}

export function resourceArn(type: string, name: string): string {
  return `arn:vigil:${type.toLowerCase()}:${VIGIL_REGION}:${VIGIL_ACCOUNT}:${name}`;
}

/** Builds the stored body of an entry; `eventId` is the outbox row's id (uuid v7). */
export function toCloudTrailBody(entry: AuditEntry, eventId: string): CloudTrailBody {
  const kind = AUDIT_VOCABULARY[entry.action];
  const ctx = entry.context ?? {};
  const failed = entry.errorCode !== undefined;
  const signIn = kind.eventType === 'AwsConsoleSignIn';
  const resources = [...(entry.resources ?? [])];
  if (entry.sessionId && !resources.some((r) => r.type === 'Session')) resources.push({ type: 'Session', name: entry.sessionId });
  return {
    eventVersion: '1.08',
    eventID: eventId,
    eventSource: ctx.eventSource ?? kind.eventSource,
    eventName: kind.eventName,
    eventType: signIn ? 'AwsConsoleSignIn' : 'AwsApiCall',
    awsRegion: VIGIL_REGION,
    userIdentity: userIdentityOf(entry.actor, ctx.accessKeyId),
    sourceIPAddress: ctx.sourceIp ?? 'vigil.internal',
    userAgent: (ctx.userAgent ?? 'vigil').slice(0, 256),
    requestParameters: (hideSecrets(entry.requestParameters ?? null) as Record<string, unknown> | null) ?? null,
    responseElements: signIn
      ? // CloudTrail's sign-in outcome, after what Vigil adds (a failure's lock-outs)
        { ...((hideSecrets(entry.responseElements ?? null) as Record<string, unknown> | null) ?? {}), ConsoleLogin: failed ? 'Failure' : 'Success' }
      : ((hideSecrets(entry.responseElements ?? null) as Record<string, unknown> | null) ?? null),
    ...(failed ? { errorCode: entry.errorCode!.slice(0, 128), errorMessage: (entry.errorMessage ?? entry.errorCode!).slice(0, 512) } : {}),
    readOnly: kind.readOnly,
    requestID: ctx.requestId ?? eventId,
    managementEvent: true,
    recipientAccountId: VIGIL_ACCOUNT,
    ...(resources.length > 0 ? { resources: resources.map((r) => ({ type: r.type, name: r.name, ARN: resourceArn(r.type, r.name) })) } : {}),
    ...(entry.sessionId ? { sessionId: entry.sessionId } : {}),
  };
}
