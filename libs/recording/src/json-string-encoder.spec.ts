import { StringDecoder } from 'node:string_decoder';
import { GrowableBuffer } from './growable-buffer';
import { JsonStringEncoder } from './json-string-encoder';

/** Encodes chunks as one stream and returns the concatenated JSON string bodies. */
function encode(chunks: Uint8Array[], finish = true): string {
  const encoder = new JsonStringEncoder();
  const out = new GrowableBuffer(16);
  for (const chunk of chunks) encoder.write(chunk, out);
  if (finish) encoder.end(out);
  return out.contents().toString('utf8');
}

/** What JSON.stringify would produce for the same text, without the quotes. */
function reference(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

describe('JsonStringEncoder', () => {
  it('escapes exactly like JSON.stringify, for every single byte below 0x80', () => {
    const all = Buffer.from(Array.from({ length: 0x80 }, (_, i) => i));
    expect(encode([all])).toBe(reference(all.toString('latin1')));
  });

  it('copies valid multibyte UTF-8 through unescaped', () => {
    const text = 'é € 😀 \u2028 \u007f 日本語';
    expect(encode([Buffer.from(text)])).toBe(reference(text));
    expect(JSON.parse(`"${encode([Buffer.from(text)])}"`)).toBe(text);
  });

  it('completes characters split at every possible position', () => {
    const text = 'a😀b€c\x1bé';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(encode([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(reference(text));
    }
    expect(encode(Array.from(bytes, (byte) => Buffer.from([byte])))).toBe(reference(text));
  });

  it('holds back an unfinished character until end(), then emits U+FFFD', () => {
    const partial = Buffer.from('x€').subarray(0, 3); // x + 2 of 3 bytes
    expect(encode([partial], false)).toBe('x');
    expect(encode([partial])).toBe('x\uFFFD');
  });

  it('replaces invalid UTF-8 so the output is always valid, as the platform decoder would', () => {
    const samples = [
      Buffer.from([0xff, 0x41]),
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
      Buffer.from([0xe2, 0x82]),
      Buffer.from([0x80, 0x80, 0x80, 0x80]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
    ];
    for (const sample of samples) {
      const decoder = new StringDecoder('utf8');
      const expected = decoder.write(sample) + decoder.end();
      const body = encode([sample]);
      expect(JSON.parse(`"${body}"`)).toBe(expected);
      expect(body).toContain('\uFFFD');
    }
  });

  it('matches StringDecoder + JSON.stringify on random byte streams cut into random chunks', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = [Buffer.from('a'), Buffer.from('\x1b[1m'), Buffer.from('é'), Buffer.from('😀'), Buffer.from('"\\'), Buffer.from([0xff])];
    for (let round = 0; round < 200; round += 1) {
      const parts = Array.from({ length: 20 }, () => alphabet[Math.floor(random() * alphabet.length)]);
      const stream = Buffer.concat(parts);
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * 7);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      const decoder = new StringDecoder('utf8');
      const text = chunks.map((chunk) => decoder.write(chunk)).join('') + decoder.end();
      expect(JSON.parse(`"${encode(chunks)}"`)).toBe(text);
    }
  });
});
