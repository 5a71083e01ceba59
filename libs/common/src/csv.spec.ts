import { csvCell, toCsv } from './csv';
import { SESSION_COLUMNS, UnknownColumnError, pickColumns } from './session-columns';
import type { SessionView } from './session-attributes';

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['with,comma', '"with,comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', "'+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2', "'-2"],
  ])('escapes %j as %j', (input, expected) => expect(csvCell(input)).toBe(expected));

  it('leaves numbers alone and writes null as empty', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });

  it('writes the chosen columns in the chosen order', () => {
    const row = { user: 'jdoe', type: 'PAM_SSH', port: 22, startDate: '2026-01-01T00:00:00.000Z' } as SessionView;
    const columns = pickColumns(SESSION_COLUMNS, ['port', 'user', 'duration']);
    expect(toCsv(columns, [row], Date.parse('2026-01-01T00:01:30.000Z'))).toBe('Port,User,Duration (s)\r\n22,jdoe,90\r\n');
  });

  it('names unknown columns instead of ignoring them', () => {
    expect(() => pickColumns(SESSION_COLUMNS, ['user', 'salary', 'shoe'])).toThrow(UnknownColumnError);
    expect(() => pickColumns(SESSION_COLUMNS, ['salary'])).toThrow(/unknown column\(s\) salary/);
  });
});
