import { TokenBucket } from '@vigil/common';
import { ManualJumpClock } from './manual-jump-clock';
import { MAX_TERMINAL_COLS, MAX_TERMINAL_ROWS, ResizeCoalescer, clampTerminalSize, type TerminalSize } from './resize-coalescer';

const size = (cols: number, rows: number): TerminalSize => ({ cols, rows, width: 0, height: 0 });

describe('clampTerminalSize', () => {
  it('keeps ordinary sizes, clamps huge ones, drops sizes that are none', () => {
    expect(clampTerminalSize({ cols: 132, rows: 43, width: 1024, height: 768 })).toEqual({ cols: 132, rows: 43, width: 1024, height: 768 });
    expect(clampTerminalSize({ cols: 10_000, rows: 1e9, width: 1e9, height: -5 })).toEqual({
      cols: MAX_TERMINAL_COLS,
      rows: MAX_TERMINAL_ROWS,
      width: 65_535,
      height: 0,
    });
    expect(clampTerminalSize(size(0, 24))).toBeNull();
    expect(clampTerminalSize(size(80, -1))).toBeNull();
    expect(clampTerminalSize(size(80.5, 24))).toBeNull();
    expect(clampTerminalSize(size(Number.NaN, 24))).toBeNull();
    expect(clampTerminalSize({ cols: 80, rows: 24, width: 1.5, height: Number.POSITIVE_INFINITY })).toEqual(size(80, 24));
  });
});

describe('ResizeCoalescer', () => {
  let clock: ManualJumpClock;
  let applied: TerminalSize[];
  const make = (budget?: TokenBucket) => new ResizeCoalescer({ clock, budget, minIntervalMs: 100, apply: (s) => applied.push(s) });

  beforeEach(() => {
    clock = new ManualJumpClock();
    applied = [];
  });

  it('applies the first change at once, then at most one per interval, ending on the last size sent', () => {
    const coalescer = make();
    coalescer.offer(size(100, 30));
    expect(applied).toEqual([size(100, 30)]);
    for (let i = 0; i < 2_000; i++) coalescer.offer(i % 2 ? size(1, 1) : size(1000, 500));
    coalescer.offer(size(132, 43));
    expect(applied).toHaveLength(1);
    expect(coalescer.latest).toEqual(size(132, 43));
    clock.advance(99);
    expect(applied).toHaveLength(1);
    clock.advance(1);
    expect(applied).toEqual([size(100, 30), size(132, 43)]);
    expect(clock.pendingTasks).toBe(0);
  });

  it('a burst that ends where it started costs no resize', () => {
    const coalescer = make();
    coalescer.offer(size(80, 24));
    coalescer.offer(size(200, 60));
    coalescer.offer(size(80, 24));
    clock.advance(1_000);
    expect(applied).toEqual([size(80, 24)]);
  });

  it('a shared budget bounds the resizes of every session together, and each still ends on its last size', () => {
    const budget = new TokenBucket({ capacity: 2, refillPerSecond: 5 }, clock.now());
    const a = make(budget);
    const b = make(budget);
    const c = make(budget);
    for (let i = 0; i < 50; i++) {
      a.offer(size(100 + (i % 7), 30));
      b.offer(size(90, 20 + (i % 5)));
      c.offer(size(70 + (i % 3), 25));
      clock.advance(10); // 50 offers each over 500 ms
    }
    a.offer(size(111, 31));
    b.offer(size(91, 21));
    c.offer(size(71, 26));
    const duringBurst = applied.length;
    // 500 ms at 5/s after a burst of 2: at most 2 + 2.5 resizes for the three sessions together.
    expect(duringBurst).toBeLessThanOrEqual(5);
    clock.advance(2_000);
    expect(applied.slice(-3).map((s) => `${s.cols}x${s.rows}`).sort()).toEqual(['111x31', '71x26', '91x21']);
    expect(applied.length).toBeLessThanOrEqual(duringBurst + 3);
  });

  it('applies nothing after dispose', () => {
    const coalescer = make();
    coalescer.offer(size(100, 30));
    coalescer.offer(size(120, 40));
    coalescer.dispose();
    clock.advance(1_000);
    coalescer.offer(size(50, 20));
    expect(applied).toEqual([size(100, 30)]);
    expect(clock.pendingTasks).toBe(0);
  });
});
