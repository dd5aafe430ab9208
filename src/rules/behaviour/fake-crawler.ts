import { defineRule } from '../rule.ts';

/**
 * Claims to be Googlebot, bingbot or an allow-listed declared crawler but does
 * not come from that crawler's published ranges: scrapers borrow those names to
 * get past bot filters (Google documents the check:
 * developers.google.com/search/docs/crawling-indexing/verifying-googlebot).
 */
export const fakeCrawler = defineRule({
  code: 'FAKE_CRAWLER',
  description: "User agent claims a known crawler but the address is not in that crawler's ranges",
  appliesTo: ['login', 'browse', 'order'],
  group: 'automation',
  defaults: { enabled: true, shadow: false, points: 50 },
  evaluate: (event) =>
    event.userAgent?.claimsCrawler === true &&
    !event.crawler && {
      message: 'user agent claims a known crawler from an address outside its published ranges',
      evidence: { userAgent: 'crawler-claim' },
    },
});
