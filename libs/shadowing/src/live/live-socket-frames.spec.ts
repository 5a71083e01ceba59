import { Encoder, PacketType } from 'socket.io-parser';
import { liveEventFrame } from './live-socket-frames';

/** The frame socket.io-adapter precomputes for a room broadcast (in-memory-adapter `_encode`). */
function socketIoFrame(namespace: string, event: string, payload: unknown): Buffer {
  const [packet] = new Encoder().encode({ type: PacketType.EVENT, nsp: namespace, data: [event, payload] });
  const data = Buffer.from(`4${packet as string}`);
  // ws's frame builder, as socket.io-adapter calls it (untyped in @types/ws)
  const { Sender } = jest.requireActual<{ Sender: { frame(data: Buffer, options: object): Buffer[] } }>('ws');
  const frame = Sender.frame(data, {
    readOnly: false,
    mask: false,
    rsv1: false,
    opcode: 1,
    fin: true,
  });
  return Buffer.concat(frame);
}

describe('liveEventFrame', () => {
  // 7-bit, 16-bit and 64-bit payload lengths, either side of each boundary (RFC 6455 §5.2)
  const sizes = [0, 1, 90, 100, 101, 125, 126, 1000, 65_400, 65_500, 65_535, 65_536, 200_000];

  it.each(sizes)('is byte for byte the frame socket.io would send (text of %i chars)', (size) => {
    const payload = { sessionId: '01a232d8-3b72-7c6f-aa6c-cc33a6337367', data: 'x'.repeat(size) };
    expect(liveEventFrame('/live', 'output', payload).equals(socketIoFrame('/live', 'output', payload))).toBe(true);
  });

  it('counts the length in UTF-8 bytes, not UTF-16 units (multibyte, astral, escapes, a lone surrogate)', () => {
    const data = `€ 😀 \u001b[31mred\u001b[0m "quoted" \\ \r\n \ud800 tail`.repeat(3000);
    const frame = liveEventFrame('/live', 'output', { sessionId: 's', data });
    expect(frame.equals(socketIoFrame('/live', 'output', { sessionId: 's', data }))).toBe(true);
    // header: FIN+text, 127 (64-bit length) for > 65,535 bytes
    expect(frame[0]).toBe(0x81);
    const length = frame[1] === 127 ? Number(frame.readBigUInt64BE(2)) : frame[1] === 126 ? frame.readUInt16BE(2) : frame[1];
    const header = frame[1] === 127 ? 10 : frame[1] === 126 ? 4 : 2;
    expect(length).toBe(frame.length - header);
    const body = frame.subarray(header).toString('utf8');
    expect(body.startsWith('42/live,')).toBe(true);
    expect(JSON.parse(body.slice('42/live,'.length))).toEqual(['output', { sessionId: 's', data }]);
  });

  it('leaves the namespace out for the main namespace, as socket.io does', () => {
    expect(liveEventFrame('/', 'output', { a: 1 }).equals(socketIoFrame('/', 'output', { a: 1 }))).toBe(true);
  });

  it('never masks (a server frame; the mask bit is clear)', () => {
    for (const size of sizes) expect(liveEventFrame('/live', 'output', { data: 'y'.repeat(size) })[1] & 0x80).toBe(0);
  });
});
