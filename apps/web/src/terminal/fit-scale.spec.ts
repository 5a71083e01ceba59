import { MIN_TERMINAL_ZOOM, fitScale, storeSizing, storedSizing } from './fit-scale';

describe('fitScale', () => {
  it('shrinks a wide terminal to the width available, never enlarges a narrow one', () => {
    expect(fitScale(1500, 750)).toBe(0.5);
    expect(fitScale(600, 1200)).toBe(1);
  });
  it('has a readable floor and survives nonsense sizes', () => {
    expect(fitScale(10_000, 100)).toBe(MIN_TERMINAL_ZOOM);
    expect(fitScale(0, 500)).toBe(1);
    expect(fitScale(500, Number.NaN)).toBe(1);
  });
});

describe('the sizing choice', () => {
  it('defaults to fit, remembers 1:1, and tolerates a storage that throws', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(storedSizing(storage)).toBe('fit');
    storeSizing('actual', storage);
    expect(storedSizing(storage)).toBe('actual');
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(storedSizing(broken)).toBe('fit');
    expect(() => storeSizing('fit', broken)).not.toThrow();
  });
});
