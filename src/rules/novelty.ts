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

/**
 * The chance that the entity's next observation is new on every feature `picks` reads at once
 * (a device and a network it never showed together, a new place), shrunk towards the shop-wide
 * `prior` with the weight of `weight` observations: the observations after the first that were
 * new on all of them when they came, over the chances to be. A customer with two devices and a
 * phone roaming on 4G brings many new combinations, but rarely a device and a network both new.
 */
export function jointSwitchChance(
  history: readonly Observation[],
  picks: readonly ((o: Observation) => Pseudonym | undefined)[],
  prior: number,
  weight: number,
): number {
  const seen = picks.map(() => new Set<Pseudonym>());
  let n = 0;
  let switches = 0;
  for (const o of history) {
    const values = picks.map((pick) => pick(o));
    if (values.some((v) => v === undefined)) continue;
    if (n > 0 && values.every((v, i) => !seen[i]!.has(v!))) switches++;
    values.forEach((v, i) => seen[i]!.add(v!));
    n++;
  }
  return (switches + weight * prior) / (Math.max(0, n - 1) + weight);
}
