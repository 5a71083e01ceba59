import { BoundedEventBuffer, formatGapMarker } from './bounded-event-buffer';

describe('BoundedEventBuffer', () => {
  it('counts queued and in-flight bytes against the ceiling until a batch is settled', () => {
    const buffer = new BoundedEventBuffer(10);
    expect(buffer.push(0, 'o', 'aaaaaa', 6)).toBe(true);
    const batch = buffer.take();
    expect(buffer.queuedBytes).toBe(0);
    expect(buffer.bufferedBytes).toBe(6); // still in memory while the write is pending
    expect(buffer.push(1, 'o', 'bbbbb', 5)).toBe(false);
    buffer.settle(batch);
    expect(buffer.bufferedBytes).toBe(0);
    expect(buffer.push(2, 'o', 'ccccc', 5)).toBe(true);
    expect(buffer.take().events.map((e) => e.code + e.data)).toEqual([
      `m${formatGapMarker(5, 1, 1)}`,
      'occccc',
    ]);
  });

  it('remembers only the latest resize of a gap and replays it after the marker', () => {
    const buffer = new BoundedEventBuffer(4);
    buffer.push(0, 'o', 'full', 4);
    buffer.push(1, 'r', '10x10', 5);
    buffer.push(2, 'r', '20x20', 5);
    buffer.take();
    buffer.discardQueued();
    buffer.closeGap(3);
    const events = buffer.take().events;
    expect(events.map((e) => [e.time, e.code, e.data])).toEqual([
      [3, 'm', formatGapMarker(10, 2, 1)],
      [3, 'r', '20x20'],
    ]);
    expect({ events: buffer.droppedEvents, bytes: buffer.droppedBytes }).toEqual({ events: 2, bytes: 10 });
  });

  it('writes no marker when nothing was dropped', () => {
    const buffer = new BoundedEventBuffer(100);
    buffer.push(0, 'o', 'x', 1);
    buffer.closeGap(1);
    expect(buffer.take().events).toHaveLength(1);
  });

  it('drops a single event larger than the whole ceiling rather than exceeding it', () => {
    const buffer = new BoundedEventBuffer(8);
    expect(buffer.push(0, 'o', 'x'.repeat(9), 9)).toBe(false);
    expect(buffer.bufferedBytes).toBe(0);
    expect(buffer.droppedBytes).toBe(9);
  });
});
