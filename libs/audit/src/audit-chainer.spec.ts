import { uuidv7 } from '@vigil/common';
import { recentBound } from './audit-chainer';

describe('recentBound (the window drainRecent reads of the outbox)', () => {
  const newestAt = 1_764_700_000_123;
  const newest = uuidv7(newestAt);

  it('every id written within the window sorts after the bound, every older one before it', () => {
    const bound = recentBound(newest, 2_000)!;
    for (let i = 0; i < 200; i++) {
      expect(uuidv7(newestAt - 2_000) > bound).toBe(true);
      expect(uuidv7(newestAt - 1_000 + i) > bound).toBe(true);
      expect(uuidv7(newestAt + 60_000) > bound).toBe(true);
      expect(uuidv7(newestAt - 2_001) < bound).toBe(true);
      expect(uuidv7(newestAt - 3_600_000) < bound).toBe(true);
    }
  });

  it('is the id prefix of that instant, in the form ids are compared in', () => {
    expect(recentBound(uuidv7(0x0193a1b2c3d4 + 2_000), 2_000)).toBe('0193a1b2-c3d4');
  });

  it('reads everything when nothing was chained yet, or the id is not a uuid', () => {
    expect(recentBound(null)).toBeNull();
    expect(recentBound('legacy-17')).toBeNull();
    expect(recentBound(uuidv7(1_000), 2_000)).toBeNull();
  });
});
