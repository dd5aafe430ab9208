import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/**
 * A client or address asking for paths no shopper asks for (`isProbePath`): one such request can
 * be a typo or an old bookmark, several in a row are a scanner.
 */
export const probing = defineRule({
  code: 'PROBING',
  description: 'Requests for sensitive files, admin consoles, scripts or path traversal',
  appliesTo: ['browse'],
  defaults: {
    enabled: true,
    shadow: false,
    points: 45,
    firstProbePoints: 20,
    windowMinutes: 10,
    minProbes: 3,
  },
  evaluate: (event, view, s) => {
    if (!event.browse!.probe) return undefined;
    // Per client and per address: a scanner that draws a new user agent for each request is a
    // new client each time, but not a new address; shoppers behind one NAT do not probe.
    const probesIn = (kind: 'client' | 'ip', id: Pseudonym) =>
      recentOf(view.observations(kind, id), undefined, event.at, minutes(s.windowMinutes)).filter(
        (o) => o.probe,
      ).length;
    const probes = Math.max(probesIn('client', event.client), probesIn('ip', event.ip.id)) + 1;
    return {
      message:
        probes === 1
          ? 'request for a path that shoppers never ask for (sensitive file, script, admin console or traversal)'
          : `${probes} probing requests from this client or address within ${s.windowMinutes} min`,
      evidence: { probes, windowMinutes: s.windowMinutes },
      points: probes >= s.minProbes ? s.points : s.firstProbePoints,
    };
  },
});
