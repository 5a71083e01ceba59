import { formatHeaderLine, parseSize, roundToMicroseconds } from './asciicast-format';

describe('asciicast format', () => {
  it('rounds times to at most six decimals, printed without exponent notation', () => {
    expect(roundToMicroseconds(1.23456789)).toBe(1.234568);
    expect(roundToMicroseconds(0.0000004)).toBe(0);
    expect(String(roundToMicroseconds(0.000001))).toBe('0.000001');
    expect(String(roundToMicroseconds(86_400.1234567))).toBe('86400.123457');
  });

  it('writes header keys in the canonical order, omitting absent optional ones', () => {
    expect(formatHeaderLine({ env: { A: 'b' }, height: 2, width: 3, version: 2 })).toBe(
      '{"version":2,"width":3,"height":2,"env":{"A":"b"}}\n',
    );
  });

  it('parses only well-formed COLSxROWS sizes', () => {
    expect(parseSize('80x24')).toEqual({ cols: 80, rows: 24 });
    for (const bad of ['0x24', '80x', 'x24', '80X24', '080x24', ' 80x24', '80x24\n', '1e2x3']) {
      expect(parseSize(bad)).toBeUndefined();
    }
  });
});
