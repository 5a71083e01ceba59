import { uuidv7 } from '@vigil/common';
import type { VigilConfig } from '@vigil/config';
import type { AuditOutbox, UnitOfWork } from '@vigil/database';
import { AuditChainer, RECENT_PASS_SPACING_MS, recentBound } from './audit-chainer';

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

describe('AuditChainer passes woken by local commits (PostgreSQL)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A chainer on fakes: each pass is one `uow.run` that finds nothing to chain (a pass's SQL has its e2e tests). */
  function chainer() {
    let wake: () => void = () => undefined;
    const passStarts: number[] = [];
    const uow = {
      joinSqliteTransactions: () => false,
      run: jest.fn(async () => {
        passStarts.push(performance.now());
        return 0;
      }),
    };
    const outbox = { onAppended: (waker: () => void) => ((wake = waker), () => undefined) };
    const c = new AuditChainer(uow as unknown as UnitOfWork, outbox as unknown as AuditOutbox, { audit: { chainPollMs: 60_000 } } as VigilConfig);
    c.onModuleInit();
    return { c, passStarts, commit: () => wake() };
  }

  it("chains an idle gateway's record at once, and spaces passes while commits keep coming", async () => {
    const { c, passStarts, commit } = chainer();
    await jest.advanceTimersByTimeAsync(0); // the boot pass
    expect(passStarts).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);

    commit(); // idle for a second: at once
    await jest.advanceTimersByTimeAsync(0);
    expect(passStarts).toHaveLength(2);

    // 20 commits a millisecond apart: one more pass, RECENT_PASS_SPACING_MS after the last one started
    for (let i = 0; i < 20; i++) {
      commit();
      await jest.advanceTimersByTimeAsync(1);
    }
    await jest.advanceTimersByTimeAsync(RECENT_PASS_SPACING_MS);
    expect(passStarts).toHaveLength(3);
    expect(passStarts[2] - passStarts[1]).toBe(RECENT_PASS_SPACING_MS);

    // a steady stream of commits: one pass per spacing, not one per commit
    const before = passStarts.length;
    for (let i = 0; i < 200; i++) {
      commit();
      await jest.advanceTimersByTimeAsync(1);
    }
    await jest.advanceTimersByTimeAsync(RECENT_PASS_SPACING_MS);
    const passes = passStarts.length - before;
    expect(passes).toBeGreaterThanOrEqual(Math.floor(200 / RECENT_PASS_SPACING_MS));
    expect(passes).toBeLessThanOrEqual(Math.ceil(200 / RECENT_PASS_SPACING_MS) + 1);
    for (let i = before; i < passStarts.length; i++) expect(passStarts[i] - passStarts[i - 1]).toBeGreaterThanOrEqual(RECENT_PASS_SPACING_MS);

    // a spaced pass still waiting at shutdown never runs
    commit();
    c.onApplicationShutdown();
    const atShutdown = passStarts.length;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(passStarts).toHaveLength(atShutdown);
  });
});
