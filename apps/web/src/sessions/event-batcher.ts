/**
 * Collects items and delivers them together, once per `windowMs`: a burst of live events (hundreds
 * of sessions ending at once) becomes one pass of state updates in one task, which React renders
 * once, instead of a render and a sort of the whole list per event. Order is kept; the timer is
 * injected.
 */
export interface EventBatcher<T> {
  push(item: T): void;
  /** Delivers what is pending now (and cancels the timer). */
  flush(): void;
  /** Drops what is pending; later pushes are ignored. */
  dispose(): void;
}

export interface BatchTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const WINDOW_TIMER: BatchTimer = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** About a frame: a change shows within a frame of when it would have shown unbatched. */
export const EVENT_BATCH_WINDOW_MS = 16;

export function createEventBatcher<T>(deliver: (items: T[]) => void, windowMs = EVENT_BATCH_WINDOW_MS, timer: BatchTimer = WINDOW_TIMER): EventBatcher<T> {
  let pending: T[] = [];
  let handle: unknown = null;
  let disposed = false;
  const cancel = () => {
    if (handle !== null) timer.clear(handle);
    handle = null;
  };
  const flush = () => {
    cancel();
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    deliver(items);
  };
  return {
    push(item) {
      if (disposed) return;
      pending.push(item);
      if (handle === null) handle = timer.set(flush, windowMs);
    },
    flush,
    dispose() {
      disposed = true;
      cancel();
      pending = [];
    },
  };
}
