import { WriteBatches } from './write-batches';

/** A deferral the test releases by hand: what setImmediate does after the current turn. */
function manualDefer() {
  const queued: (() => void)[] = [];
  return { defer: (run: () => void) => queued.push(run), release: () => queued.splice(0).forEach((run) => run()), queued };
}

describe('WriteBatches', () => {
  it('sends the items asked for in one turn as one batch, and answers each with its own result', async () => {
    const { defer, release } = manualDefer();
    const batches: number[][] = [];
    const batcher = new WriteBatches<number, string>(async (items) => {
      batches.push(items);
      return items.map((n) => `r${n}`);
    }, 64, defer);
    const answers = Promise.all([1, 2, 3].map((n) => batcher.run(n)));
    expect(batches).toEqual([]); // nothing sent before the turn ends
    release();
    expect(await answers).toEqual(['r1', 'r2', 'r3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('keeps one batch in flight: what arrives meanwhile goes in the next, split at the maximum size', async () => {
    const { defer, release, queued } = manualDefer();
    const batches: number[][] = [];
    let finishFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => (finishFirst = resolve));
    const batcher = new WriteBatches<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstDone;
      return items.map((n) => n * 10);
    }, 3, defer);
    const first = batcher.run(1);
    release();
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4, 5].map((n) => batcher.run(n));
    expect(queued).toHaveLength(0); // a batch in flight picks them up: no second flush scheduled
    expect(batches).toHaveLength(1);
    finishFirst();
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('rejects every item of a batch that throws, and goes on with the next batch', async () => {
    const { defer, release } = manualDefer();
    let calls = 0;
    const batcher = new WriteBatches<string, string>(async (items) => {
      calls++;
      if (items.includes('bad')) throw new Error('statement failed');
      return items;
    }, 64, defer);
    const a = batcher.run('a');
    const bad = batcher.run('bad');
    release();
    await expect(a).rejects.toThrow('statement failed');
    await expect(bad).rejects.toThrow('statement failed');
    const c = batcher.run('c');
    release();
    expect(await c).toBe('c');
    expect(calls).toBe(2);
  });

  it('refuses a batch answered with the wrong number of results instead of misattributing them', async () => {
    const { defer, release } = manualDefer();
    const batcher = new WriteBatches<number, number>(async (items) => items.slice(1), 64, defer);
    const answers = [batcher.run(1), batcher.run(2)];
    release();
    for (const answer of answers) await expect(answer).rejects.toThrow(/2 was answered with 1/);
  });
});
