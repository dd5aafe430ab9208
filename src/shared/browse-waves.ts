import type { GlobalBucket, ProfileWrite } from './profile.ts';
import { SLOT_MINUTES, agentSliceId } from './login-waves.ts';

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

/** The counter names of a slice (a slot, a browser family): its views, and its starts per cell. */
interface SliceNames {
  views: string;
  starts: readonly string[];
}

const namesOf = (views: string): SliceNames => ({
  views,
  starts: Array.from({ length: CELLS }, (_, cell) => `${views}s${cell}`),
});

// Built once: a page view and a start's wave check look up a dozen names, not build them.
const SLOT_NAMES: readonly SliceNames[] = Array.from({ length: SLOTS }, (_, slot) => namesOf(`v${slot}`));
const FAMILY_NAMES = new Map<string, SliceNames>();

function familyNames(agent: string): SliceNames {
  const slice = agentSliceId(agent);
  let names = FAMILY_NAMES.get(slice);
  if (!names) FAMILY_NAMES.set(slice, (names = namesOf(`v${slice}`)));
  return names;
}

/**
 * The counter names one page view adds 1 to.
 *
 * @example
 * ```ts
 * browseCounts({ start: true, cell: 1, agent: 'chrome 131' }, at); // → ['v3', 'vg17', 'v3s1', 'vg17s1']
 * ```
 */
export function browseCounts(view: BrowseCount, at: number): string[] {
  const slot = SLOT_NAMES[slotOf(at)]!;
  const family = view.agent === undefined ? undefined : familyNames(view.agent);
  const names = [slot.views];
  if (family) names.push(family.views);
  if (view.start) {
    names.push(slot.starts[view.cell]!);
    if (family) names.push(family.starts[view.cell]!);
  }
  return names;
}

/** Which starts a tally counts: all of them, or one cell's. */
export type StartSlice = { cell?: number };

/** The starts (of the slice) and the views of clients seen before, of one slice of one bucket. */
function tally(b: GlobalBucket, names: SliceNames, slice: StartSlice): Share {
  const w = b.waves;
  if (!w) return { count: 0, total: 0 };
  let starts = 0;
  for (const name of names.starts) starts += w[name] ?? 0;
  const count = slice.cell === undefined ? starts : (w[names.starts[slice.cell]!] ?? 0);
  return { count, total: (w[names.views] ?? 0) - starts };
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
  // Buckets are oldest first: walk back from the newest to the first that ends before `from`.
  for (let i = buckets.length - 1; i >= 0; i--) {
    const b = buckets[i]!;
    if (b.start + 3_600_000 <= from) break;
    if (b.start > to) continue;
    for (let slot = 0; slot < SLOTS; slot++) {
      const start = b.start + slot * SLOT_MS;
      if (start < from || start > to) continue;
      const s = tally(b, SLOT_NAMES[slot]!, slice);
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
 * the family's views of clients seen before (newest first).
 */
export function familyStarts(
  buckets: readonly GlobalBucket[],
  from: number,
  to: number,
  agent: string,
  cell: number,
): Share[] {
  const names = familyNames(agent);
  const out: Share[] = [];
  for (let i = buckets.length - 1; i >= 0 && buckets[i]!.start >= from; i--) {
    if (buckets[i]!.start <= to) out.push(tally(buckets[i]!, names, { cell }));
  }
  return out;
}
