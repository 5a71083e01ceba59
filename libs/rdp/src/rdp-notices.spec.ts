import { controlNotice } from '@vigil/shadowing';
import { parseInstructions } from './guacamole-instructions';
import { NOTICE_OPCODE, noticeInstruction } from './rdp-notices';

describe('vigil-notice instructions', () => {
  it('is one whole instruction whose lengths count code points', () => {
    const text = 'zoë 🙂 took control of this session';
    const wire = noticeInstruction('control', text);
    expect(wire).toBe(`12.vigil-notice,7.control,${[...text].length}.${text};`);
    expect(parseInstructions(wire)).toEqual([{ opcode: NOTICE_OPCODE, args: ['control', text] }]);
  });

  it('survives text that looks like protocol (commas, semicolons, digits and dots)', () => {
    const text = '4.size,1.0;3.nop;';
    expect(parseInstructions(noticeInstruction('ended', text))).toEqual([{ opcode: NOTICE_OPCODE, args: ['ended', text] }]);
  });

  it('bounds a huge text and still parses', () => {
    const parsed = parseInstructions(noticeInstruction('ended', '🙂'.repeat(50_000)));
    expect(parsed).toHaveLength(1);
    expect([...parsed![0].args[1]].length).toBe(1_000);
  });

  it('uses the control texts of the live layer', () => {
    expect(controlNotice('ivan', 'take')).toEqual({ line: 'ivan took control of this session', kind: 'control' });
    expect(controlNotice('ivan', 'handback')).toEqual({ line: 'ivan handed control back', kind: 'control' });
    expect(controlNotice('ivan', 'pause-user')).toEqual({ line: 'ivan paused your keyboard and mouse: what you type is not sent until it is resumed', kind: 'paused' });
    // a terminal's user is told they keep their keyboard while a viewer holds control
    expect(controlNotice('ivan', 'take', 'terminal').line).toBe('ivan took control of this session: their keys reach your shell too (you keep your keyboard)');
    expect(controlNotice('ivan', 'pause-user', 'terminal').line).toBe('ivan paused your keyboard: what you type is not sent until it is resumed');
    expect(controlNotice('ivan', 'resume-user')).toEqual({ line: 'ivan resumed your keyboard and mouse', kind: 'resumed' });
  });
});
