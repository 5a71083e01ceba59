import type { TokenBucket } from '@vigil/common';
import type { JumpClock } from './jump-clock';

/** A terminal size as SSH carries it: characters, and pixels (0 = unknown). */
export interface TerminalSize {
  cols: number;
  rows: number;
  width: number;
  height: number;
}

/**
 * The largest terminal the jump passes on; the live mirror clamps to the same bounds. A 4K screen
 * with a small font is ~500×150, so these are generous, and they bound what one resize costs
 * (the mirror reflows its scrollback: ~16 ms at 1000×500 against ~0.1 ms at 132×43).
 */
export const MAX_TERMINAL_COLS = 1000;
export const MAX_TERMINAL_ROWS = 500;
/** Pixel sizes travel as 16-bit values in the target's kernel (struct winsize). */
const MAX_PIXELS = 65_535;

/**
 * Brings a size the user sent into sane bounds; null when it is no size at all (zero, negative,
 * not an integer), which is dropped rather than passed on.
 */
export function clampTerminalSize(size: TerminalSize): TerminalSize | null {
  const { cols, rows } = size;
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) return null;
  const pixels = (n: number): number => (Number.isInteger(n) && n > 0 ? Math.min(n, MAX_PIXELS) : 0);
  return {
    cols: Math.min(cols, MAX_TERMINAL_COLS),
    rows: Math.min(rows, MAX_TERMINAL_ROWS),
    width: pixels(size.width),
    height: pixels(size.height),
  };
}

export interface ResizeCoalescerOptions {
  apply(size: TerminalSize): void;
  clock: JumpClock;
  /** At most one resize per this interval for this session. Default 100 ms. */
  minIntervalMs?: number;
  /** Shared by every session of a connection, so opening more channels buys no more resizes. */
  budget?: TokenBucket;
}

/**
 * Applies a session's window changes at most every `minIntervalMs` (and within the connection's
 * budget), always ending on the last size the user sent. The first change after a quiet spell
 * applies at once; during a burst only the latest waiting size survives, so a flood of changes
 * costs one stored size each and a bounded number of real resizes.
 */
export class ResizeCoalescer {
  private readonly minIntervalMs: number;
  private pending: TerminalSize | undefined;
  private applied: TerminalSize | undefined;
  private lastAppliedAt = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | undefined;
  private disposed = false;

  constructor(private readonly options: ResizeCoalescerOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 100;
  }

  /** The size the session will end up with: the waiting one, else the last applied. */
  get latest(): TerminalSize | undefined {
    return this.pending ?? this.applied;
  }

  offer(size: TerminalSize): void {
    if (this.disposed) return;
    this.pending = size;
    this.flush();
  }

  /** Drops any waiting size; nothing is applied afterwards. */
  dispose(): void {
    this.disposed = true;
    this.pending = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private flush(): void {
    if (this.cancelTimer || !this.pending || this.disposed) return;
    const { clock, budget } = this.options;
    const now = clock.now();
    const untilInterval = this.lastAppliedAt + this.minIntervalMs - now;
    if (untilInterval > 0) return this.retryIn(untilInterval);
    const size = this.pending;
    if (this.applied && sameSize(this.applied, size)) {
      this.pending = undefined; // e.g. a burst that came back to where it started
      return;
    }
    const verdict = budget?.take(now) ?? { ok: true };
    if (!verdict.ok) return this.retryIn(verdict.retryAfterMs);
    this.pending = undefined;
    this.applied = size;
    this.lastAppliedAt = now;
    this.options.apply(size);
  }

  private retryIn(ms: number): void {
    this.cancelTimer = this.options.clock.schedule(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, ms);
  }
}

function sameSize(a: TerminalSize, b: TerminalSize): boolean {
  return a.cols === b.cols && a.rows === b.rows && a.width === b.width && a.height === b.height;
}
