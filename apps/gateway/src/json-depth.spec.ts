import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';

const objects = (depth: number) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown;
const arrays = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;

describe('nestedDeeperThan', () => {
  it('counts objects and arrays alike, the top level being 1', () => {
    expect(nestedDeeperThan({ a: 1 }, 1)).toBe(false);
    expect(nestedDeeperThan({ a: { b: 1 } }, 1)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: [] }] }, 4)).toBe(false);
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
  });

  it(`accepts exactly ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}`, () => {
    expect(nestedDeeperThan(objects(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(objects(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestedDeeperThan(arrays(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('finds a deep branch beside shallow ones', () => {
    const wide = { shallow: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: objects(100) };
    expect(nestedDeeperThan(wide, MAX_JSON_DEPTH)).toBe(true);
  });

  it('does not overflow the stack on 100,000 levels', () => {
    expect(nestedDeeperThan(arrays(100_000), MAX_JSON_DEPTH)).toBe(true);
  });
});
