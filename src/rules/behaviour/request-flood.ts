import { defineRule } from '../rule.ts';

/**
 * A flood of page requests from one address by clients that keep no session
 * (no cookie: scripts, not browsers), the shape of a denial-of-service or a
 * cache-busting crawl even when it rotates user agents or random paths
 * (CrowdSec's http-dos-random-uri and http-dos-switching-ua). Browsers behind
 * one office or carrier address each keep their own session and do not count.
 * The size of a flood is CrowdSec's: its http-dos scenarios' buckets hold 30
 * requests (github.com/crowdsecurity/hub, scenarios/crowdsecurity/http-dos-*),
 * and a script's burst of a dozen or two page loads is not yet one.
 */
export const requestFlood = defineRule({
  code: 'REQUEST_FLOOD',
  description: 'Many session-less page requests from one address within seconds',
  appliesTo: ['browse'],
  group: 'automation',
  defaults: { enabled: true, shadow: false, points: 40, windowSeconds: 10, minRequests: 30 },
  evaluate: (event, view, s) => {
    if (!event.sessionless || event.crawler) return undefined;
    const from = event.at - s.windowSeconds * 1000;
    const history = view.observations('ip', event.ip.id);
    let requests = 1;
    for (let i = history.length - 1; i >= 0 && requests < s.minRequests; i--) {
      const o = history[i]!;
      if (o.at > event.at) continue;
      if (o.at < from) break;
      if (o.sessionless && (o.kind === 'browse' || o.kind === 'search')) requests++;
    }
    if (requests < s.minRequests) return undefined;
    return {
      message: `at least ${requests} session-less requests from this address within ${s.windowSeconds} s`,
      evidence: { requests, windowSeconds: s.windowSeconds },
    };
  },
});
