import type { Observation } from '../../shared/profile.ts';
import type { SubjectPseudonym } from '../../shared/pseudonymise.ts';
import { type ProfileView, defineRule } from '../rule.ts';
import { jointSwitchChance } from '../novelty.ts';
import { placeless } from '../egress.ts';
import {
  type CountrySettings,
  type RhythmSettings,
  browserOf,
  countryLlr,
  isSignIn,
  offRhythm,
  round,
} from '../sign-in.ts';

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

const browserOfSignIn = (o: Observation) => browserOf(o.device, o.userAgent);
const networkOfSignIn = (o: Observation) => o.network;

interface Settings extends RhythmSettings, CountrySettings {
  attackerNewShare: number;
  newPlacePrior: number;
  priorWeight: number;
  tokenNats: number;
  tokenDays: number;
  failedMinutes: number;
  failedNats: number;
  unplacedFailedNats: number;
  dormantDays: number;
  dormantNats: number;
  egressDays: number;
  egressSubjects: number;
  egressCountries: number;
  maxCountryNats: number;
}

/**
 * Evidence, in nats, that this successful login is not the customer's: undefined if its browser
 * or its network showed in the customer's earlier sign-ins, or the network is shared egress.
 * Then the new place against how often the customer signs in from new places, a country
 * unlike theirs, and what makes it worse: a copied token, wrong passwords just before, a long
 * silence, an hour the shop's customers keep quiet. An account without sign-ins on record has
 * no place to differ from: only what makes it worse counts.
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
  if (device === undefined) return undefined;
  if (signIns.some((o) => browserOfSignIn(o) === device || o.network === event.ip.network)) return undefined;
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
  const parts: Record<string, number> = {};
  const placed = signIns.some((o) => browserOfSignIn(o) !== undefined);
  if (placed) {
    const chance = jointSwitchChance(
      signIns,
      [browserOfSignIn, networkOfSignIn],
      s.newPlacePrior,
      s.priorWeight,
    );
    parts.newPlace = Math.max(0, Math.log(s.attackerNewShare / chance));
  }
  // A remember-me token is issued at a sign-in and belongs to that browser: presented by one
  // that never signed in while the customer's sign-ins reach back over a token's life, it was
  // copied (infostealer cookies). A shorter history may just not show where it was issued.
  const since = signIns[0]?.at ?? event.at;
  if (
    event.login?.method === 'token' &&
    event.device !== undefined &&
    event.at - since >= s.tokenDays * DAY_MS
  )
    parts.tokenOnNewDevice = s.tokenNats;
  const failedFrom = event.at - s.failedMinutes * 60_000;
  // Customers back after a long time forget their password: without sign-ins on record, wrong
  // passwords first are weak evidence.
  if (profile.some((o) => o.failureReason === 'bad_password' && o.at >= failedFrom && o.at < event.at))
    parts.failedFirst = placed ? s.failedNats : s.unplacedFailedNats;
  const history = profile.filter((o) => o.at < event.at && o.outcome !== 'failure');
  const country = event.geo?.country;
  // A country is surprising against the customer's own places (LOGIN_RISK weighs it for the
  // customer without history); geolocation places a relay's or a VPN's egress anywhere.
  const abroad =
    placed && country !== undefined ? countryLlr(country, event.at, history, view.global.buckets, s) : 0;
  if (abroad > 0 && !placeless(view.observations('network', event.ip.network), s.egressCountries))
    parts.newCountry = Math.min(s.maxCountryNats, abroad);
  const last = history.at(-1);
  if (last && event.at - last.at >= s.dormantDays * DAY_MS) parts.dormant = s.dormantNats;
  const offHours = offRhythm(event.at, view.global.buckets, s);
  if (offHours !== undefined) parts.offHours = offHours;
  return parts;
}

/**
 * The sign-in of a takeover, judged when it happens rather than at the cash-out: a successful
 * login from a device (without device ids, a browser) and a network that none of this customer's
 * earlier sign-ins showed, weighed as one new place against how often the customer came from a
 * new device and a new network at once (shrunk towards the shop-wide `newPlacePrior`), plus
 * what makes it worse: a country unlike the customer's (at most `maxCountryNats`: LOGIN_RISK
 * weighs the rest), a remember-me token on that device once the history covers a token's life
 * (a copied cookie, MITRE ATT&CK T1539), wrong passwords just before (OWASP OAT-008's hit), a
 * long silence, an hour the shop's customers keep quiet. Both must be new: customers buy phones
 * at home and take their laptop abroad; the attacker brings both. A network several other
 * customers sign in from (an office, a campus) is no stranger's. An account without sign-ins on
 * record (a customer back after long, or a victim picked for being dormant) is judged on what
 * makes it worse alone. Points are the summed nats above `offset`, at `pointsPerNat`, up to
 * `maxPoints`; it reads `LOGIN_RISK`'s novelty and shares its group, so only the stronger of
 * the two counts.
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
    newPlacePrior: 0.2,
    priorWeight: 2,
    tokenNats: 1,
    tokenDays: 30,
    failedMinutes: 30,
    failedNats: 2,
    unplacedFailedNats: 0.5,
    dormantDays: 60,
    dormantNats: 1,
    egressDays: 14,
    egressSubjects: 3,
    attackerCountries: 40,
    userBackoff: 2,
    countryPseudoCount: 0.05,
    egressCountries: 3,
    maxCountryNats: 2,
    attackerOffRhythm: 0.5,
    rhythmMinLogins: 500,
    rhythmMaxNats: 2.5,
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
    const whose = parts.newPlace === undefined ? 'an account without sign-ins on record' : "this customer's";
    return { message: `sign-in unlike ${whose}: ${Object.keys(parts).join(', ')}`, evidence, points };
  },
});
