import type { Observation } from '../../shared/profile.ts';
import { defineRule, minutes } from '../rule.ts';
import { isSignIn } from '../sign-in.ts';

/** The latest successful login of a session within `windowMs` before `at`, newest first. */
function latestSignIn(
  session: readonly Observation[],
  at: number,
  windowMs: number,
): Observation | undefined {
  for (let i = session.length - 1; i >= 0; i--) {
    const o = session[i]!;
    if (o.at > at) continue;
    if (o.at < at - windowMs) return undefined;
    if (isSignIn(o)) return o;
  }
  return undefined;
}

/**
 * A takeover's next step (OWASP OAT-012 cashing out; MITRE ATT&CK T1098, account manipulation):
 * the session that just signed in from somewhere unfamiliar goes to the address book, to add the
 * delivery address the goods will go to. Customers look at their addresses too, and add one when
 * they move or send a present; rarely straight after a sign-in from a device and network they
 * never used. The evidence is the sign-in's own (the points its unfamiliar-login reasons added,
 * at least `minSignInPoints`, so that a known place or a new phone alone never counts) plus what
 * the address book adds to it: `editPoints` for adding or changing an address, `viewPoints` for
 * looking, up to `maxPoints`. It carries the sign-in forward, as CARRIED_SUSPICION carries a
 * flag: the two share a group, so the sign-in counts once.
 */
export const addressChangeAfterSignIn = defineRule({
  code: 'ADDRESS_CHANGE_AFTER_SIGN_IN',
  description: 'The address book opened soon after a sign-in from an unfamiliar place',
  appliesTo: ['browse'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 0,
    windowMinutes: 60,
    minSignInPoints: 15,
    viewPoints: 15,
    editPoints: 25,
    maxPoints: 70,
  },
  evaluate: (event, view, s) => {
    const step = event.browse?.addressBook;
    if (!step || !event.subject) return undefined;
    const signIn = latestSignIn(
      view.observations('client', event.client),
      event.at,
      minutes(s.windowMinutes),
    );
    if (!signIn || signIn.subject !== event.subject) return undefined;
    const signInPoints = signIn.unfamiliar ?? 0;
    if (signInPoints < s.minSignInPoints) return undefined;
    const minutesSince = Math.round((event.at - signIn.at) / 60_000);
    const stepPoints = step === 'edit' ? s.editPoints : s.viewPoints;
    return {
      message: `address book ${step === 'edit' ? 'changed' : 'opened'} ${minutesSince} min after a sign-in from an unfamiliar place (${signInPoints} points)`,
      evidence: { step, signInPoints, minutesSinceSignIn: minutesSince },
      points: Math.min(s.maxPoints, signInPoints + stepPoints),
    };
  },
});
