import fc from 'fast-check';
import { codePointLength, encodeInstruction, GuacamoleParser, GuacamoleProtocolError, type GuacamoleInstruction } from './support/guacamole-protocol';

/** Feeds `bytes` to a fresh parser cut at `cuts` (byte offsets) and returns every instruction. */
function parseInChunks(bytes: Buffer, cuts: number[], parser = new GuacamoleParser()): GuacamoleInstruction[] {
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const out: GuacamoleInstruction[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) out.push(...parser.push(bytes.subarray(bounds[i], bounds[i + 1])));
  parser.end();
  return out;
}

const byteByByte = (bytes: Buffer) => parseInChunks(bytes, Array.from({ length: bytes.length }, (_, i) => i));

describe('Guacamole protocol encoder', () => {
  it('writes LENGTH.VALUE elements joined by "," and ended by ";"', () => {
    expect(encodeInstruction('size', 0, 1024, 768)).toBe('4.size,1.0,4.1024,3.768;');
    expect(encodeInstruction('select', '$abc')).toBe('6.select,4.$abc;');
    expect(encodeInstruction('audio')).toBe('5.audio;');
    expect(encodeInstruction('connect', 'VERSION_1_5_0', '', 'true')).toBe('7.connect,13.VERSION_1_5_0,0.,4.true;');
  });

  it('counts code points, not bytes or UTF-16 units', () => {
    expect(codePointLength('é')).toBe(1); // 2 bytes
    expect(codePointLength('€')).toBe(1); // 3 bytes
    expect(codePointLength('😀')).toBe(1); // 4 bytes, a surrogate pair
    expect(codePointLength('a😀b€')).toBe(4);
    expect(encodeInstruction('name', 'Zoë 😀')).toBe('4.name,5.Zoë 😀;');
  });
});

