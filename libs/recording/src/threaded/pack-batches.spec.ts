import { packBatches } from './recording-thread';
import { SHARED_FRAME_FIELDS } from './recording-thread-protocol';
import type { PostedBatch } from './thread-batch';

function framesBatch(id: number, bytes: Buffer): PostedBatch {
  const own = Buffer.allocUnsafeSlow(bytes.length + 7); // room left over, as a batch's buffer has
  bytes.copy(own);
  return { message: { type: 'frames', id, buffer: own.buffer as ArrayBuffer, offset: 0, bytes: bytes.length, elapsedMs: id * 1.5 }, transfer: [own.buffer as ArrayBuffer] };
}

describe('packBatches (one tick of recordings, one message)', () => {
  it('puts small framed batches in one shared buffer described by numbers, and leaves large ones their own buffer', () => {
    const payloads = [Buffer.from('alice typed ls'), Buffer.alloc(64 * 1024, 7), Buffer.from('bob: id'), Buffer.from('x')];
    const batches = payloads.map((payload, id) => framesBatch(id, payload));
    const { items, shared, transfer } = packBatches(batches);

    expect(items).toEqual([batches[1].message]); // the large one, its buffer not copied
    expect(shared).toBeDefined();
    const rows = [];
    for (let at = 0; at < shared!.meta.length; at += SHARED_FRAME_FIELDS) rows.push([...shared!.meta.subarray(at, at + SHARED_FRAME_FIELDS)]);
    expect(rows.map(([id, , , elapsedMs]) => [id, elapsedMs])).toEqual([
      [0, 0],
      [2, 3],
      [3, 4.5],
    ]);
    for (const [id, offset, bytes] of rows) expect(Buffer.from(shared!.buffer, offset, bytes).equals(payloads[id])).toBe(true);
    expect(shared!.buffer.byteLength).toBe(payloads[0].length + payloads[2].length + payloads[3].length);
    expect(transfer).toEqual([shared!.buffer, shared!.meta.buffer, batches[1].message.buffer]);
  });

  it('sends a lone small batch, and event batches, as they are', () => {
    const lone = [framesBatch(1, Buffer.from('only one'))];
    expect(packBatches(lone)).toEqual({ type: 'batches', items: [lone[0].message], transfer: lone[0].transfer });
    const own = Buffer.from('ls');
    const events: PostedBatch = { message: { type: 'events', id: 9, buffer: own.buffer as ArrayBuffer, offset: 0, events: [[1, 'i', 0, 2]], bytes: 2 }, transfer: [] };
    const packed = packBatches([framesBatch(1, Buffer.from('a')), events, framesBatch(2, Buffer.from('b'))]);
    expect(packed.items).toEqual([events.message]);
    expect(packed.shared!.meta.length).toBe(2 * SHARED_FRAME_FIELDS);
  });
});
