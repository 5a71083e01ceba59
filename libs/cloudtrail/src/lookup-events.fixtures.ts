import type { AuditFilter, AuditView } from '@vigil/audit';
import type { AuditReader } from './lookup-events-page';

/* Test doubles for the specs of this lib (not exported from index.ts). */

/** An in-memory audit store: seq 1..n, newest first, filtered by eventName, keyset by beforeSeq; counts its reads. */
export function memoryStore(records: AuditView[]): AuditReader & { reads: AuditFilter[] } {
  const reads: AuditFilter[] = [];
  const read = async (filter: AuditFilter) => {
    reads.push(filter);
    const matching = records
      .filter((r) => (filter.beforeSeq === undefined || r.seq < filter.beforeSeq) && (!filter.eventName || r.eventName === filter.eventName))
      .sort((a, b) => b.seq - a.seq);
    const items = matching.slice(0, filter.limit);
    return matching.length > filter.limit ? { items, nextBeforeSeq: items[items.length - 1].seq } : { items };
  };
  return Object.assign(read, { reads });
}

export function record(seq: number, overrides: Partial<AuditView> = {}): AuditView {
  return {
    eventVersion: '1.08',
    eventID: `0190f0aa-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    eventTime: new Date(1_733_000_000_000 + seq * 1000).toISOString(),
    eventSource: 'vigil.sessions',
    eventName: 'TerminateSession',
    eventType: 'AwsApiCall',
    awsRegion: 'vigil',
    userIdentity: { type: 'VigilUser', userName: 'admin', principalId: 'user:admin' },
    sourceIPAddress: '127.0.0.1',
    userAgent: 'aws-cli',
    requestParameters: null,
    responseElements: null,
    readOnly: false,
    requestID: `req-${seq}`,
    managementEvent: true,
    recipientAccountId: '000000000000',
    seq,
    hash: `h${seq}`,
    action: 'session.terminate',
    actor: 'user:admin',
    ...overrides,
  };
}
