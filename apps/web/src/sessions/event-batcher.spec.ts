import { createEventBatcher, type BatchTimer } from './event-batcher';

/** A timer the test fires by hand. */
function manualTimer() {
  const armed = new Map<number, () => void>();
  let next = 1;
  const timer: BatchTimer = {
    set: (run) => {
      armed.set(next, run);
      return next++;
    },
    clear: (handle) => void armed.delete(handle as number),
  };
  const fire = () => {
    const runs = [...armed.values()];
    armed.clear();
    runs.forEach((run) => run());
  };
  return { timer, fire, armed: () => armed.size };
}

describe('live event batcher (sessions page)', () => {
  it('delivers a burst once, in order, when its window ends; one timer per window', () => {
    const { timer, fire, armed } = manualTimer();
    const delivered: number[][] = [];
    const batcher = createEventBatcher<number>((items) => delivered.push(items), 16, timer);
    for (let i = 0; i < 750; i++) batcher.push(i);
    expect(armed()).toBe(1);
    expect(delivered).toEqual([]);
    fire();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toEqual(Array.from({ length: 750 }, (_, i) => i));
    // the next event opens a new window
    batcher.push(750);
    expect(armed()).toBe(1);
    fire();
    expect(delivered).toEqual([expect.any(Array), [750]]);
  });

  it('flush delivers at once and disarms the timer; nothing pending delivers nothing', () => {
    const { timer, fire, armed } = manualTimer();
    const delivered: string[][] = [];
    const batcher = createEventBatcher<string>((items) => delivered.push(items), 16, timer);
    batcher.flush();
    expect(delivered).toEqual([]);
    batcher.push('a');
    batcher.push('b');
    batcher.flush();
    expect(delivered).toEqual([['a', 'b']]);
    expect(armed()).toBe(0);
    fire();
    expect(delivered).toEqual([['a', 'b']]);
  });

  it('after dispose, pending items are dropped and new ones ignored', () => {
    const { timer, fire, armed } = manualTimer();
    const delivered: string[][] = [];
    const batcher = createEventBatcher<string>((items) => delivered.push(items), 16, timer);
    batcher.push('a');
    batcher.dispose();
    expect(armed()).toBe(0);
    batcher.push('b');
    fire();
    batcher.flush();
    expect(delivered).toEqual([]);
  });

  it('defaults to a real timer that fires after its window', async () => {
    const delivered: number[][] = [];
    const batcher = createEventBatcher<number>((items) => delivered.push(items));
    batcher.push(1);
    batcher.push(2);
    expect(delivered).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(delivered).toEqual([[1, 2]]);
  });
});
