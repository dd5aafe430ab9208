import { describe, expect, it } from 'vitest';
import { TwoGenerationCache } from '../../src/shared/cache.ts';

/**
 * Which of `keys` a cache filled by `fill` answers. A hit in the old
 * generation promotes (moves entries), so every key is probed on a freshly
 * filled cache: the answer describes the state right after `fill`.
 */
function reachable(
  max: number,
  fill: (cache: TwoGenerationCache<string, number>) => void,
  keys: readonly string[],
) {
  return keys.filter((k) => {
    const cache = new TwoGenerationCache<string, number>(max);
    fill(cache);
    return cache.get(k) !== undefined;
  });
}

const keysOf = (n: number, prefix = 'k'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('TwoGenerationCache', () => {
  it('returns what was set, and set returns the value it stores', () => {
    // Prepare
    const cache = new TwoGenerationCache<string, number>(10);

    // Act
    const returned = cache.set('a', 1);

    // Assess
    expect(returned).toBe(1);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
  });

  it('replaces the value of a key that is set again', () => {
    // Prepare
    const cache = new TwoGenerationCache<string, number>(10);
    cache.set('a', 1);

    // Act
    cache.set('a', 2);

    // Assess
    expect(cache.get('a')).toBe(2);
  });

  it.each([1, 2, 10, 100])(
    'never keeps more than 2 x max entries reachable (max %i, after 5 x max + 3 distinct keys)',
    (max) => {
      // Prepare
      const keys = keysOf(5 * max + 3);
      const fill = (cache: TwoGenerationCache<string, number>) => keys.forEach((k, i) => cache.set(k, i));

      // Act
      const hits = reachable(max, fill, keys);

      // Assess
      expect(hits.length).toBeLessThanOrEqual(2 * max);
    },
  );

  it('always keeps at least the max most recently set keys', () => {
    // Prepare
    const max = 100;
    const keys = keysOf(350);
    const fill = (cache: TwoGenerationCache<string, number>) => keys.forEach((k, i) => cache.set(k, i));
    const newest = keys.slice(-max);

    // Act
    const hits = reachable(max, fill, newest);

    // Assess
    expect(hits).toEqual(newest);
  });

  it('drops the oldest generation whole when the young one is full', () => {
    // Prepare: with max 100, keys 0–99 fill the first generation, 100–199 the second, 200–299 the third.
    const max = 100;
    const keys = keysOf(350);
    const fill = (cache: TwoGenerationCache<string, number>) => keys.forEach((k, i) => cache.set(k, i));

    // Act
    const hits = reachable(max, fill, keys);

    // Assess: 200–299 are the old generation, 300–349 the young one; everything before is gone.
    expect(hits).toEqual(keys.slice(200));
  });

  it('promotes a hit in the old generation, so a key in use survives any number of rotations', () => {
    // Prepare
    const max = 2;
    const cache = new TwoGenerationCache<string, number>(max);
    cache.set('hot', 42);
    cache.set('cold', 7);
    const seen: (number | undefined)[] = [];

    // Act: 40 new keys (20 rotations), reading 'hot' after each.
    for (const [i, k] of keysOf(40, 'new').entries()) {
      cache.set(k, i);
      seen.push(cache.get('hot'));
    }

    // Assess
    expect(seen).toEqual(Array.from({ length: 40 }, () => 42));
    expect(cache.get('cold')).toBeUndefined();
  });

  it('drops an unread key when its generation rotates out, but keeps the promoted one', () => {
    // Prepare
    const cache = new TwoGenerationCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3); // a and b move to the old generation

    // Act
    const promoted = cache.get('a'); // promotes a into the young generation beside c
    cache.set('d', 4); // young {c, a} becomes old; b is dropped
    cache.set('e', 5);

    // Assess
    expect(promoted).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
  });

  it('keeps a falsy value such as 0 or an empty string', () => {
    // Prepare
    const cache = new TwoGenerationCache<string, number | string>(10);

    // Act
    cache.set('zero', 0);
    cache.set('empty', '');

    // Assess
    expect(cache.get('zero')).toBe(0);
    expect(cache.get('empty')).toBe('');
  });
});
