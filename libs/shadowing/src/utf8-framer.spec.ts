import { StringDecoder } from 'node:string_decoder';
import { Utf8Framer, boundaryAtOrBefore } from './utf8-framer';
import type { TerminalChunk } from './utf8-stream-decoder';

/** A deterministic PRNG, so a failure is reproducible from the seed in the test name. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Bytes that stress the decoder: random bytes, valid multibyte text and truncated sequences mixed. */
function nastyBytes(random: () => number, length: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const pick = random();
    const part =
      pick < 0.4
        ? Buffer.from(Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)))
        : pick < 0.7
          ? Buffer.from('aé€😀\x1b[31m\r\n'.slice(0, 1 + Math.floor(random() * 12)), 'utf8')
          : Buffer.from([0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90].slice(0, 1 + Math.floor(random() * 16)));
    parts.push(part);
    size += part.length;
  }
  return Buffer.concat(parts).subarray(0, length);
}

function frameAll(chunks: TerminalChunk[]): Buffer[] {
  const framer = new Utf8Framer();
  const pieces: Buffer[] = [];
  for (const chunk of chunks) framer.frame(chunk, (piece) => pieces.push(piece));
  const held = framer.end();
  if (held) pieces.push(held);
  return pieces;
}

describe('Utf8Framer', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`pieces decoded one by one equal the whole stream decoded at once (seed ${seed})`, () => {
      const random = prng(seed);
      const whole = nastyBytes(random, 20_000);
      const chunks: Buffer[] = [];
      for (let at = 0; at < whole.length; ) {
        // Mostly tiny chunks, so every split position inside a sequence is exercised.
        const size = random() < 0.8 ? Math.floor(random() * 6) : Math.floor(random() * 500);
        chunks.push(whole.subarray(at, at + size));
        at += size;
      }
      const pieces = frameAll(chunks);

      expect(pieces.map((piece) => piece.toString('utf8')).join('')).toBe(whole.toString('utf8'));
      // The same text a streaming decoder (what viewers got before) produces.
      const streaming = new StringDecoder('utf8');
      expect(pieces.map((piece) => piece.toString('utf8')).join('')).toBe(chunks.map((c) => streaming.write(c)).join('') + streaming.end());
      expect(Buffer.concat(pieces).equals(whole)).toBe(true); // no byte lost, added or reordered
    });
  }

  it('joins a character split over four reads into one piece', () => {
    const bytes = Buffer.from('😀', 'utf8');
    const pieces = frameAll([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2, 3), bytes.subarray(3)]);
    expect(pieces.map((p) => p.toString('utf8'))).toEqual(['😀']);
  });

  it('does not copy a chunk that ends on a boundary', () => {
    const chunk = Buffer.from('plain text €\r\n', 'utf8');
    const pieces = frameAll([chunk]);
    expect(pieces).toHaveLength(1);
    expect(pieces[0].buffer).toBe(chunk.buffer);
  });

  it('emits held bytes before a string that interrupts them, so order is kept', () => {
    const pieces = frameAll([Buffer.from([0x61, 0xe2, 0x82]), 'b', Buffer.from('c')]);
    expect(pieces.map((p) => p.toString('utf8')).join('')).toBe('a\ufffdbc');
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const backing = new Uint8Array([0x78, 0xc3, 0xa9, 0x78]);
    expect(frameAll([new Uint8Array(backing.buffer, 1, 2)]).map((p) => p.toString('utf8'))).toEqual(['é']);
  });

  for (const seed of [11, 12, 13]) {
    it(`boundaryAtOrBefore cuts a framed piece into halves that decode like the whole (seed ${seed})`, () => {
      const random = prng(seed);
      for (let round = 0; round < 300; round++) {
        const [piece] = frameAll([Buffer.concat([nastyBytes(random, 40), Buffer.from('.')])]);
        const at = 1 + Math.floor(random() * (piece.length - 1));
        const cut = boundaryAtOrBefore(piece, at);
        expect(cut).toBeLessThanOrEqual(at);
        expect(cut).toBeGreaterThanOrEqual(Math.min(at, Math.max(0, at - 3)));
        expect(piece.subarray(0, cut).toString('utf8') + piece.subarray(cut).toString('utf8')).toBe(piece.toString('utf8'));
      }
    });
  }
});
