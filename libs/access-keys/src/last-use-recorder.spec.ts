import { LastUseRecorder } from './last-use-recorder';

describe('LastUseRecorder', () => {
  it('writes a key’s use at most once per interval, each key on its own', async () => {
    let now = 1_000_000;
    const writes: [string, number][] = [];
    const recorder = new LastUseRecorder({ now: () => now }, async (id, at) => void writes.push([id, at]), 60_000);
    await recorder.used('A');
    expect(recorder.used('A')).toBeNull();
    await recorder.used('B');
    now += 59_999;
    expect(recorder.used('A')).toBeNull();
    now += 1;
    await recorder.used('A');
    expect(writes).toEqual([
      ['A', 1_000_000],
      ['B', 1_000_000],
      ['A', 1_060_000],
    ]);
  });

  it('stays bounded under a flood of distinct keys', async () => {
    const writes: string[] = [];
    const recorder = new LastUseRecorder({ now: () => 0 }, async (id) => void writes.push(id), 60_000, 3);
    for (const id of ['A', 'B', 'C', 'D']) await recorder.used(id);
    // A was forgotten to make room: its next use writes again
    await recorder.used('A');
    expect(writes).toEqual(['A', 'B', 'C', 'D', 'A']);
  });
});
