import { PrincipalCache } from './principal-cache';

describe('PrincipalCache', () => {
  it('forgets entries after the TTL and never outlives the token', () => {
    const cache = new PrincipalCache<string>(1000);
    cache.set('a', 'alice', 0);
    cache.set('b', 'bob', 0, 500);
    expect(cache.get('a', 999)).toBe('alice');
    expect(cache.get('a', 1000)).toBeUndefined();
    expect(cache.get('b', 499)).toBe('bob');
    expect(cache.get('b', 500)).toBeUndefined();
  });

  it('stays bounded, evicting the oldest entry', () => {
    const cache = new PrincipalCache<number>(10_000, 2);
    cache.set('1', 1, 0);
    cache.set('2', 2, 0);
    cache.set('3', 3, 0);
    expect(cache.get('1', 1)).toBeUndefined();
    expect(cache.get('3', 1)).toBe(3);
  });

  it('drops an entry on delete (logout)', () => {
    const cache = new PrincipalCache<number>(10_000);
    cache.set('x', 1, 0);
    cache.delete('x');
    expect(cache.get('x', 1)).toBeUndefined();
  });
});
