import type { Observation } from '../../shared/profile.ts';
import type { EventFacts } from '../../shared/facts.ts';
import { type ProfileView, defineRule, minutes } from '../rule.ts';
import { ownSource } from '../waves.ts';
import { recentOf } from '../window.ts';

const isMfaFailure = (o: Observation): boolean => o.kind === 'login' && o.failureReason === 'mfa_failed';

/**
 * Refused second factors in a row, newest first from the start of `recent` (logins only): the
 * run ends at any other login. Both encodings of the contract count: the password step and the
 * MFA step as two logins (`method` `password`, then `mfa` events), or one login per attempt that
 * fails with `mfa_failed`.
 */
function refusedRun(recent: readonly Observation[]): number {
  let run = 0;
  for (const o of recent) {
    if (o.kind !== 'login') continue;
    if (!isMfaFailure(o)) break;
    run++;
  }
  return run;
}

/**
 * MFA fatigue (MITRE ATT&CK T1621, https://attack.mitre.org/techniques/T1621/): an attacker who
 * has the password sends push after push until the worn-down customer approves one. Customers
 * mistype a code once or twice; a run of refusals is the attack. The evidence grows with the
 * log of the run (`pointsPerNat` per nat above `minRun`), the approval that ends a run is the
 * takeover itself (`successPoints`), and what the session does next (`followMinutes`) carries
 * `followPoints`.
 *
 * A customer mistyping codes does so on a device or network they signed in from before; the
 * attacker holding the password does not. So when the run comes from a place the account never
 * signed in from (neither this device nor this network, before the run, while it did sign in
 * elsewhere), `minNewPlaceRun` refusals are already the attack, and the points grow from there;
 * the approval after so short a run gets the run's `points`, not `successPoints`. The first
 * refusal already counts after a password step from an unfamiliar place (`firstRefusal`).
 */
export const mfaFatigue = defineRule({
  code: 'MFA_FATIGUE',
  description: 'A run of refused second factors on one account, the approval that ends it, and what follows',
  appliesTo: ['login', 'browse', 'order'],
  group: 'login-failures',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    minRun: 3,
    minNewPlaceRun: 2,
    windowMinutes: 30,
    pointsPerNat: 15,
    maxPoints: 70,
    successPoints: 80,
    minSignInPoints: 15,
    firstRefusalPoints: 20,
    followPoints: 40,
    followMinutes: 240,
  },
  evaluate: (event, view, s) => {
    if (event.login && event.username) {
      const recent = recentOf(
        view.observations('username', event.username),
        'login',
        event.at,
        minutes(s.windowMinutes),
      );
      const before = refusedRun(recent);
      const refusal = event.login.failureReason === 'mfa_failed';
      const run = before + (refusal ? 1 : 0);
      if (refusal && run === 1) return firstRefusal(recent, s);
      if (run < s.minNewPlaceRun) return undefined;
      const newPlace = fromNewPlace(event, view, recent, before);
      const minRun = newPlace ? s.minNewPlaceRun : s.minRun;
      if (run < minRun) return undefined;
      const where = newPlace ? ', from a device and network it never signed in from' : '';
      if (refusal) {
        return {
          message: `${run} second factors refused in a row on this account${where}`,
          evidence: { refused: run, newPlace, windowMinutes: s.windowMinutes },
          points: Math.min(s.maxPoints, Math.round(s.points + s.pointsPerNat * Math.log(run / minRun))),
        };
      }
      if (event.login.outcome === 'success') {
        return {
          message: `login approved after ${before} refused second factors${where}`,
          evidence: { refused: before, newPlace, windowMinutes: s.windowMinutes },
          points: before >= s.minRun ? s.successPoints : s.points,
        };
      }
      return undefined;
    }
    return event.subject ? followsFatigue(view.observations('client', event.client), event.at, s) : undefined;
  },
});

/**
 * The first refusal, right after the password step: when that step signed in from an unfamiliar
 * place (its unfamiliar-login reasons added at least `minSignInPoints`, not enough to flag it),
 * the refusal adds `firstRefusalPoints` to them. Whoever holds only the password is refused;
 * a customer on a new laptop mostly types the code right.
 */
function firstRefusal(
  recent: readonly Observation[],
  s: { minSignInPoints: number; firstRefusalPoints: number; maxPoints: number },
) {
  const step = recent.find((o) => o.kind === 'login');
  if (step?.outcome !== 'success' || step.method === 'mfa' || step.flagScore !== undefined) return undefined;
  const signInPoints = step.unfamiliar ?? 0;
  if (signInPoints < s.minSignInPoints) return undefined;
  return {
    message: 'second factor refused right after a password sign-in from an unfamiliar place',
    evidence: { refused: 1, signInPoints },
    points: Math.min(s.maxPoints, signInPoints + s.firstRefusalPoints),
  };
}

/**
 * Whether the run of refusals comes from a place the account never signed in from: neither this
 * device nor this network among its successful logins before the run (the password step that
 * asked for the second factor is part of the run). An account with no sign-in on record has no
 * places to be new to: a customer's first sign-in in the kept history is no stranger's.
 */
function fromNewPlace(
  event: EventFacts,
  view: ProfileView,
  recent: readonly Observation[],
  refusedBefore: number,
): boolean {
  const logins = recent.filter((o) => o.kind === 'login');
  const step = logins[refusedBefore];
  const runStart = step?.outcome === 'success' ? step.at : (logins[refusedBefore - 1]?.at ?? event.at);
  const history = view.observations('username', event.username).filter((o) => o.at < runStart);
  const signedIn = history.some((o) => o.kind === 'login' && o.outcome === 'success');
  return signedIn && !ownSource(history, event.device, event.ip.network);
}

/**
 * The session signed in by approving a second factor after a run of refusals, within `followMinutes`.
 * It runs for every page of a signed-in session, so it walks the session back once, newest first,
 * without copying it: to its latest approved login, then along the refusals before that.
 */
function followsFatigue(
  session: readonly Observation[],
  at: number,
  s: { minRun: number; followMinutes: number; followPoints: number },
) {
  const from = at - minutes(s.followMinutes);
  let approval: Observation | undefined;
  let refused = 0;
  for (let i = session.length - 1; i >= 0; i--) {
    const o = session[i]!;
    if (o.at > at) continue;
    if (o.at < from) break;
    if (o.kind !== 'login') continue;
    if (!approval) {
      if (o.outcome === 'success') approval = o;
      continue;
    }
    if (!isMfaFailure(o)) break;
    refused++;
  }
  if (!approval || refused < s.minRun) return undefined;
  const minutesSince = Math.round((at - approval.at) / 60_000);
  return {
    message: `this session signed in ${minutesSince} min ago by approving a second factor after ${refused} refusals`,
    evidence: { refused, minutesSinceApproval: minutesSince },
    points: s.followPoints,
  };
}
