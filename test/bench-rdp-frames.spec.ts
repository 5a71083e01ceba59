/**
 * bench/rdp's frame analysis, on instruction logs written by hand: when a Guacamole client has its
 * first complete screen (images, solid fills and copies covering the default layer, counted at
 * the `sync` that follows them, in arrival order), and when it draws the first change after a mark.
 */
import { drawnAfter, firstFullFrameAt, type TimedInstruction } from '../bench/rdp/frames';

const SCREEN = { width: 100, height: 50 };

/** The first 24 bytes of a PNG of the given size: signature and IHDR, what the size reader looks at. */
function pngHeader(width: number, height: number): string {
  const data = Buffer.alloc(24);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data, 0);
  data.writeUInt32BE(13, 8);
  data.write('IHDR', 12, 'latin1');
  data.writeUInt32BE(width, 16);
  data.writeUInt32BE(height, 20);
  return data.toString('base64');
}

let clock = 1_000;
const at = (opcode: string, ...args: Array<string | number>): TimedInstruction => ({ opcode, args: args.map(String), at: clock++ });
const image = (stream: number, layer: number, x: number, y: number, width: number, height: number): TimedInstruction[] => [
  at('img', stream, 14, layer, 'image/png', x, y),
  at('blob', stream, pngHeader(width, height)),
  at('end', stream),
];

describe('bench/rdp firstFullFrameAt', () => {
  it('is the sync after one image that covers the screen, not an earlier sync', () => {
    const log = [at('', '$id'), at('sync', 1), ...image(1, 0, 0, 0, 100, 50), at('nop'), at('sync', 2)];
    expect(firstFullFrameAt(log, SCREEN)).toBe(log[6].at);
  });

  it('waits for tiles to cover every row; an image of another layer (the cursor) counts for nothing', () => {
    const log = [...image(1, 0, 0, 0, 100, 25), ...image(2, -2, 0, 25, 100, 25), at('sync', 1)];
    expect(firstFullFrameAt(log, SCREEN)).toBeNull();
    log.push(...image(3, 0, 0, 25, 60, 25), at('sync', 2));
    expect(firstFullFrameAt(log, SCREEN)).toBeNull();
    log.push(...image(4, 0, 60, 25, 40, 25), at('sync', 3));
    expect(firstFullFrameAt(log, SCREEN)).toBe(log[log.length - 1].at);
  });

  it('counts solid fills (rect then cfill on layer 0) and copies into layer 0; a rect never filled does not count', () => {
    const log = [at('rect', 0, 0, 0, 100, 20), at('cfill', 14, 0, 255, 0, 0, 255), at('rect', 0, 0, 20, 100, 30), at('sync', 1)];
    expect(firstFullFrameAt(log, SCREEN)).toBeNull();
    log.push(at('copy', -1, 0, 0, 100, 30, 12, 0, 0, 20), at('sync', 2));
    expect(firstFullFrameAt(log, SCREEN)).toBe(log[log.length - 1].at);
  });

  it('an image whose end arrives after the sync counts for the next sync only; `from` skips what came before', () => {
    const log = [at('img', 1, 14, 0, 'image/png', 0, 0), at('blob', 1, pngHeader(100, 50)), at('sync', 1), at('end', 1), at('sync', 2)];
    expect(firstFullFrameAt(log, SCREEN)).toBe(log[4].at);
    expect(firstFullFrameAt(log, SCREEN, 1)).toBeNull();
  });
});

describe('bench/rdp drawnAfter', () => {
  it('is the first drawing instruction from the mark on and the sync that ends its frame', () => {
    const log = [...image(1, 0, 0, 0, 100, 50), at('sync', 1), at('nop'), at('sync', 2), at('rect', 0, 0, 0, 100, 50), at('cfill', 14, 0, 1, 2, 3, 255), at('sync', 3)];
    // From the mark (after the first frame): keep-alive syncs and nops before any drawing are not the change.
    expect(drawnAfter(log, 4)).toEqual({ firstDrawAt: log[6].at, syncAt: log[8].at });
    expect(drawnAfter(log, 0)).toEqual({ firstDrawAt: log[0].at, syncAt: log[3].at });
  });

  it('is null until the frame with the change has ended', () => {
    const log = [at('sync', 1), at('img', 1, 14, 0, 'image/png', 0, 0)];
    expect(drawnAfter(log, 1)).toBeNull();
    log.push(at('sync', 2));
    expect(drawnAfter(log, 1)).toEqual({ firstDrawAt: log[1].at, syncAt: log[2].at });
  });
});
