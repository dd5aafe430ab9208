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
 * A stranger guessing slowly enough that no short window fills is counted over
 * a day (`slowGuessing`).
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
    slowWindowHours: 24,
    minSlowFailures: 10,
    slowPoints: 40,
    pointsPerDoubling: 10,
  },
  evaluate: (event, view, s) => {
    if (event.login?.outcome !== 'failure' || !event.username) return undefined;
    const history = view.observations('username', event.username);
    const failed = recentOf(history, 'login', event.at, minutes(s.windowMinutes)).filter(
      (o) => o.outcome === 'failure',
    );
    const failures = failed.length + 1;
    const mfa = event.login.failureReason === 'mfa_failed';
    const ownPlace = () => ownSource(history, event.device, event.ip.network);
    if (failures < s.minFailures) {
      const slow = mfa ? undefined : slowGuessing(event.at, history, s);
      return slow && !ownPlace() ? slow : undefined;
    }
    if (!mfa && (oneClient(event, failed) || ownPlace()) && failures < s.minOwnerFailures) return undefined;
    return {
      message: `${failures} failed logins for this account within ${s.windowMinutes} min`,
      evidence: { failures, windowMinutes: s.windowMinutes },
      points: Math.min(s.maxPoints, s.points + (failures - s.minFailures) * s.pointsPerExtraFailure),
    };
  },
});

/**
 * Low and slow: wrong passwords for the account, one every few minutes so that no short window
 * fills, `minSlowFailures` of them within `slowWindowHours` and no successful login since the
 * first; from a device or network the account never signed in from (the caller checks, once
 * there are that many: most failures stop at the count). A
 * customer who forgot their password gives up or gets in long before.
 */
function slowGuessing(
  at: number,
  history: readonly Observation[],
  s: {
    slowWindowHours: number;
    minSlowFailures: number;
    slowPoints: number;
    pointsPerDoubling: number;
    maxPoints: number;
  },
) {
  let failures = 1;
  for (const o of recentOf(history, 'login', at, minutes(60 * s.slowWindowHours))) {
    if (o.outcome !== 'failure') break;
    if (o.failureReason !== 'mfa_failed') failures++;
  }
  if (failures < s.minSlowFailures) return undefined;
  return {
    message: `${failures} failed logins for this account within ${s.slowWindowHours} h, none successful since the first`,
    evidence: { failures, windowHours: s.slowWindowHours },
    points: Math.min(
      s.maxPoints,
      Math.round(s.slowPoints + s.pointsPerDoubling * Math.log2(failures / s.minSlowFailures)),
    ),
  };
}

/** Whether every failure came from the event's own session (a browser keeping its cookie). */
function oneClient(event: EventFacts, failed: readonly Observation[]): boolean {
  if (event.sessionless) return false;
  return failed.every((o) => o.sessionless !== true && o.ip === event.ip.id && o.device === event.device);
}
