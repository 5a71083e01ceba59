import { createHash } from 'node:crypto';
import { SSM_SOURCE, VIGIL_ACCOUNT, VIGIL_REGION } from '@vigil/common';
import { type AuditView, cloudTrailRecord } from '@vigil/audit';

/** An event as EventBridge delivers it; what patterns match and webhooks receive. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** An envelope with where it sits in the audit chain: the order deliveries keep. */
export interface SequencedEnvelope {
  envelope: EventEnvelope;
  auditSeq: number;
  /** the envelope's index among those of one record (0: the API call) */
  subSeq: number;
  /** deliveries of one key reach a target in order: the session, or '' */
  orderKey: string;
}

export const API_CALL = 'AWS API Call via CloudTrail';
export const SESSION_STATE_CHANGE = 'Vigil Session State Change';
export const SHADOWING = 'Vigil Shadowing';

const SESSION_STATES: Record<string, 'started' | 'ended' | 'terminated'> = {
  'session.start': 'started',
  'session.end': 'ended',
  'session.terminate': 'terminated',
};

const LIVE_ACTIONS = new Set(['viewer.join', 'viewer.leave', 'control.take', 'control.handback', 'user.pause', 'user.resume', 'viewer.input', 'control.request', 'control.grant', 'control.deny', 'user.message']);

/**
 * The envelopes of one chained audit record: the CloudTrail call itself, plus Vigil's own
 * events for session state changes and shadowing. Pure: the same record always gives the same
 * envelopes, ids included, so a redelivery (or a hook re-run) carries the same `id`.
 */
export function envelopesOf(record: AuditView): SequencedEnvelope[] {
  const time = eventBridgeTime(record.eventTime);
  const resources = (record.resources ?? []).map((r) => r.ARN);
  const orderKey = record.sessionId ?? '';
  const make = (detailType: string, source: string, detail: Record<string, unknown>, subSeq: number): SequencedEnvelope => ({
    envelope: {
      version: '0',
      id: envelopeId(record.eventID, detailType),
      'detail-type': detailType,
      source,
      account: VIGIL_ACCOUNT,
      time,
      region: VIGIL_REGION,
      resources,
      detail,
    },
    auditSeq: record.seq,
    subSeq,
    orderKey,
  });

  const out = [make(API_CALL, apiCallSource(record), cloudTrailRecord(record) as unknown as Record<string, unknown>, 0)];
  const state = SESSION_STATES[record.action];
  if (state && record.sessionId) out.push(make(SESSION_STATE_CHANGE, 'vigil', sessionStateDetail(record, state), 1));
  if (LIVE_ACTIONS.has(record.action) && record.sessionId) out.push(make(SHADOWING, 'vigil', shadowingDetail(record), 1));
  return out;
}

/**
 * Sessions through any door are SSM's (API.md: `aws.ssm` for StartSession/TerminateSession,
 * whichever door); other AWS services `aws.<service>`; Vigil's own services keep their source.
 */
export function apiCallSource(record: Pick<AuditView, 'eventSource' | 'action'>): string {
  if (record.eventSource === SSM_SOURCE || record.action in SESSION_STATES) return 'aws.ssm';
  const aws = /^([a-z0-9-]+)\.amazonaws\.com$/.exec(record.eventSource);
  return aws ? `aws.${aws[1]}` : record.eventSource;
}

/** A UUID (version 5 layout) from sha256(eventID, detail-type): stable across redeliveries and gateways. */
export function envelopeId(eventId: string, detailType: string): string {
  const bytes = createHash('sha256').update(`${eventId}\n${detailType}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** EventBridge writes `time` to the second, `2026-12-01T09:12:44Z`. */
function eventBridgeTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/** The session fields, wherever the record's writer put them (request parameters or response). */
function sessionFields(record: AuditView): Record<string, unknown> {
  const sources = [record.responseElements, record.requestParameters];
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const nested of [source.session, source]) {
      if (!nested || typeof nested !== 'object' || Array.isArray(nested)) continue;
      for (const [key, value] of Object.entries(nested as Record<string, unknown>)) {
        if (merged[key] === undefined && value !== undefined && value !== null && typeof value !== 'object') merged[key] = value;
      }
    }
  }
  return merged;
}

function sessionStateDetail(record: AuditView, state: 'started' | 'ended' | 'terminated'): Record<string, unknown> {
  const f = sessionFields(record);
  const text = (...keys: string[]): string | undefined => {
    for (const key of keys) if (typeof f[key] === 'string' && f[key] !== '') return f[key] as string;
    return undefined;
  };
  const target = text('target', 'targetName');
  const reason = text('reason', 'endReason');
  const message = state === 'started' ? undefined : text('message');
  const endedBy = state === 'terminated' ? (text('endedBy') ?? (record.userIdentity.type === 'VigilUser' ? record.userIdentity.userName : undefined)) : undefined;
  return {
    sessionId: record.sessionId,
    state,
    type: text('type') ?? null,
    user: text('user') ?? null,
    owner: text('owner') ?? null,
    device: text('device') ?? null,
    client: text('client') ?? null,
    ...(target ? { target } : {}),
    ...(reason ? { reason } : state === 'terminated' ? { reason: 'terminated' } : {}),
    ...(endedBy ? { endedBy } : {}),
    ...(message ? { message } : {}),
  };
}

function shadowingDetail(record: AuditView): Record<string, unknown> {
  const mode = record.requestParameters?.mode;
  return {
    sessionId: record.sessionId,
    action: record.eventName,
    viewer: record.userIdentity.userName ?? record.actor,
    ...(typeof mode === 'string' ? { mode } : {}),
  };
}
