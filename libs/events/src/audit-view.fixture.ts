import type { AuditView } from '@vigil/audit';
import { AuditEntry, toCloudTrailBody } from '@vigil/common';

/** A chained record as the chainer hands it to hooks, for unit specs (not a spec itself). */
export function chainedRecord(entry: AuditEntry, seq: number, eventId = `0193a8c2-5b1e-7c4d-9e0f-${String(seq).padStart(12, '0')}`, at = Date.UTC(2026, 11, 1, 9, 12, 44, 120)): AuditView {
  return { ...toCloudTrailBody(entry, eventId), eventTime: new Date(at).toISOString(), seq, hash: 'f'.repeat(64), action: entry.action, actor: entry.actor };
}
