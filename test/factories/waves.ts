import type { GlobalBucket } from '../../src/shared/profile.ts';
import { FACT_AT, aGlobalBucket } from './facts.ts';

const HOUR = 3_600_000;

/**
 * A quiet trailing day before {@link FACT_AT} (which starts an hour): 24 hour buckets from 25 to
 * 2 hours before it, 100 logins each, 5 failures, 1 of them for an unknown username.
 */
export const quietDay = (): GlobalBucket[] =>
  Array.from({ length: 24 }, (_, i) => aGlobalBucket({ start: FACT_AT - (25 - i) * HOUR }));

/**
 * The hour before {@link FACT_AT} with `logins` in its last five-minute slot (slot 11, whole shop
 * and the password method), `unknown` of them failed for unknown usernames and `wrong` for
 * wrong passwords.
 */
export function lastSlot(logins: number, unknown: number, wrong: number): GlobalBucket {
  const counts = { l: logins, f: unknown + wrong, u: unknown };
  const waves: Record<string, number> = {};
  for (const slice of ['t11', 't11m0']) {
    for (const [counter, n] of Object.entries(counts)) if (n > 0) waves[`${slice}.${counter}`] = n;
  }
  return aGlobalBucket({
    start: FACT_AT - HOUR,
    logins,
    failures: unknown + wrong,
    unknownUserFailures: unknown,
    countries: {},
    waves,
  });
}
