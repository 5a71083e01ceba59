import { SeekQueue, type SeekableRecording } from './seek-queue';

/** A recording whose seeks complete only when the test says so. */
function manualRecording() {
  const calls: Array<{ positionMs: number; done: () => void }> = [];
  const recording: SeekableRecording = { seek: (positionMs, done) => calls.push({ positionMs, done }) };
  return { recording, calls };
}

describe('SeekQueue', () => {
  it('seeks at once when idle and reports the position reached', () => {
    const { recording, calls } = manualRecording();
    const settled: number[] = [];
    const queue = new SeekQueue(recording, (ms) => settled.push(ms));
    queue.seekTo(1500);
    expect(calls.map((c) => c.positionMs)).toEqual([1500]);
    expect(queue.busy).toBe(true);
    calls[0].done();
    expect(settled).toEqual([1500]);
    expect(queue.busy).toBe(false);
  });

  it('lets a running seek finish and collapses the targets asked meanwhile into the last one', () => {
    const { recording, calls } = manualRecording();
    const settled: number[] = [];
    const queue = new SeekQueue(recording, (ms) => settled.push(ms));
    queue.seekTo(100);
    for (const ms of [200, 300, 400, 5000]) queue.seekTo(ms);
    // no seek aborted the running one
    expect(calls).toHaveLength(1);
    calls[0].done();
    // the intermediate position is not reported: it was never what the player wanted last
    expect(settled).toEqual([]);
    expect(calls.map((c) => c.positionMs)).toEqual([100, 5000]);
    calls[1].done();
    expect(settled).toEqual([5000]);
  });

  it('does not seek twice to where it just went', () => {
    const { recording, calls } = manualRecording();
    const settled: number[] = [];
    const queue = new SeekQueue(recording, (ms) => settled.push(ms));
    queue.seekTo(700);
    queue.seekTo(700);
    calls[0].done();
    expect(calls).toHaveLength(1);
    expect(settled).toEqual([700]);
  });

  it('tells nothing and starts nothing once disposed', () => {
    const { recording, calls } = manualRecording();
    const settled: number[] = [];
    const queue = new SeekQueue(recording, (ms) => settled.push(ms));
    queue.seekTo(10);
    queue.seekTo(20);
    queue.dispose();
    calls[0].done();
    queue.seekTo(30);
    expect(calls).toHaveLength(1);
    expect(settled).toEqual([]);
  });
});
