import type { Share } from '../shared/browse-waves.ts';

/*
 * The measure behind the shop-wide waves (login failures, browse starts): a count within a total
 * (failures among logins, starts among page views) in a recent window, against the share it has
 * in the slice's own trailing baseline.
 *
 * The odds that one counted event of the window belongs to the wave are the excess over what the
 * baseline share explains: (observed - expected) / expected, with the wave's own events counted in
 * the total as if they were customers' (which makes the estimate cautious). A wave must also be
 * significant: its Poisson log-likelihood ratio against the baseline (in nats) reaches
 * `minSignificance`, so that a few chance events in a quiet slice are no wave.
 */

/** A recent share significantly above its baseline. */
export interface Excess {
  share: number;
  baselineShare: number;
  /** ln of the odds that a counted event of the window is the wave's. */
  oddsNats: number;
}

/**
 * The baseline share of a slice: the median of its hourly shares where an hour had a total of
 * `minHourTotal` or more (a wave lasting hours then lifts only the hours it covers, not the
 * median), else the pooled share of the whole baseline; both smoothed.
 */
export function baselineShare(hours: readonly Share[], minHourTotal: number): number {
  const shares = hours
    .filter((h) => h.total >= minHourTotal)
    .map((h) => (h.count + 0.5) / (h.total + 1))
    .sort((a, b) => a - b);
  if (shares.length >= 6) return shares[shares.length >> 1]!;
  let n = 0;
  let k = 0;
  for (const h of hours) {
    n += h.total;
    k += h.count;
  }
  return (k + 0.5) / (n + 1);
}

/** The excess of a recent share over the baseline share `p0`, when it is a significant one. */
export function excessOver(
  recent: Share,
  p0: number,
  s: { minWaveCount: number; minSignificance: number },
): Excess | undefined {
  const { count, total } = recent;
  if (count < s.minWaveCount) return undefined;
  const expected = p0 * total;
  if (count <= expected) return undefined;
  const significance = count * Math.log(count / expected) - (count - expected);
  if (significance < s.minSignificance) return undefined;
  return { share: count / total, baselineShare: p0, oddsNats: Math.log((count - expected) / expected) };
}
