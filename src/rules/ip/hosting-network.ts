import { defineRule } from '../rule.ts';

/**
 * Hosting, cloud and VPS networks are where automated attacks come from, but
 * also where privacy VPNs and corporate proxies live, so on its own this is a
 * weak signal that needs company (verified search-engine crawlers excepted).
 */
export const hostingNetwork = defineRule({
  code: 'HOSTING_NETWORK',
  description: 'The client address belongs to a hosting, cloud or VPS network',
  appliesTo: ['login', 'browse', 'order'],
  defaults: { enabled: true, shadow: false, points: 10 },
  evaluate: (event) =>
    event.hosting !== undefined &&
    event.crawler === undefined && {
      message: `client address is in a hosting network (${event.hosting.name})`,
      evidence: { provider: event.hosting.name, ...(event.hosting.asn ? { asn: event.hosting.asn } : {}) },
    },
});
