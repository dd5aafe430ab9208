import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/demo/random.ts';

describe('mulberry32', () => {
  it('draws uniform in [0, 1) and repeatable', () => {
    // Prepare
    const a = mulberry32(123);
    const b = mulberry32(123);

    // Act
    const draws = Array.from({ length: 10_000 }, () => a());

    // Assess
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(draws);
  });
});
