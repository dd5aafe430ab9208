import type { Observation } from '../shared/profile.ts';
import type { Pseudonym } from '../shared/pseudonymise.ts';

/** How often an entity has shown each value of one feature (its devices, its networks). */
export interface ValueCounts {
  /** Observations that had a value. */
  n: number;
  counts: Map<Pseudonym, number>;
  /**
   * The chance that the entity's next observation brings a value it never showed: a Good-Turing
   * style estimate from how many distinct values its history shows, (distinct + 1) / (n + 2).
   * It keeps customers whose values rotate (4G, relays) quiet and makes a new value count for
   * customers who always use the same one.
   */
  newChance: number;
}

/** The values `pick` finds in `history`, and the chance of a new one. */
export function valueCounts(
  history: readonly Observation[],
  pick: (o: Observation) => Pseudonym | undefined,
): ValueCounts {
  const counts = new Map<Pseudonym, number>();
  let n = 0;
  for (const o of history) {
    const v = pick(o);
    if (v === undefined) continue;
    n++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return { n, counts, newChance: (counts.size + 1) / (n + 2) };
}

/**
 * The chance that the entity's next observation switches to a value it never showed, shrunk
 * towards the shop-wide `prior` with the weight of `weight` observations: the switches its
 * history shows (every distinct value after the first) over its chances to switch. A customer
 * with one or two logins has said little about their habits; the prior speaks for them until
 * they have.
 */
export const switchChance = (known: ValueCounts, prior: number, weight: number): number =>
  (Math.max(0, known.counts.size - 1) + weight * prior) / (Math.max(0, known.n - 1) + weight);
