import { csvFileName, parseCsv, pickRows, toCsv } from './csv-export';

describe('sessions CSV export', () => {
  const server = 'User,Account name,id\r\n"ops, ""night""",\'=HYPERLINK(1),s1\r\nkim,deploy,s2\r\njdoe,root,s3\r\n';

  it('parses and writes RFC 4180 back unchanged in content', () => {
    const rows = parseCsv(server);
    expect(rows).toEqual([
      ['User', 'Account name', 'id'],
      ['ops, "night"', "'=HYPERLINK(1)", 's1'],
      ['kim', 'deploy', 's2'],
      ['jdoe', 'root', 's3'],
    ]);
    expect(parseCsv(toCsv(rows))).toEqual(rows);
    expect(toCsv([['a b', ' lead', 'x\ny']])).toBe('a b," lead","x\ny"\r\n');
  });

  it('keeps only the rows shown, in the table order, and drops the id column it added', () => {
    const picked = pickRows(parseCsv(server), 2, ['s3', 's1', 'gone'], true);
    expect(picked).toEqual([
      ['User', 'Account name'],
      ['jdoe', 'root'],
      ['ops, "night"', "'=HYPERLINK(1)"],
    ]);
    expect(pickRows(parseCsv(server), 2, ['s2'], false)).toEqual([
      ['User', 'Account name', 'id'],
      ['kim', 'deploy', 's2'],
    ]);
    expect(pickRows([], 0, ['s1'], true)).toEqual([]);
  });

  it('names the file with the local date and time to the minute', () => {
    expect(csvFileName(new Date(2026, 11, 1, 16, 5, 59))).toBe('vigil-sessions-2026-12-01T16-05.csv');
  });
});
