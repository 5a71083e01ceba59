import { describeForwardEvent } from './forward-event-text';
import { sanitizeTerminalText, terminalNotice } from './terminal-text';

describe('sanitizeTerminalText', () => {
  it('keeps printable text, newlines, tabs and non-Latin scripts', () => {
    const text = 'Session terminated by admin: change window closed\n\tsee ticket #42 — Ünïcödé, 日本語, עברית, 🙂';
    expect(sanitizeTerminalText(text)).toBe(text);
  });

  it.each([
    ['ESC (a CSI / OSC introducer)', 'a\x1b[2Jb\x1b]0;pwned\x07c', 'a[2Jb]0;pwnedc'],
    ['C1 CSI U+009B', 'a\u009b2Jb', 'a2Jb'],
    ['every C1 control', `x${String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 0x80 + i))}y`, 'xy'],
    ['carriage return (overwriting the line)', 'real\rfake', 'realfake'],
    ['backspace, bell, NUL, DEL', 'a\bb\x07c\x00d\x7fe', 'abcde'],
    ['vertical tab and form feed', 'a\x0bb\x0cc', 'abc'],
    ['bidi overrides and isolates (Trojan Source)', 'a\u202eevil\u202cb\u2066c\u2069\u200fd\u061c', 'aevilbcd'],
  ])('removes %s', (_what, input, expected) => {
    expect(sanitizeTerminalText(input)).toBe(expected);
  });

  it('leaves no control or bidi character (exhaustive over U+0000..U+2FFF), and keeps everything else', () => {
    const kept: number[] = [];
    for (let cp = 0; cp < 0x3000; cp++) if (sanitizeTerminalText(String.fromCharCode(cp)) !== '') kept.push(cp);
    const unsafe = (cp: number) =>
      (cp < 0x20 && cp !== 0x09 && cp !== 0x0a) || (cp >= 0x7f && cp <= 0x9f) || [0x061c, 0x200e, 0x200f].includes(cp) ||
      (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    expect(kept.filter(unsafe).map((cp) => cp.toString(16))).toEqual([]);
    expect(kept).toHaveLength(0x3000 - 75);
  });
});

describe('terminalNotice', () => {
  it('with a PTY: its own CRLF lines; without: one line for stderr', () => {
    expect(terminalNotice('[Vigil] bye\u009b2J\nnext', true)).toBe('\r\n[Vigil] bye2J\r\nnext\r\n');
    expect(terminalNotice('[Vigil] bye\x1b[31m', false)).toBe('[Vigil] bye[31m\n');
  });
});

describe('describeForwardEvent', () => {
  it('says what a tunnel channel carried, in one line a terminal cannot be steered by', () => {
    expect(describeForwardEvent({ phase: 'open', channel: 1, kind: 'direct-tcpip', username: 'alice', destination: '10.0.0.5:5432', origin: '127.0.0.1:5000' })).toBe(
      '[Vigil] #1 open: local forward (-L/-W/-D) to 10.0.0.5:5432 from 127.0.0.1:5000',
    );
    expect(
      describeForwardEvent({
        phase: 'close',
        channel: 1,
        kind: 'direct-tcpip',
        username: 'alice',
        destination: 'db\x1b[2J:5432',
        bytesToTarget: 12,
        bytesFromTarget: 3400,
        durationMs: 2_150,
      }),
    ).toBe('[Vigil] #1 closed: local forward (-L/-W/-D) to db[2J:5432, 12 bytes to the target, 3400 bytes from it, after 2.1 s');
  });
});
