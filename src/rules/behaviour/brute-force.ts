import { defineRule, minutes } from '../rule.ts';
import { recentOf } from '../window.ts';

/**
 * Repeated failed logins against one account. Honest customers mistype once
 * or twice and then get in; points grow with every further failure.
 */
export const bruteForce = defineRule({
  code: 'BRUTE_FORCE',
  description: 'Repeated failed logins against one account in a short window',
  appliesTo: ['login'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 25,
    windowMinutes: 15,
    minFailures: 5,
    pointsPerExtraFailure: 10,
    maxPoints: 80,
  },
  evaluate: (event, view, s) => {
    if (event.login?.outcome !== 'failure' || !event.username) return undefined;
    const recent = recentOf(
      view.observations('username', event.username),
      'login',
      event.at,
      minutes(s.windowMinutes),
    );
    const failures = recent.filter((o) => o.outcome === 'failure').length + 1;
    if (failures < s.minFailures) return undefined;
    return {
      message: `${failures} failed logins for this account within ${s.windowMinutes} min`,
      evidence: { failures, windowMinutes: s.windowMinutes },
      points: Math.min(s.maxPoints, s.points + (failures - s.minFailures) * s.pointsPerExtraFailure),
    };
  },
});
