import type { AuditFilter, AuditView } from '@vigil/audit';
import type { LookupEventsQuery } from './lookup-events-request';

/** The audit store's query (AuditService.query): newest first, keyset paging by seq. */
export type AuditReader = (filter: AuditFilter) => Promise<{ items: AuditView[]; nextBeforeSeq?: number }>;

export interface LookupPage {
  items: AuditView[];
  /** where the next page starts (records with a smaller seq); absent on the last page */
  nextBeforeSeq?: number;
}

/** Records read per batch, and at most per call, when ResourceType must be matched here. */
export const RESOURCE_TYPE_BATCH = 500;
export const RESOURCE_TYPE_SCAN_BUDGET = 2000;

/**
 * One LookupEvents page. Every attribute but ResourceType is a store filter: one read of
 * `maxResults`. ResourceType is not (the store indexes resource names, not types), so records
 * are read in batches and matched here, up to a scan budget per call; a page may then hold fewer
 * than MaxResults events and still carry a NextToken, as CloudTrail's own pages do. The cursor
 * always names the last record looked at, so no record is skipped or repeated across pages.
 */
export async function lookupPage(read: AuditReader, query: Pick<LookupEventsQuery, 'filter' | 'resourceType' | 'maxResults'>, beforeSeq?: number): Promise<LookupPage> {
  const resourceType = query.resourceType;
  if (resourceType === undefined) return read({ ...query.filter, limit: query.maxResults, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });

  const items: AuditView[] = [];
  let cursor = beforeSeq;
  for (let scanned = 0; scanned < RESOURCE_TYPE_SCAN_BUDGET; ) {
    const batch = await read({ ...query.filter, limit: RESOURCE_TYPE_BATCH, ...(cursor !== undefined ? { beforeSeq: cursor } : {}) });
    for (let i = 0; i < batch.items.length; i++) {
      const record = batch.items[i];
      if (!(record.resources ?? []).some((r) => r.type === resourceType)) continue;
      items.push(record);
      if (items.length === query.maxResults) {
        const more = i < batch.items.length - 1 || batch.nextBeforeSeq !== undefined;
        return more ? { items, nextBeforeSeq: record.seq } : { items };
      }
    }
    if (batch.nextBeforeSeq === undefined || batch.items.length === 0) return { items };
    cursor = batch.nextBeforeSeq;
    scanned += batch.items.length;
  }
  return { items, nextBeforeSeq: cursor };
}
