import { EventBatchSerializer } from './event-batch-serializer';

describe('EventBatchSerializer', () => {
  it('writes one JSON array per line, text events via JSON and byte events via the stream encoder', () => {
    const serializer = new EventBatchSerializer();
    const lines = serializer
      .serialize(
        [
          { time: 0, code: 'o', data: Buffer.from('a\r\n') },
          { time: 0.5, code: 'r', data: '100x30' },
          { time: 1.25, code: 'm', data: 'say "hi"\n' },
          { time: 2, code: 'i', data: Buffer.from('q') },
        ],
        10,
      )
      .toString('utf8');
    expect(lines).toBe('[0,"o","a\\r\\n"]\n[0.5,"r","100x30"]\n[1.25,"m","say \\"hi\\"\\n"]\n[2,"i","q"]\n');
  });

  it('skips an event that is only a partial character and completes it in a later batch', () => {
    const serializer = new EventBatchSerializer();
    const euro = Buffer.from('€');
    const first = serializer.serialize([{ time: 1, code: 'o', data: euro.subarray(0, 2) }], 2);
    const second = serializer.serialize([{ time: 2, code: 'o', data: euro.subarray(2) }], 1);
    expect(first.length).toBe(0);
    expect(second.toString('utf8')).toBe('[2,"o","€"]\n');
  });

  it('keeps directions apart and flushes unfinished characters at finish()', () => {
    const serializer = new EventBatchSerializer();
    const euro = Buffer.from('€');
    serializer.serialize(
      [
        { time: 1, code: 'o', data: euro.subarray(0, 1) },
        { time: 1, code: 'i', data: euro.subarray(1) }, // must not complete the output's character
      ],
      2,
    );
    expect(serializer.finish(3).toString('utf8')).toBe('[3,"o","\uFFFD"]\n');
    expect(serializer.finish(4).length).toBe(0); // nothing left after finishing
  });
});
