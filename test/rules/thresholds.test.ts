import { describe, expect, it } from 'vitest';
import { thresholdsFor } from '../../src/rules/thresholds.ts';

/** `n` events scoring `score` each. */
const many = (n: number, score: number): number[] => Array.from({ length: n }, () => score);

describe('thresholdsFor', () => {
  it('picks the lowest thresholds that flag at most the target shares', () => {
    // Prepare: 1,000 events; 10 score 50, 2 score 90, the rest 0 to 20.
    const scores = [...many(988, 0).map((_, i) => i % 21), ...many(10, 50), ...many(2, 90)];

    // Act
    const c = thresholdsFor(scores, { review: 0.012, deny: 0.002 });

    // Assess: from 21 up only the 12 high scores remain (1.2 %); above 50 only the 2 at 90 (0.2 %).
    expect(c.thresholds).toEqual({ review: 21, deny: 51 });
    expect(c.rates).toEqual({ review: 0.012, deny: 0.002 });
    expect(c.events).toBe(1000);
  });

  it('moves the review threshold up when the budget is smaller', () => {
    // Prepare
    const scores = [...many(988, 0), ...many(10, 50), ...many(2, 90)];

    // Act
    const c = thresholdsFor(scores, { review: 0.005, deny: 0.001 });

    // Assess: 50 flags 1.2 %, over budget; 51 flags 0.2 %. Deny: even 90 flags 0.2 % > 0.1 %.
    expect(c.thresholds).toEqual({ review: 51, deny: 91 });
    expect(c.rates.deny).toBe(0);
  });

  it('stays at 100 when even the highest score is more common than the target', () => {
    // Act
    const c = thresholdsFor([...many(90, 0), ...many(10, 100)], { review: 0.05, deny: 0.01 });

    // Assess
    expect(c.thresholds).toEqual({ review: 100, deny: 100 });
    expect(c.rates.review).toBeCloseTo(0.1);
  });

  it('never puts a threshold at 0, which would flag every event', () => {
    // Act
    const c = thresholdsFor(many(5, 0), { review: 0.5, deny: 0.1 });

    // Assess
    expect(c.thresholds).toEqual({ review: 1, deny: 1 });
    expect(c.rates).toEqual({ review: 0, deny: 0 });
  });

  it.each([
    [{ review: 1, deny: 0.1 }, 'review rate'],
    [{ review: 0.1, deny: -0.1 }, 'deny rate'],
    [{ review: 0.01, deny: 0.1 }, 'deny rate: must not exceed'],
  ])('rejects the budget %j naming the rate', (target, message) => {
    expect(() => thresholdsFor([1, 2], target)).toThrow(message);
  });

  it('refuses to calibrate on nothing', () => {
    expect(() => thresholdsFor([], { review: 0.1, deny: 0.01 })).toThrow('no scores');
  });
});
