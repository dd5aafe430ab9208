import { type Share, cellOf, familyStarts, hourStarts, slotStarts } from '../shared/browse-waves.ts';
import type { EventFacts } from '../shared/facts.ts';
import { SLOT_MINUTES } from '../shared/login-waves.ts';
import type { GlobalBucket } from '../shared/profile.ts';
import { type Excess, baselineShare, excessOver } from './excess.ts';
import { type ProfileView, minutes } from './rule.ts';

/*
 * Whether a page view is part of a scraping wave: the starts (first requests of anonymous
 * clients, src/shared/browse-waves.ts), all of them, those of this one's cell (device id, session
 * id, product page) or of its browser family, against the views of clients seen before, compared
 * with that slice's trailing baseline (src/rules/excess.ts). The reference is the traffic a
 * scraping wave does not add to, so the odds keep growing with the wave rather than stopping
 * where starts are all of the traffic.
 */

/** The parameters of the browse wave measure (the rule's `defaults` carries them). */
export interface BrowseWaveSettings {
  /** The recent window of the shop-wide and per-cell slices, minutes. */
  recentMinutes: number;
  /** The trailing baseline, hours (the hour holding the event and the one before left out). */
  baselineHours: number;
  /** Hours with fewer page views in a slice do not enter the median of its hourly shares. */
  minHourViews: number;
  /**
   * Fewer views of known clients in a slice's whole baseline, and it has none: a shop (or a
   * browser family) just starting to be counted has no usual mix yet to stand out from.
   */
  minBaselineViews: number;
  minWaveStarts: number;
  minSignificance: number;
}

/** A browse wave found in one slice. */
export interface BrowseWave extends Excess {
  slice: 'cell' | 'browser';
  /** Starts (of the slice) in the recent window, with this one, and views of clients seen before. */
  starts: number;
  views: number;
}

const HOUR = 3_600_000;

/** Whether this page view is a start: an anonymous client's first request. */
export const isStart = (event: EventFacts, view: ProfileView): boolean =>
  event.browse !== undefined && !event.subject && view.observations('client', event.client).length === 0;

/** The tally with this start in it (a start adds to the count, not to the views of known clients). */
const withThis = (s: Share): Share => ({ count: s.count + 1, total: s.total });

const sum = (shares: readonly Share[]): Share =>
  shares.reduce((a, b) => ({ count: a.count + b.count, total: a.total + b.total }), { count: 0, total: 0 });

/**
 * Baseline rates already worked out, per set of buckets (a store keeps one array of them), by
 * hour, slice and settings. A baseline covers closed hours only (two and more before the event's),
 * which no later page view of the replay or the stream adds to, so a start during a wave does not
 * sum the trailing day again.
 */
const baselines = new WeakMap<readonly GlobalBucket[], Map<string, number>>();
const BASELINES_MAX = 4096;

function baselineOf(buckets: readonly GlobalBucket[], key: string, compute: () => number): number {
  let known = baselines.get(buckets);
  if (!known) baselines.set(buckets, (known = new Map()));
  let rate = known.get(key);
  if (rate === undefined) {
    if (known.size >= BASELINES_MAX) known.clear();
    known.set(key, (rate = compute()));
  }
  return rate;
}

/** No baseline: the trailing day saw too few views of known clients to tell the shop's usual mix. */
const UNKNOWN = -1;

function knownBaseline(hours: readonly Share[], s: BrowseWaveSettings): number {
  const views = hours.reduce((n, h) => n + h.total, 0);
  return views < s.minBaselineViews ? UNKNOWN : baselineShare(hours, s.minHourViews);
}

/** The strongest wave among the slices this start falls in; undefined when there is none. */
export function strongestBrowseWave(
  event: EventFacts,
  buckets: readonly GlobalBucket[],
  s: BrowseWaveSettings,
): BrowseWave | undefined {
  const at = event.at;
  const currentHour = Math.floor(at / HOUR) * HOUR;
  const baselineFrom = currentHour - (s.baselineHours + 1) * HOUR;
  const baselineTo = currentHour - 2 * HOUR;
  const slotFrom = at - minutes(s.recentMinutes) - minutes(SLOT_MINUTES) + 1;
  const cell = cellOf(event.device !== undefined, !event.sessionless, event.browse?.kind === 'product');
  const slices: { slice: BrowseWave['slice']; recent: Share; key: string; baseline: () => Share[] }[] = [
    {
      slice: 'cell',
      recent: slotStarts(buckets, slotFrom, at, { cell }),
      key: `c${cell}`,
      baseline: () => hourStarts(buckets, baselineFrom, baselineTo, { cell }),
    },
  ];
  const agent = event.userAgent?.family;
  if (agent !== undefined) {
    slices.push({
      slice: 'browser',
      recent: sum(familyStarts(buckets, currentHour - HOUR, currentHour, agent, cell)),
      key: `c${cell}g${agent}`,
      baseline: () => familyStarts(buckets, baselineFrom, baselineTo, agent, cell),
    });
  }
  let best: BrowseWave | undefined;
  for (const { slice, recent, key, baseline } of slices) {
    const now = withThis(recent);
    if (now.count < s.minWaveStarts) continue;
    const p0 = baselineOf(
      buckets,
      `${currentHour}:${s.baselineHours}:${s.minHourViews}:${s.minBaselineViews}:${key}`,
      () => knownBaseline(baseline(), s),
    );
    if (p0 === UNKNOWN) continue;
    const excess = excessOver(now, p0, {
      ...s,
      minWaveCount: s.minWaveStarts,
    });
    if (excess && (!best || excess.oddsNats > best.oddsNats)) {
      best = { slice, starts: now.count, views: now.total, ...excess };
    }
  }
  return best;
}

const SLICE_NAMES: Readonly<Record<BrowseWave['slice'], string>> = {
  cell: 'the whole shop',
  browser: 'this browser family',
};

/** The message naming a browse wave: its slice, its rate against the baseline. */
export function browseWaveMessage(wave: BrowseWave): string {
  const ratio = wave.share / wave.baselineShare;
  return `first requests of new anonymous clients like this one (device id, session, product page) in ${SLICE_NAMES[wave.slice]} are ${ratio.toFixed(1)}x their usual rate (${wave.starts} against ${wave.views} views of known clients)`;
}

/** A browse wave as evidence: counts and rates only. */
export function browseWaveEvidence(wave: BrowseWave): Record<string, number | string> {
  return {
    slice: wave.slice,
    starts: wave.starts,
    views: wave.views,
    rate: Number(wave.share.toFixed(3)),
    baselineRate: Number(wave.baselineShare.toFixed(4)),
  };
}
