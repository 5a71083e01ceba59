import { Utf8StreamDecoder } from './utf8-stream-decoder';

describe('Utf8StreamDecoder', () => {
  it('joins a multibyte character split across chunks', () => {
    const bytes = Buffer.from('é€😀', 'utf8'); // 2 + 3 + 4 bytes
    const decoder = new Utf8StreamDecoder();
    const parts = [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3, 4), bytes.subarray(4, 7), bytes.subarray(7)];
    expect(parts.map((part) => decoder.decode(part)).join('')).toBe('é€😀');
  });

  it('holds back an incomplete character instead of emitting a replacement', () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.decode(Buffer.from([0xe2, 0x82]))).toBe('');
    expect(decoder.decode(Buffer.from([0xac]))).toBe('€');
  });

  it('accepts a plain Uint8Array view into a larger buffer', () => {
    const backing = new Uint8Array([0x78, 0xc3, 0xa9, 0x78]);
    expect(new Utf8StreamDecoder().decode(new Uint8Array(backing.buffer, 1, 2))).toBe('é');
  });

  it('keeps order when a string interrupts a half-received character', () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.decode(Buffer.from([0x61, 0xe2, 0x82]))).toBe('a');
    expect(decoder.decode('b')).toBe('\ufffdb');
    expect(decoder.decode(Buffer.from('c'))).toBe('c');
  });

  it('passes strings through untouched when nothing is held back', () => {
    expect(new Utf8StreamDecoder().decode('\x1b[31mred')).toBe('\x1b[31mred');
  });
});
