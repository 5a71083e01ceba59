/**
 * Time and timers behind an injectable, so batching decisions are testable without waiting.
 */
export interface FlushScheduler {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `task` after `delayMs`; 0 means on the next turn of the event loop. Returns a cancel function. */
  schedule(task: () => void, delayMs: number): () => void;
}

export const systemFlushScheduler: FlushScheduler = {
  // performance.now is monotonic, so a wall-clock adjustment cannot stall or rush a flush.
  now: () => performance.now(),
  schedule(task, delayMs) {
    if (delayMs <= 0) {
      // setImmediate runs after pending I/O callbacks: output that arrives in the same burst of
      // socket reads still joins the batch, but nothing waits for a timer.
      const immediate = setImmediate(task);
      return () => clearImmediate(immediate);
    }
    const timeout = setTimeout(task, delayMs);
    return () => clearTimeout(timeout);
  },
};
