import { AuditView, cloudTrailRecord } from '@vigil/audit';

/** One element of LookupEvents' `Events`, in CloudTrail's shape. */
export interface CloudTrailLookupEvent {
  EventId: string;
  EventName: string;
  /** CloudTrail answers a string here, not a boolean */
  ReadOnly: 'true' | 'false';
  AccessKeyId?: string;
  /** epoch seconds (an awsJson timestamp) */
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType: string; ResourceName: string }[];
  /** the whole record as JSON text, as CloudTrail stores it: without Vigil's chain fields */
  CloudTrailEvent: string;
}

/** An audit record as LookupEvents returns it. Pure. */
export function toLookupEvent(view: AuditView): CloudTrailLookupEvent {
  const identity = view.userIdentity;
  return {
    EventId: view.eventID,
    EventName: view.eventName,
    ReadOnly: view.readOnly ? 'true' : 'false',
    ...(identity.accessKeyId ? { AccessKeyId: identity.accessKeyId } : {}),
    EventTime: Date.parse(view.eventTime) / 1000,
    EventSource: view.eventSource,
    ...(identity.userName ? { Username: identity.userName } : {}),
    Resources: (view.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: JSON.stringify(cloudTrailRecord(view)),
  };
}
