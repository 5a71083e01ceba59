/**
 * Time and timers for the jump's limiters and coalescers, behind one small interface so their
 * decisions are testable without waiting (specs drive a manual clock).
 */
export interface JumpClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `task` after `delayMs`; returns a cancel function. Must not keep the process alive. */
  schedule(task: () => void, delayMs: number): () => void;
}

export const systemJumpClock: JumpClock = {
  // performance.now is monotonic: a wall-clock step can neither stall nor rush a limiter.
  now: () => performance.now(),
  schedule(task, delayMs) {
    const timer = setTimeout(task, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
