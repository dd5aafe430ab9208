import type { Observation } from '../../shared/profile.ts';
import type { Pseudonym, SubjectPseudonym } from '../../shared/pseudonymise.ts';
import { type ProfileView, defineRule } from '../rule.ts';
import { browserOf, isSignIn, novelty, round } from '../sign-in.ts';

const DAY_MS = 24 * 3_600_000;

/**
 * Whether `min` other customers signed in from this network within `days`: an office, a campus,
 * a carrier's NAT the shop's customers share. A customer new to it is no stranger there, and an
 * attacker's proxy address is rarely one. Walks back from the newest and stops at `min`, so a
 * busy network costs no more than a quiet one.
 */
function sharedEgress(
  network: readonly Observation[],
  subject: SubjectPseudonym,
  at: number,
  days: number,
  min: number,
): boolean {
  const from = at - days * DAY_MS;
  const others = new Set<SubjectPseudonym>();
  for (let i = network.length - 1; i >= 0 && network[i]!.at >= from; i--) {
    const o = network[i]!;
    if (o.subject === undefined || o.subject === subject || !isSignIn(o)) continue;
    others.add(o.subject);
    if (others.size >= min) return true;
  }
  return false;
}

/**
 * The place a login comes from: its browser (`browserOf`: the device id in its user agent) on
 * its network, as one value. A customer's devices live in places (the laptop at work, the
 * tablet at home), so a device and a network new together are one surprise, not two.
 */
const contextOf = (device: Pseudonym | undefined, network: Pseudonym | undefined): Pseudonym | undefined =>
  device === undefined || network === undefined ? undefined : (`${device}@${network}` as Pseudonym);

const contextOfObservation = (o: Observation): Pseudonym | undefined =>
  contextOf(browserOf(o.device, o.userAgent), o.network);

interface Settings {
  attackerNewShare: number;
  newContextPrior: number;
  priorWeight: number;
  tokenNats: number;
  failedMinutes: number;
  failedNats: number;
  dormantDays: number;
  dormantNats: number;
  egressDays: number;
  egressSubjects: number;
}

/**
 * Evidence, in nats, that this successful login is not the customer's: undefined unless both
 * its device and its network are new to the customer's earlier sign-ins (and the network is no
 * shared egress); then the new place against how often the customer signs in from new places,
 * and what makes it worse.
 */
function signInEvidence(
  event: Parameters<typeof takeoverSignIn.evaluate>[0],
  view: ProfileView,
  s: Settings,
): Record<string, number> | undefined {
  const subject = event.subject!;
  const profile = view.observations('subject', subject);
  const signIns = profile.filter((o) => o.at < event.at && isSignIn(o));
  const device = browserOf(event.device, event.userAgent?.id);
  if (signIns.some((o) => browserOf(o.device, o.userAgent) === device || o.network === event.ip.network))
    return undefined;
  if (
    sharedEgress(
      view.observations('network', event.ip.network),
      subject,
      event.at,
      s.egressDays,
      s.egressSubjects,
    )
  )
    return undefined;
  const place = novelty(
    contextOf(device, event.ip.network),
    signIns,
    contextOfObservation,
    s.newContextPrior,
    s,
  );
  if (place === undefined) return undefined;
  const parts: Record<string, number> = { newPlace: place };
  // A remember-me token belongs to the device it was issued to: presented by a device the
  // customer never signed in from, it was copied (infostealer cookies).
  if (event.login?.method === 'token' && event.device !== undefined) parts.tokenOnNewDevice = s.tokenNats;
  const failedFrom = event.at - s.failedMinutes * 60_000;
  if (profile.some((o) => o.failureReason === 'bad_password' && o.at >= failedFrom && o.at < event.at))
    parts.failedFirst = s.failedNats;
  const last = profile.filter((o) => o.at < event.at && o.outcome !== 'failure').at(-1);
  if (last && event.at - last.at >= s.dormantDays * DAY_MS) parts.dormant = s.dormantNats;
  return parts;
}

/**
 * The sign-in of a takeover, judged when it happens rather than at the cash-out: a successful
 * login from a device (without device ids, a browser) and a network that none of this customer's
 * earlier sign-ins showed, weighed as one new place against how often the customer signs in
 * from new places (shrunk towards the shop-wide `newContextPrior`), plus what makes it worse: a
 * remember-me token on that device (a copied cookie, MITRE ATT&CK T1539), wrong passwords just
 * before (OWASP OAT-008's hit), a long silence. Both must be new: customers buy phones at home
 * and take their laptop abroad; the attacker brings both. A network several other customers
 * sign in from (an office, a campus) is no stranger's. Points are the summed nats above
 * `offset`, at `pointsPerNat`, up to `maxPoints`; it reads `LOGIN_RISK`'s novelty and shares its
 * group, so only the stronger of the two counts.
 */
export const takeoverSignIn = defineRule({
  code: 'TAKEOVER_SIGN_IN',
  description: "Successful login from a device and a network none of the customer's sign-ins showed",
  appliesTo: ['login'],
  group: 'unfamiliar-login',
  defaults: {
    enabled: true,
    shadow: false,
    points: 0,
    attackerNewShare: 0.9,
    newContextPrior: 0.45,
    priorWeight: 2,
    tokenNats: 1,
    failedMinutes: 30,
    failedNats: 2,
    dormantDays: 60,
    dormantNats: 1,
    egressDays: 14,
    egressSubjects: 3,
    offset: 0,
    pointsPerNat: 10,
    maxPoints: 60,
  },
  evaluate: (event, view, s) => {
    if (!event.subject || event.login?.outcome !== 'success') return undefined;
    const parts = signInEvidence(event, view, s);
    if (!parts) return undefined;
    const llr = Object.values(parts).reduce((a, b) => a + b, 0);
    const points = Math.min(s.maxPoints, Math.round((llr - s.offset) * s.pointsPerNat));
    if (points <= 0) return undefined;
    const evidence: Record<string, number> = { llr: round(llr) };
    for (const [k, v] of Object.entries(parts)) evidence[k] = round(v);
    return { message: `sign-in unlike this customer's: ${Object.keys(parts).join(', ')}`, evidence, points };
  },
});
