import { holdsNul } from './nul-characters';

describe('holdsNul', () => {
  it('finds U+0000 in any string of a parsed body, keys included, however nested', () => {
    expect(holdsNul({ a: 'x\u0000y' })).toBe(true);
    expect(holdsNul({ a: [{ b: ['ok', 'n\u0000'] }] })).toBe(true);
    expect(holdsNul({ ['k\u0000']: 1 })).toBe(true);
    expect(holdsNul('\u0000')).toBe(true);
  });

  it('passes bodies without it, including other control characters and falsy values', () => {
    expect(holdsNul({ a: 'tab\tnew\nline\u0001', b: 0, c: null, d: false, e: '', f: [0, ''] })).toBe(false);
    expect(holdsNul(undefined)).toBe(false);
  });
});
