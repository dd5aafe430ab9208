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

/**
 * The hour before {@link FACT_AT} with `logins` in its last ten seconds (and so in its last
 * five-minute slot), `unknown` of them failed for unknown usernames.
 */
export function lastTenSeconds(logins: number, unknown: number): GlobalBucket {
  const slot = lastSlot(logins, unknown, 0);
  const waves = { ...slot.waves, 'b359.l': logins, 'b359.f': unknown, 'b359.u': unknown };
  return { ...slot, waves };
}

/** Browse counters of one hour: in each five-minute slot `views` page views, and `starts` per cell. */
function browseWaves(views: number, starts: Readonly<Record<number, number>>, slots: readonly number[]) {
  const waves: Record<string, number> = {};
  for (const slot of slots) {
    waves[`v${slot}`] = views;
    for (const [cell, n] of Object.entries(starts)) waves[`v${slot}s${cell}`] = n;
  }
  return waves;
}

const ALL_SLOTS = Array.from({ length: 12 }, (_, i) => i);

/**
 * A trailing day of browsing before {@link FACT_AT}, as {@link quietDay}: in each five-minute
 * slot `views` page views and `starts` starts per cell (src/shared/browse-waves.ts).
 */
export const browseDay = (views: number, starts: Readonly<Record<number, number>>): GlobalBucket[] =>
  quietDay().map((b) => ({ ...b, waves: browseWaves(views, starts, ALL_SLOTS) }));

/** The hour before {@link FACT_AT} with `views` page views and `starts` per cell in its last slot only. */
export const browseLastSlot = (views: number, starts: Readonly<Record<number, number>>): GlobalBucket =>
  aGlobalBucket({ start: FACT_AT - HOUR, waves: browseWaves(views, starts, [11]) });
