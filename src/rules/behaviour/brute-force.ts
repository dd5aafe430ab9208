import { defineRule, minutes } from '../rule.ts';
import type { EventFacts } from '../../shared/facts.ts';
import type { Observation } from '../../shared/profile.ts';
import { ownSource } from '../waves.ts';
import { recentOf } from '../window.ts';

/**
 * Repeated failed logins against one account. Honest customers mistype once
 * or twice and then get in; points grow with every further failure. A customer
 * who forgot their password retries from one session, or from a device or
 * network the account signed in from before: that is one person retrying, not
 * a stranger guessing, and needs `minOwnerFailures` before it counts. Not for
 * a rejected second factor: whoever repeats that already has the password.
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
    minOwnerFailures: 12,
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
    const failed = recent.filter((o) => o.outcome === 'failure');
    const failures = failed.length + 1;
    if (failures < s.minFailures) return undefined;
    const owner =
      event.login.failureReason !== 'mfa_failed' &&
      (oneClient(event, failed) ||
        ownSource(view.observations('username', event.username), event.device, event.ip.network));
    if (owner && failures < s.minOwnerFailures) return undefined;
    return {
      message: `${failures} failed logins for this account within ${s.windowMinutes} min`,
      evidence: { failures, windowMinutes: s.windowMinutes },
      points: Math.min(s.maxPoints, s.points + (failures - s.minFailures) * s.pointsPerExtraFailure),
    };
  },
});

/** Whether every failure came from the event's own session (a browser keeping its cookie). */
function oneClient(event: EventFacts, failed: readonly Observation[]): boolean {
  if (event.sessionless) return false;
  return failed.every((o) => o.sessionless !== true && o.ip === event.ip.id && o.device === event.device);
}