describe('Guacamole protocol parser', () => {
  it('parses an instruction into opcode and arguments', () => {
    expect(new GuacamoleParser().push('4.size,1.0,4.1024,3.768;')).toEqual([{ opcode: 'size', args: ['0', '1024', '768'] }]);
  });

  it('returns several instructions of one chunk in order, and nothing for a partial one', () => {
    const parser = new GuacamoleParser();
    expect(parser.push('4.sync,3.123;3.nop;5.ready,2.$x;5.mou')).toEqual([
      { opcode: 'sync', args: ['123'] },
      { opcode: 'nop', args: [] },
      { opcode: 'ready', args: ['$x'] },
    ]);
    expect(parser.push('se,1.1;')).toEqual([{ opcode: 'mouse', args: ['1'] }]);
  });

  it('keeps empty elements and an empty opcode (the tunnel\'s internal instructions)', () => {
    expect(new GuacamoleParser().push('0.,4.ping,0.;')).toEqual([{ opcode: '', args: ['ping', ''] }]);
  });

  it('takes LENGTH code points: separators inside a value are data', () => {
    expect(new GuacamoleParser().push('5.error,6.a,b;c.,3.519;')).toEqual([{ opcode: 'error', args: ['a,b;c.', '519'] }]);
  });

  it('reads multi-byte characters by code point, whole or cut at every byte', () => {
    const bytes = Buffer.from(encodeInstruction('error', 'Zoë’s 😀 画面', '519') + encodeInstruction('nop'));
    const expected = [{ opcode: 'error', args: ['Zoë’s 😀 画面', '519'] }, { opcode: 'nop', args: [] }];
    expect(new GuacamoleParser().push(bytes)).toEqual(expected);
    expect(byteByByte(bytes)).toEqual(expected);
  });

  it('does not end an element early when a UTF-8 character is split across chunks', () => {
    const parser = new GuacamoleParser();
    const euro = Buffer.from('€'); // e2 82 ac
    expect(parser.push(Buffer.concat([Buffer.from('1.'), euro.subarray(0, 1)]))).toEqual([]);
    expect(parser.push(euro.subarray(1, 2))).toEqual([]);
    expect(parser.push(Buffer.concat([euro.subarray(2), Buffer.from(';')]))).toEqual([{ opcode: '€', args: [] }]);
  });

  it('waits for the low half of a surrogate pair pushed as text', () => {
    const parser = new GuacamoleParser();
    expect(parser.push('2.a\ud83d')).toEqual([]);
    expect(parser.push('\ude00;')).toEqual([{ opcode: 'a😀', args: [] }]);
  });

  it('round-trips any instructions of any Unicode text through any chunking (property)', () => {
    const element = fc.string({ unit: 'binary', maxLength: 40 });
    const instruction = fc.record({ opcode: element, args: fc.array(element, { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(instruction, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(2000), { maxLength: 30 }), (instructions, cuts) => {
        const bytes = Buffer.from(instructions.map((i) => encodeInstruction(i.opcode, ...i.args)).join(''));
        expect(parseInChunks(bytes, cuts)).toEqual(instructions);
      }),
      { numRuns: 500 },
    );
  });

  it('resumes a large element across many chunks (an image blob)', () => {
    const blob = 'A'.repeat(256 * 1024);
    const bytes = Buffer.from(encodeInstruction('blob', '1', blob) + encodeInstruction('end', '1'));
    const cuts = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => i * 1000);
    const out = parseInChunks(bytes, cuts);
    expect(out.map((i) => i.opcode)).toEqual(['blob', 'end']);
    expect(out[0].args[1]).toHaveLength(blob.length);
  });

  describe('refuses malformed input (and stays failed: a stream cannot be resynchronised)', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['a length that is not a number', 'x.abc;', /expected an element length, got "x"/],
      ['a negative length', '-1.a;', /expected an element length/],
      ['no dot after the length', '4size;', /expected "\." after the length, got "s"/],
      ['a terminator that is neither "," nor ";"', '1.a.', /expected "," or ";" after an element, got "\."/],
      ['a value longer than its length', '3.nopx;', /expected "," or ";" after an element, got "x"/],
      ['an instruction starting with ";"', ';', /expected an element length, got ";"/],
      ['a separator with no element after it', '3.nop,;', /expected an element length, got ";"/],
      ['whitespace between elements', '3.nop, 1.a;', /expected an element length, got " "/],
      ['a length beyond the limit', '99999999999999999999999.a;', /element longer than 1024 characters/],
      ['too many elements', `${'1.a,'.repeat(20)}1.a;`, /more than 16 elements/],
    ];
    it.each(cases)('%s', (_name, input, message) => {
      const parser = new GuacamoleParser({ maxElementLength: 1024, maxElements: 16 });
      expect(() => parser.push(input)).toThrow(message);
      expect(() => parser.push('3.nop;')).toThrow(GuacamoleProtocolError);
      expect(() => parser.push('3.nop;')).toThrow(message);
    });

    it('refuses an element longer than the limit before it arrives', () => {
      const parser = new GuacamoleParser({ maxElementLength: 1024, maxElements: 16 });
      expect(() => parser.push('1025.')).toThrow(/element longer than 1024 characters/);
      expect(new GuacamoleParser({ maxElementLength: 1024, maxElements: 16 }).push(`4.blob,1024.${'x'.repeat(1024)};`)[0].args[0]).toHaveLength(1024);
    });

    it('refuses a stream that ends inside an instruction or inside a character', () => {
      for (const rest of ['4.si', '4.size', '4.size,', '4.size,4.1024', '12']) {
        const parser = new GuacamoleParser();
        expect(parser.push(`3.nop;${rest}`)).toEqual([{ opcode: 'nop', args: [] }]);
        expect(() => parser.end()).toThrow(/stream ended inside an instruction/);
      }
      const cut = new GuacamoleParser();
      cut.push(Buffer.from([0x31, 0x2e, 0xe2, 0x82])); // "1." and two of the euro sign's three bytes
      expect(() => cut.end()).toThrow(/stream ended inside a UTF-8 character/);
      const clean = new GuacamoleParser();
      clean.push('3.nop;');
      expect(() => clean.end()).not.toThrow();
    });
  });
});
