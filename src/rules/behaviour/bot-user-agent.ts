import { defineRule } from '../rule.ts';

/**
 * A user agent that announces an HTTP library, a scraper or a headless
 * browser, or a page request with no user agent at all (every browser sends
 * one). A login or order without one says nothing: the contract makes the
 * field optional, and back-end producers (an app's API, a login service) may
 * simply not pass it on. Allow-listed clients (the shop's own apps, crawlers
 * from their published ranges) are welcome and are not scored. A robot that
 * declares itself with its operator's contact hides nothing and gets the weak
 * `declaredPoints`: scrapers that mean harm pass for browsers instead.
 */
export const botUserAgent = defineRule({
  code: 'BOT_USER_AGENT',
  description: 'Automated client by its user agent (or none), other than an allow-listed one',
  appliesTo: ['login', 'browse', 'order'],
  group: 'automation',
  defaults: { enabled: true, shadow: false, points: 45, missingPoints: 35, declaredPoints: 15 },
  evaluate: (event, _view, s) => {
    if (event.crawler || event.knownClient) return undefined;
    if (!event.userAgent) {
      if (event.type !== 'browse') return undefined;
      return {
        message: 'page request without a user agent',
        evidence: { userAgent: 'missing' },
        points: s.missingPoints,
      };
    }
    if (!event.userAgent.bot || event.userAgent.claimsCrawler) return undefined;
    if (event.userAgent.declaredRobot) {
      return {
        message: 'user agent of a robot that declares itself and its operator',
        evidence: { userAgent: 'declared-robot' },
        points: s.declaredPoints,
      };
    }
    return { message: 'user agent of an automated client', evidence: { userAgent: 'bot' } };
  },
});
