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

/** Whether a request path looks like vulnerability probing. */
export const isProbePath = (path: string): boolean => PROBE_PATTERNS.some((p) => p.test(path));
