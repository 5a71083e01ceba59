import type { CloudTrailBody } from '@vigil/common';
import { RecentAuditBodies } from './recent-audit-bodies';

const body = (n: number) => ({ eventVersion: '1.08', eventID: `id-${n}` }) as unknown as CloudTrailBody;

describe('RecentAuditBodies', () => {
  it('gives a body back once, and only with the detail it was serialised to', () => {
    const bodies = new RecentAuditBodies();
    bodies.remember('a', JSON.stringify(body(1)), body(1));
    bodies.remember('b', JSON.stringify(body(2)), body(2));
    expect(bodies.take('a', JSON.stringify(body(1)))).toEqual(body(1));
    expect(bodies.take('a', JSON.stringify(body(1)))).toBeUndefined();
    // the stored row says something else (edited, or another writer's): parse it, do not trust memory
    expect(bodies.take('b', '{"eventVersion":"1.08","eventID":"forged"}')).toBeUndefined();
    expect(bodies.size).toBe(0);
  });

  it('keeps at most its bound, dropping the oldest', () => {
    const bodies = new RecentAuditBodies(3);
    for (let n = 1; n <= 5; n++) bodies.remember(`r${n}`, `d${n}`, body(n));
    expect(bodies.size).toBe(3);
    expect(bodies.take('r1', 'd1')).toBeUndefined();
    expect(bodies.take('r2', 'd2')).toBeUndefined();
    expect(bodies.take('r3', 'd3')).toEqual(body(3));
    expect(bodies.take('r5', 'd5')).toEqual(body(5));
  });
});
