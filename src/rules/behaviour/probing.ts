import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/**
 * Paths no shopper asks for: dotfiles and backups, server-side scripts the
 * shop does not run, admin consoles, WordPress internals and path traversal.
 * One such request can be a typo or an old bookmark; several in a row from the
 * same client are a scanner. Modelled on CrowdSec's http-probing,
 * http-sensitive-files, http-path-traversal-probing, http-backdoors-attempts
 * and http-admin-interface-probing scenarios (github.com/crowdsecurity/hub).
 */
const PROBE_PATTERNS: readonly RegExp[] = [
  // Dotfiles and dot-directories (.env, .git/HEAD, .htpasswd); RFC 8615's /.well-known/ is fine.
  /(^|\/)\.(?!well-known(\/|$))[^/]/,
  // Server-side scripts a Node shop does not run, and backup or config leftovers.
  /\.(php\d?|phtml|asp|aspx|jsp|cgi|pl|sh|sql|bak|old|orig|save|swp|dist|inc|ini|log)(~|$)/i,
  /~$/,
  // Traversal, plain or (double) percent-encoded, and the files it is after.
  /(^|\/)\.\.(\/|\\|$)|%2e%2e|%252e|\.%2e|%2e\.|%2f(etc|proc|windows|boot)\b|\/etc\/(passwd|shadow|group)|win\.ini|boot\.ini/i,
  // Admin consoles and platform internals anywhere in the path ...
  /(^|\/)(wp-admin|wp-content|wp-includes|wp-login|wp-config|xmlrpc|phpmyadmin[^/]*|adminer|cgi-bin|\+cscoe\+|_ignition|manager\/html|vendor\/phpunit)(\/|$|\.)/i,
  // ... and a few whose names are ordinary words elsewhere, only as the first segment.
  /^\/(pma|administrator|crx|actuator|solr)(\/|$)/i,
];

/** The last path asked about and its answer: PROBING and the event's observation ask in turn. */
let last = { path: '', probe: false };

/** Whether a request path looks like vulnerability probing. */
export function isProbePath(path: string): boolean {
  if (path !== last.path) last = { path, probe: PROBE_PATTERNS.some((p) => p.test(path)) };
  return last.probe;
}

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
    if (!isProbePath(event.browse!.path)) return undefined;
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
