import { defineRule } from '../rule.ts';
import { browseWaveEvidence, browseWaveMessage, isStart, strongestBrowseWave } from '../browse-waves.ts';

const DEFAULTS = {
  enabled: true,
  shadow: false,
  points: 40,
  recentMinutes: 10,
  baselineHours: 24,
  minHourViews: 50,
  minBaselineViews: 200,
  minWaveStarts: 5,
  minSignificance: 8,
  pointsPerNat: 10,
  maxPoints: 60,
};

/**
 * Scraping spread over rotating residential addresses (OWASP OAT-011): every request from another
 * address, a human browser's user agent, no session kept, so no client ever makes a second
 * request and no single request looks wrong. The shop's mix does: the share of its page views
 * that are starts (first requests of anonymous clients) rises far above its own baseline, in the
 * whole shop, in the starts that look like this one (device id, session, product page) or in one
 * browser family (src/rules/browse-waves.ts). A sale day brings more visitors who each read as
 * many pages, and leaves the share where it was.
 *
 * A start is flagged when it fits such a wave: points are the log odds that a start of that
 * slice is the wave's. Allow-listed clients and verified crawlers are left alone, and so is a
 * start from an address a customer signed in from: a customer opening a new visit at home, not a
 * proxy's exit, which a rotating scraper uses once.
 */
export const distributedScraping = defineRule({
  code: 'DISTRIBUTED_SCRAPING',
  description: 'Anonymous first request in a shop-wide surge of clients that never make a second one',
  appliesTo: ['browse'],
  group: 'automation',
  defaults: DEFAULTS,
  evaluate: (event, view, s) => {
    if (event.knownClient || event.crawler || !isStart(event, view)) return undefined;
    if (view.observations('ip', event.ip.id).some((o) => o.subject)) return undefined;
    const wave = strongestBrowseWave(event, view.global.buckets, s);
    if (!wave) return undefined;
    const points = Math.min(s.maxPoints, Math.round(wave.oddsNats * s.pointsPerNat));
    return points > 0 && { message: browseWaveMessage(wave), evidence: browseWaveEvidence(wave), points };
  },
});
