import { carriesInput, encodeInstruction, endsFrame, guacdErrorIn, parseInstructions, withoutMouse } from './guacamole-instructions';

describe('guacamole instructions (tunnel edge)', () => {
  it('encodes lengths in code points and parses what it encodes', () => {
    const text = encodeInstruction('error', 'Session terminated by admin: bye 👋', 521) + encodeInstruction('nop');
    expect(text.startsWith('5.error,34.Session terminated by admin: bye 👋,3.521;')).toBe(true);
    expect(parseInstructions(text)).toEqual([{ opcode: 'error', args: ['Session terminated by admin: bye 👋', '521'] }, { opcode: 'nop', args: [] }]);
  });

  it('refuses malformed input rather than guessing', () => {
    for (const bad of ['5.mouse', '3.nop', 'x.nop;', '4.nop;', '3.nop,', '3.nop!', '999999999999.a;', '.;']) expect(parseInstructions(bad)).toBeNull();
    expect(parseInstructions('3.nop;'.repeat(300))).toBeNull();
  });

  it('keep-alives and frame acks are not input; mouse, keys and garbage are', () => {
    expect(carriesInput('3.nop;')).toBe(false);
    expect(carriesInput('4.sync,8.12345678;3.nop;')).toBe(false);
    expect(carriesInput('5.mouse,2.10,2.10,1.0;')).toBe(true);
    expect(carriesInput('garbage')).toBe(true);
  });

  it("finds guacd's error among drawing instructions", () => {
    expect(guacdErrorIn('4.sync,1.1;5.error,18.Connection refused,3.519;')).toEqual({ message: 'Connection refused', status: '519' });
    expect(guacdErrorIn('4.sync,1.1;')).toBeNull();
  });

  it('sees the end of a frame at an instruction boundary only', () => {
    expect(endsFrame('4.sync,8.12345678,1.1;')).toBe(true);
    expect(endsFrame('4.size,1.0,4.1024,3.768;4.sync,8.12345678,1.1;')).toBe(true);
    expect(endsFrame('4.size,1.0,4.1024,3.768;')).toBe(false);
    // "4.sync," inside an argument is not a sync.
    expect(endsFrame('4.name,11.x4.sync,abc;')).toBe(false);
    expect(endsFrame('')).toBe(false);
  });

  it('drops mouse instructions and keeps everything else, byte for byte when there was no mouse', () => {
    const key = encodeInstruction('key', 65307, 1);
    const mouse = encodeInstruction('mouse', 10, 20, 0);
    expect(withoutMouse(key)).toBe(key);
    expect(withoutMouse(mouse)).toBe('');
    expect(withoutMouse(mouse + mouse)).toBe('');
    expect(withoutMouse(mouse + key + mouse + encodeInstruction('nop'))).toBe(key + '3.nop;');
    // Unreadable: left for guacd to refuse, as before.
    expect(withoutMouse('5.mouse,garbage')).toBe('5.mouse,garbage');
    // "5.mouse," inside another instruction's argument is not a mouse instruction.
    const clipboard = encodeInstruction('clipboard', '7', '5.mouse,');
    expect(withoutMouse(clipboard)).toBe(clipboard);
  });
});
