import {
  AUDIT_VOCABULARY,
  CloudTrailBody,
  VIGIL_ACCOUNT,
  VIGIL_REGION,
  isAuditAction,
  resourceArn,
  userIdentityOf,
} from '@vigil/common';

/** A chained audit record as served: CloudTrail's fields, plus where it sits in Vigil's chain. */
export interface AuditView extends CloudTrailBody {
  eventTime: string;
  /** Vigil extensions: the chain position and hash, the internal action and actor */
  seq: number;
  hash: string;
  action: string;
  actor: string;
}

/** The columns a stored record is read from (audit_events). */
export interface StoredAuditRecord {
  seq: number;
  at: number;
  actor: string;
  action: string;
  sessionId: string | null;
  detail: string;
  hash: string;
}

/** The columns derived from a record's body, for indexed filters; the verifier recomputes them. */
export interface DerivedColumns {
  eventId: string | null;
  eventName: string | null;
  eventSource: string | null;
  userName: string | null;
  sourceIp: string | null;
  errorCode: string | null;
  readOnly: boolean | null;
}

export function toAuditView(row: StoredAuditRecord): AuditView {
  const parsed = JSON.parse(row.detail) as Record<string, unknown>;
  const body = parsed.eventVersion === '1.08' ? (parsed as unknown as CloudTrailBody) : legacyBody(row, parsed);
  return auditViewOfBody(row, body);
}

/**
 * toAuditView for a record whose body is still the object its detail was serialised from
 * (toCloudTrailBody builds it of JSON values only, so it equals what parsing the detail gives):
 * the chainer places records this way without parsing back what was just stringified.
 */
export function auditViewOfBody(row: Omit<StoredAuditRecord, 'detail'>, body: CloudTrailBody): AuditView {
  return { ...body, eventTime: new Date(row.at).toISOString(), seq: row.seq, hash: row.hash, action: row.action, actor: row.actor };
}

export function derivedColumns(view: CloudTrailBody): DerivedColumns {
  const legacy = view.eventID.startsWith('legacy-');
  return {
    eventId: legacy ? null : view.eventID,
    eventName: view.eventName,
    eventSource: view.eventSource,
    userName: view.userIdentity.type === 'VigilUser' ? (view.userIdentity.userName ?? null) : null,
    sourceIp: legacy ? null : view.sourceIPAddress.slice(0, 64),
    errorCode: legacy ? null : (view.errorCode ?? null),
    readOnly: view.readOnly,
  };
}

/** The record as CloudTrail would serve it: no Vigil chain fields (LookupEvents' CloudTrailEvent, event envelopes). */
export function cloudTrailRecord(view: AuditView): Omit<AuditView, 'seq' | 'hash' | 'action' | 'actor'> {
  const { seq: _seq, hash: _hash, action: _action, actor: _actor, ...record } = view;
  return record;
}

/**
 * Records written before v0.5 kept `{...detail, sourceIp?, requestId?, errorCode?}`: their hash covers
 * that text, so it stays as it was and is read into the CloudTrail shape here.
 */
function legacyBody(row: StoredAuditRecord, detail: Record<string, unknown>): CloudTrailBody {
  const kind = isAuditAction(row.action) ? AUDIT_VOCABULARY[row.action] : { eventSource: 'vigil', eventName: row.action, readOnly: false };
  const text = (key: string): string | undefined => (typeof detail[key] === 'string' ? (detail[key] as string) : undefined);
  const errorCode = text('errorCode');
  return {
    eventVersion: '1.08',
    eventID: `legacy-${row.seq}`,
    eventSource: kind.eventSource,
    eventName: kind.eventName,
    eventType: 'AwsApiCall',
    awsRegion: VIGIL_REGION,
    userIdentity: userIdentityOf(row.actor, text('accessKeyId')),
    sourceIPAddress: text('sourceIp') ?? 'vigil.internal',
    userAgent: text('userAgent') ?? 'vigil',
    requestParameters: detail,
    responseElements: null,
    ...(errorCode ? { errorCode, errorMessage: text('errorMessage') ?? errorCode } : {}),
    readOnly: kind.readOnly,
    requestID: text('requestId') ?? `legacy-${row.seq}`,
    managementEvent: true,
    recipientAccountId: VIGIL_ACCOUNT,
    ...(row.sessionId ? { sessionId: row.sessionId, resources: [{ type: 'Session', name: row.sessionId, ARN: resourceArn('Session', row.sessionId) }] } : {}),
  };
}
