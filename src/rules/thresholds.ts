/**
 * Review and deny thresholds derived from a target alert rate rather than set by hand: given the
 * scores of a period of traffic (a replay of last month, or the legitimate events of a labelled
 * set), the lowest thresholds that flag no more than the target share of it.
 */

/** Target shares of events at or above each threshold, e.g. `{ review: 0.004, deny: 0.001 }`. */
export interface AlertRates {
  review: number;
  deny: number;
}

/** The thresholds found, and the shares of the scored events they flag. */
export interface Calibration {
  thresholds: { review: number; deny: number };
  /**
   * The share of the scores at or above each threshold: at most the target, unless even a
   * threshold of 100 flags more (a period full of attacks), when the threshold stays at 100.
   */
  rates: AlertRates;
  /** How many scores the calibration saw. */
  events: number;
}

/** Scores are whole numbers from 0 to 100. */
const MAX_SCORE = 100;

/**
 * The lowest whole-number thresholds at which the share of `scores` at or above them is at most
 * the target rate, 100 at most. The deny threshold is never below the review threshold.
 *
 * @example
 * ```ts
 * thresholdsFor(replayedScores, { review: 0.004, deny: 0.001 });
 * // → { thresholds: { review: 38, deny: 71 }, rates: { review: 0.0039, deny: 0.0009 }, events: 189404 }
 * ```
 */
export function thresholdsFor(scores: Iterable<number>, target: AlertRates): Calibration {
  for (const [name, rate] of Object.entries(target)) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`${name} rate: expected a share from 0 to below 1`);
  }
  if (target.deny > target.review) throw new Error('deny rate: must not exceed the review rate');
  // atOrAbove[s]: how many scores are at least s.
  const atOrAbove = new Float64Array(MAX_SCORE + 2);
  let events = 0;
  for (const score of scores) {
    const s = Math.min(MAX_SCORE, Math.max(0, Math.round(score)));
    atOrAbove[s]!++;
    events++;
  }
  if (events === 0) throw new Error('no scores to calibrate on');
  for (let s = MAX_SCORE - 1; s >= 0; s--) atOrAbove[s]! += atOrAbove[s + 1]!;
  const lowest = (rate: number, from: number): number => {
    let t = from;
    while (t < MAX_SCORE && atOrAbove[t]! / events > rate) t++;
    return t;
  };
  // A threshold of 0 would flag everything: thresholds start at 1.
  const review = lowest(target.review, 1);
  const deny = lowest(target.deny, review);
  return {
    thresholds: { review, deny },
    rates: { review: atOrAbove[review]! / events, deny: atOrAbove[deny]! / events },
    events,
  };
}
