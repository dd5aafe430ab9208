import type { GlobalBucket, ProfileWrite } from './profile.ts';
import { SLOT_MINUTES, agentSlice } from './login-waves.ts';

/*
 * The browse counters: how the shop's page views split between clients that keep state and
 * clients that start afresh with every request, kept beside the login waves in the hour buckets
 * of the shop-wide counters (`GlobalBucket.waves`, names without a dot so that they never meet a
 * login counter's):
 *
 * - `v<slot>`: page views of the five-minute slot (0 to 11), the shop's browse volume;
 * - `v<slot>s<cell>`: the starts among them: the first request of an anonymous client (no
 *   customer, a session or address-and-agent pair never seen before), split into cells by whether
 *   it carried a device id, a session id and landed on a product page (see {@link cellOf});
 * - `vg<n>` and `vg<n>s<cell>`: per hour, the views and the starts per cell of a user-agent family
 *   (hashed as the login waves' `g<n>`).
 *
 * A rotating scraper is all starts: each request comes from an address, session and often device
 * it never uses again. Customers start a visit once and read several pages. So a scraping wave
 * raises the starts (all of them, one cell's or one browser family's) against the views of
 * clients seen before, which it leaves alone; a sale day, which brings more visitors who each
 * read as many pages, raises both alike.
 */

const SLOT_MS = SLOT_MINUTES * 60_000;
const SLOTS = 12;
/** The cells of the starts: 2 (device id) x 2 (session id) x 2 (product page). */
export const CELLS = 8;

/** What the browse counters keep of one page view (coarse: no identifier of anyone). */
export type BrowseCount = NonNullable<ProfileWrite['browse']>;

/**
 * A count against a reference: the starts (of a slice) against the views of clients seen before
 * (the views that are not starts), which a scraping wave leaves unchanged.
 */
export interface Share {
  count: number;
  total: number;
}

/** The cell of a start: bit 2 a device id, bit 1 a session id, bit 0 a product page. */
export const cellOf = (device: boolean, session: boolean, product: boolean): number =>
  (device ? 4 : 0) + (session ? 2 : 0) + (product ? 1 : 0);

const slotOf = (at: number): number => Math.floor((at % 3_600_000) / SLOT_MS);

/**
 * The counter names one page view adds 1 to.
 *
 * @example
 * ```ts
 * browseCounts({ start: true, cell: 1, agent: 'chrome 131' }, at); // → ['v3', 'vg17', 'v3s1', 'vg17s1']
 * ```
 */
export function browseCounts(view: BrowseCount, at: number): string[] {
  const slot = slotOf(at);
  const family = view.agent === undefined ? undefined : `v${agentSlice(view.agent)}`;
  const names = [`v${slot}`];
  if (family) names.push(family);
  if (view.start) {
    names.push(`v${slot}s${view.cell}`);
    if (family) names.push(`${family}s${view.cell}`);
  }
  return names;
}

/** Which starts a slot tally counts: all of them, or one cell's. */
export type StartSlice = { cell?: number };

function slotShare(b: GlobalBucket, slot: number, slice: StartSlice): Share {
  const w = b.waves ?? {};
  let starts = 0;
  for (let c = 0; c < CELLS; c++) starts += w[`v${slot}s${c}`] ?? 0;
  const count = slice.cell === undefined ? starts : (w[`v${slot}s${slice.cell}`] ?? 0);
  return { count, total: (w[`v${slot}`] ?? 0) - starts };
}

/**
 * The starts (of the slice) against the views of clients seen before, over the five-minute slots
 * that start in `[from, to]`.
 */
export function slotStarts(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  slice: StartSlice,
): Share {
  const sum = { count: 0, total: 0 };
  for (const b of buckets) {
    if (b.start + 3_600_000 <= from || b.start > to) continue;
    for (let slot = 0; slot < SLOTS; slot++) {
      const start = b.start + slot * SLOT_MS;
      if (start < from || start > to) continue;
      const s = slotShare(b, slot, slice);
      sum.count += s.count;
      sum.total += s.total;
    }
  }
  return sum;
}

/** Per hour bucket starting in `[from, to]`, the starts (of the slice) against its views of clients seen before. */
export function hourStarts(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  slice: StartSlice,
): Share[] {
  return buckets
    .filter((b) => b.start >= from && b.start <= to)
    .map((b) => slotStarts([b], b.start, b.start + 3_600_000 - 1, slice));
}

/**
 * Per hour bucket starting in `[from, to]`, the starts of one cell and user-agent family against
 * the family's views of clients seen before.
 */
export function familyStarts(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  agent: string,
  cell: number,
): Share[] {
  const family = `v${agentSlice(agent)}`;
  return buckets
    .filter((b) => b.start >= from && b.start <= to)
    .map((b) => {
      const w = b.waves ?? {};
      let starts = 0;
      for (let c = 0; c < CELLS; c++) starts += w[`${family}s${c}`] ?? 0;
      return { count: w[`${family}s${cell}`] ?? 0, total: (w[family] ?? 0) - starts };
    });
}
