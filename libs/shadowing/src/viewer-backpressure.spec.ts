import { ViewerBackpressure } from './viewer-backpressure';

describe('ViewerBackpressure', () => {
  const marks = { highWaterMark: 1000, lowWaterMark: 100 };

  it('sends while the viewer keeps up', () => {
    const viewer = new ViewerBackpressure(marks);
    expect(viewer.decide(0)).toBe('send');
    expect(viewer.decide(999)).toBe('send');
    expect(viewer.state).toBe('live');
  });

  it('stops sending once the backlog reaches the high-water mark', () => {
    const viewer = new ViewerBackpressure(marks);
    expect(viewer.decide(1000)).toBe('skip');
    expect(viewer.state).toBe('behind');
  });

  it('keeps skipping between the marks (no flapping), and resyncs at the low-water mark', () => {
    const viewer = new ViewerBackpressure(marks);
    viewer.decide(5000);
    expect(viewer.decide(999)).toBe('skip');
    expect(viewer.decide(101)).toBe('skip');
    expect(viewer.decide(100)).toBe('resync');
    expect(viewer.state).toBe('resyncing');
    expect(viewer.skippedCount).toBe(3);
    expect(viewer.resyncCount).toBe(1);
  });

  it('holds batches while the snapshot is in flight, whatever the buffer says', () => {
    const viewer = new ViewerBackpressure(marks);
    viewer.decide(5000);
    viewer.decide(0);
    expect(viewer.decide(0)).toBe('hold');
    expect(viewer.decide(50_000)).toBe('hold');
    expect(viewer.state).toBe('resyncing');
  });

  it('goes live again once the snapshot is delivered', () => {
    const viewer = new ViewerBackpressure(marks);
    viewer.decide(5000);
    viewer.decide(0);
    viewer.resyncDelivered();
    expect(viewer.state).toBe('live');
    expect(viewer.decide(10)).toBe('send');
  });

  it('retries the resync after a failed snapshot', () => {
    const viewer = new ViewerBackpressure(marks);
    viewer.decide(5000);
    viewer.decide(0);
    viewer.resyncFailed();
    expect(viewer.state).toBe('behind');
    expect(viewer.decide(500)).toBe('skip');
    expect(viewer.decide(0)).toBe('resync');
    expect(viewer.resyncCount).toBe(2);
  });

  it('ignores resync acknowledgements when no resync is in progress', () => {
    const live = new ViewerBackpressure(marks);
    live.resyncFailed();
    expect(live.state).toBe('live');

    const behind = new ViewerBackpressure(marks);
    behind.decide(5000);
    behind.resyncDelivered();
    expect(behind.state).toBe('behind');
  });

  it('can fall behind again after recovering', () => {
    const viewer = new ViewerBackpressure(marks);
    viewer.decide(5000);
    viewer.decide(0);
    viewer.resyncDelivered();
    expect(viewer.decide(2000)).toBe('skip');
    expect(viewer.state).toBe('behind');
  });

  it('uses 1 MiB / 64 KiB by default', () => {
    const viewer = new ViewerBackpressure();
    expect(viewer.decide(1024 * 1024 - 1)).toBe('send');
    expect(viewer.decide(1024 * 1024)).toBe('skip');
    expect(viewer.decide(64 * 1024 + 1)).toBe('skip');
    expect(viewer.decide(64 * 1024)).toBe('resync');
  });

  it('refuses marks that would leave no hysteresis', () => {
    expect(() => new ViewerBackpressure({ highWaterMark: 100, lowWaterMark: 100 })).toThrow(RangeError);
    expect(() => new ViewerBackpressure({ highWaterMark: 100, lowWaterMark: -1 })).toThrow(RangeError);
  });
});
