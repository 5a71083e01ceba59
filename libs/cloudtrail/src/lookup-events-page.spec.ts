import type { AuditView } from '@vigil/audit';
import { RESOURCE_TYPE_BATCH, RESOURCE_TYPE_SCAN_BUDGET, lookupPage } from './lookup-events-page';
import { memoryStore, record } from './lookup-events.fixtures';

const seqs = (page: { items: AuditView[] }) => page.items.map((r) => r.seq);

describe('lookupPage', () => {
  it('without ResourceType: one store read of MaxResults, the store’s cursor passed through', async () => {
    const store = memoryStore(Array.from({ length: 7 }, (_, i) => record(i + 1)));
    const first = await lookupPage(store, { filter: { eventName: 'TerminateSession' }, maxResults: 3 });
    expect({ seqs: seqs(first), next: first.nextBeforeSeq }).toEqual({ seqs: [7, 6, 5], next: 5 });
    const last = await lookupPage(store, { filter: { eventName: 'TerminateSession' }, maxResults: 3 }, 2);
    expect({ seqs: seqs(last), next: last.nextBeforeSeq }).toEqual({ seqs: [1], next: undefined });
    expect(store.reads).toEqual([
      { eventName: 'TerminateSession', limit: 3 },
      { eventName: 'TerminateSession', limit: 3, beforeSeq: 2 },
    ]);
  });

  it('with ResourceType: records matched here, pages chained by the last record looked at: none skipped, none repeated', async () => {
    // every third record is about a Target; the others about a Session
    const all = Array.from({ length: 1400 }, (_, i) =>
      record(i + 1, { resources: [{ type: i % 3 === 0 ? 'Target' : 'Session', name: `n${i + 1}`, ARN: `arn:${i + 1}` }] }),
    );
    const store = memoryStore(all);
    const wanted = all.filter((r) => r.resources![0].type === 'Target').map((r) => r.seq).sort((a, b) => b - a);
    const seen: number[] = [];
    let cursor: number | undefined;
    let pages = 0;
    do {
      const page = await lookupPage(store, { filter: {}, resourceType: 'Target', maxResults: 50 }, cursor);
      expect(page.items.length).toBeLessThanOrEqual(50);
      seen.push(...seqs(page));
      cursor = page.nextBeforeSeq;
      pages++;
    } while (cursor !== undefined && pages < 100);
    expect(seen).toEqual(wanted);
    expect(pages).toBe(Math.ceil(wanted.length / 50));
    expect(store.reads.every((f) => f.limit === RESOURCE_TYPE_BATCH)).toBe(true);
  });

  it('with ResourceType and nothing matching: the scan budget bounds a call, its NextToken resumes the scan', async () => {
    const store = memoryStore(Array.from({ length: RESOURCE_TYPE_SCAN_BUDGET * 2 + 10 }, (_, i) => record(i + 1)));
    const first = await lookupPage(store, { filter: {}, resourceType: 'Target', maxResults: 50 });
    expect(first.items).toEqual([]);
    expect(store.reads).toHaveLength(RESOURCE_TYPE_SCAN_BUDGET / RESOURCE_TYPE_BATCH);
    expect(first.nextBeforeSeq).toBe(RESOURCE_TYPE_SCAN_BUDGET + 11);
    const second = await lookupPage(store, { filter: {}, resourceType: 'Target', maxResults: 50 }, first.nextBeforeSeq);
    const third = await lookupPage(store, { filter: {}, resourceType: 'Target', maxResults: 50 }, second.nextBeforeSeq);
    expect({ second: second.nextBeforeSeq, third: third.nextBeforeSeq, items: third.items }).toEqual({ second: 11, third: undefined, items: [] });
  });

  it('with ResourceType: a page that fills exactly on the store’s last record says there is no more', async () => {
    const store = memoryStore([record(1, { resources: [{ type: 'Target', name: 'a', ARN: 'x' }] }), record(2)]);
    const page = await lookupPage(store, { filter: {}, resourceType: 'Target', maxResults: 1 });
    expect({ seqs: seqs(page), next: page.nextBeforeSeq }).toEqual({ seqs: [1], next: undefined });
    const filled = await lookupPage(memoryStore([record(1), record(2, { resources: [{ type: 'Target', name: 'a', ARN: 'x' }] })]), { filter: {}, resourceType: 'Target', maxResults: 1 });
    expect({ seqs: seqs(filled), next: filled.nextBeforeSeq }).toEqual({ seqs: [2], next: 2 });
  });
});
