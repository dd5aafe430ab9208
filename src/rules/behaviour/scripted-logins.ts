import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/**
 * People type passwords; scripts submit them. A run of failed logins from one client (browser
 * session, or address and user agent together) whose typical gap is shorter than anyone retypes
 * a password is a tool at work (a password guesser, an MFA code guesser), whatever the accounts
 * or the network: a person who forgot a password takes several seconds per try. The evidence
 * grows with the length of the run (log2 of attempts), up to `maxPoints`. The shop's own apps
 * are left alone: an app may retry a stale token by itself.
 */
export const scriptedLogins = defineRule({
  code: 'SCRIPTED_LOGINS',
  description: 'Failed logins from one client faster than a person retypes a password',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    maxPoints: 60,
    pointsPerDoubling: 10,
    minAttempts: 4,
    maxMedianGapMs: 2000,
    windowMinutes: 10,
  },
  evaluate: (event, view, s) => {
    if (event.knownClient?.list === 'apps') return undefined;
    const recent = recentOf(
      view.observations('client', event.client),
      'login',
      event.at,
      minutes(s.windowMinutes),
    );
    const times = [event.at];
    for (const o of recent) if (o.outcome === 'failure') times.push(o.at);
    if (times.length < s.minAttempts) return undefined;
    const gaps = times
      .slice(1)
      .map((t, i) => times[i]! - t)
      .sort((a, b) => a - b);
    const medianGapMs = gaps[gaps.length >> 1]!;
    if (medianGapMs > s.maxMedianGapMs) return undefined;
    const attempts = times.length;
    return {
      message: `${attempts} login attempts from this client within ${s.windowMinutes} min, a median of ${medianGapMs} ms apart`,
      evidence: { attempts, medianGapMs, windowMinutes: s.windowMinutes },
      points: Math.min(
        s.maxPoints,
        Math.round(s.points + s.pointsPerDoubling * Math.log2(attempts / s.minAttempts)),
      ),
    };
  },
});
