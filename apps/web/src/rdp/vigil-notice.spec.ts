import { MAX_NOTICE_TEXT, NOTICE_OPCODE, parseNotice, withNotices, type VigilNotice } from './vigil-notice';

describe('vigil-notice instructions in the RDP user tunnel', () => {
  it.each(['watching', 'left', 'control', 'paused', 'resumed', 'ended'])('reads a %s notice', (kind) => {
    expect(parseNotice(NOTICE_OPCODE, [kind, 'alice is watching'])).toEqual({ kind, text: 'alice is watching' });
  });

  it.each([
    ['another opcode', 'sync', ['watching', 'x']],
    ['no args', NOTICE_OPCODE, []],
    ['one arg', NOTICE_OPCODE, ['watching']],
    ['unknown kind', NOTICE_OPCODE, ['hacked', 'x']],
    ['kind in another case', NOTICE_OPCODE, ['WATCHING', 'x']],
    ['empty text', NOTICE_OPCODE, ['left', '']],
    ['only control characters', NOTICE_OPCODE, ['left', '\u0007\u0000\n']],
    ['a non-string text', NOTICE_OPCODE, ['left', 42]],
  ])('refuses %s', (_name, opcode, args) => {
    expect(parseNotice(opcode as string, args as unknown[])).toBeNull();
  });

  it('cuts oversized text and flattens control characters', () => {
    const notice = parseNotice(NOTICE_OPCODE, ['watching', `bob\u001b[31m\nis ${'x'.repeat(10_000)}`]);
    expect(notice?.text.startsWith('bob [31m is x')).toBe(true);
    expect([...notice!.text]).toHaveLength(MAX_NOTICE_TEXT);
  });

  it('passes every other instruction to the original handler, in order and unchanged, and takes notices out', () => {
    const seen: Array<[string, unknown[]]> = [];
    const notices: VigilNotice[] = [];
    const handler = withNotices((opcode, args) => seen.push([opcode, args]), (n) => notices.push(n));
    handler('size', ['0', '1024', '768']);
    handler(NOTICE_OPCODE, ['watching', 'admin is watching (view)']);
    handler('img', ['1', '14', '0', 'image/png', '0', '0']);
    handler(NOTICE_OPCODE, ['nonsense', 'dropped']);
    handler(NOTICE_OPCODE, ['control', 'ivan took control']);
    handler('sync', ['123']);
    expect(seen).toEqual([
      ['size', ['0', '1024', '768']],
      ['img', ['1', '14', '0', 'image/png', '0', '0']],
      ['sync', ['123']],
    ]);
    expect(notices).toEqual([
      { kind: 'watching', text: 'admin is watching (view)' },
      { kind: 'control', text: 'ivan took control' },
    ]);
  });

  it('survives a tunnel without a handler yet', () => {
    const notices: VigilNotice[] = [];
    const handler = withNotices(null, (n) => notices.push(n));
    expect(() => handler('sync', ['1'])).not.toThrow();
    handler(NOTICE_OPCODE, ['paused', 'admin paused your keyboard']);
    expect(notices).toHaveLength(1);
  });
});
