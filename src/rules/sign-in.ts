import type { GlobalBucket, Observation } from '../shared/profile.ts';
import type { Pseudonym } from '../shared/pseudonymise.ts';
import { switchChance, valueCounts } from './novelty.ts';

const DAY_MS = 24 * 3_600_000;

/** A sign-in as the takeover rules judge it: when, from which device, network and browser, and how. */
export type Access = Pick<Observation, 'at' | 'device' | 'network' | 'userAgent' | 'method'>;

export const isSignIn = (o: Observation): boolean => o.kind === 'login' && o.outcome === 'success';

/**
 * The browser a sign-in came from: its device id together with its user agent, or the user
 * agent alone where there is no device id. An infostealer copies the whole cookie jar, device id
 * included, and replays it from another browser: the device id is the customer's, the pair is not.
 */
export const browserOf = (device?: Pseudonym, userAgent?: Pseudonym): Pseudonym | undefined =>
  device === undefined ? userAgent : (`${device}/${userAgent ?? ''}` as Pseudonym);

const browserOfObservation = (o: Observation): Pseudonym | undefined => browserOf(o.device, o.userAgent);

/** The parameters of the sign-in evidence, shared by the rules that read it. */
export interface SignInSettings {
  /** Share of takeover sign-ins that bring a device (or network) the customer never showed. */
  attackerNewShare: number;
  /** The shop-wide chance that a customer's next sign-in is on a device it never used. */
  newDevicePrior: number;
  /** The same for a network. */
  newNetworkPrior: number;
  /** How many observations the priors weigh, against the customer's own switches. */
  priorWeight: number;
  tokenNats: number;
  failedMinutes: number;
  failedNats: number;
  dormantDays: number;
  dormantNats: number;
}

/** Nats for a value the customer never showed, against their chance of switching (shrunk to `prior`). */
export function novelty(
  value: Pseudonym | undefined,
  history: readonly Observation[],
  pick: (o: Observation) => Pseudonym | undefined,
  prior: number,
  s: Pick<SignInSettings, 'attackerNewShare' | 'priorWeight'>,
): number | undefined {
  const known = valueCounts(history, pick);
  if (value === undefined || known.n === 0 || known.counts.has(value)) return undefined;
  return Math.max(0, Math.log(s.attackerNewShare / switchChance(known, prior, s.priorWeight)));
}

/**
 * Evidence, in nats, that a sign-in was not the customer's: a device in a browser (or, without
 * device ids, a browser) and a network their earlier logins never showed, a remember-me token on a new
 * device, wrong passwords just before it, a long silence before it. `profile` is the
 * customer's; only what came before the sign-in counts.
 */
export function signInParts(
  access: Access,
  profile: readonly Observation[],
  s: SignInSettings,
): Record<string, number> {
  const history = profile.filter((o) => o.at < access.at && o.outcome !== 'failure');
  const logins = history.filter(isSignIn);
  const browser = novelty(
    browserOf(access.device, access.userAgent),
    logins,
    browserOfObservation,
    s.newDevicePrior,
    s,
  );
  const parts: Record<string, number | undefined> = access.device
    ? { newDevice: browser }
    : { newUserAgent: browser };
  parts.newNetwork = novelty(access.network, logins, (o) => o.network, s.newNetworkPrior, s);
  // A remember-me token belongs to the device it was issued to: presented by a device the
  // customer never signed in from, it was copied (infostealer cookies).
  if (access.method === 'token' && parts.newDevice !== undefined) parts.tokenOnNewDevice = s.tokenNats;
  const failedFrom = access.at - s.failedMinutes * 60_000;
  if (profile.some((o) => o.failureReason === 'bad_password' && o.at >= failedFrom && o.at < access.at)) {
    parts.failedFirst = s.failedNats;
  }
  const last = history.at(-1);
  if (last && access.at - last.at >= s.dormantDays * DAY_MS) parts.dormant = s.dormantNats;
  return defined(parts);
}

/** The parts that have a value. */
export const defined = (parts: Record<string, number | undefined>): Record<string, number> =>
  Object.fromEntries(Object.entries(parts).filter((e): e is [string, number] => e[1] !== undefined));

/** Nats to two decimals, for the evidence. */
export const round = (x: number): number => Math.round(x * 100) / 100;

/** The parameters of a sign-in's hour against the shop's rhythm. */
export interface RhythmSettings {
  /** The share of takeovers timed regardless of the shop's customers (the rest keep their hours). */
  attackerOffRhythm: number;
  /** Successful logins the shop-wide counters must hold before the rhythm says anything. */
  rhythmMinLogins: number;
  rhythmMaxNats: number;
}

/**
 * Evidence, in nats, from the hour of a sign-in: the shop's customers sign in by day and in the
 * evening, an attacker elsewhere or a script any time. The shop's own share of successful logins
 * in this hour of the day (UTC, over the counters' trailing week) against an attacker who keeps
 * those hours only part of the time, the rest at any hour alike. Undefined at an hour at least
 * as busy as the attacker's, or before the counters hold `rhythmMinLogins`.
 */
export function offRhythm(
  at: number,
  buckets: readonly GlobalBucket[],
  s: RhythmSettings,
): number | undefined {
  const hour = new Date(at).getUTCHours();
  let total = 0;
  let here = 0;
  for (const b of buckets) {
    if (b.start > at) continue;
    total += b.locatedSuccesses;
    if (new Date(b.start).getUTCHours() === hour) here += b.locatedSuccesses;
  }
  if (total < s.rhythmMinLogins) return undefined;
  // One login of pseudo count per hour keeps a quiet hour from being impossible.
  const customers = (here + 1) / (total + 24);
  const attacker = s.attackerOffRhythm / 24 + (1 - s.attackerOffRhythm) * customers;
  const nats = Math.min(s.rhythmMaxNats, Math.log(attacker / customers));
  return nats > 0 ? nats : undefined;
}

/** The parameters of a country's likelihood under an attacker against the customer's history. */
export interface CountrySettings {
  /** The attacker is anywhere: a flat prior over this many countries. */
  attackerCountries: number;
  /** How many observations the shop-wide distribution weighs in the customer's. */
  userBackoff: number;
  /** The pseudo count of each country the shop never saw. */
  countryPseudoCount: number;
}

/**
 * Nats for a login from `country`: a flat attacker prior over `attackerCountries` against the
 * customer's own located history, backed off to the shop's successful logins (a brand-new
 * customer from the shop's home countries is not surprising, one from a country it never sees
 * is), and escaping to anywhere as much as their history shows them in many countries.
 */
export function countryLlr(
  country: string,
  at: number,
  history: readonly Observation[],
  buckets: readonly GlobalBucket[],
  s: CountrySettings,
): number {
  let globalTotal = 0;
  let globalHere = 0;
  for (const b of buckets) {
    if (b.start > at) continue;
    globalTotal += b.locatedSuccesses;
    globalHere += b.countries[country] ?? 0;
  }
  // ISO 3166-1 has 249 codes; the pseudo count spreads unseen mass over them.
  const pGlobal = (globalHere + s.countryPseudoCount) / (globalTotal + s.countryPseudoCount * 249);
  let userHere = 0;
  const seen = new Set<string>();
  for (const o of history) {
    if (o.country === undefined) continue;
    seen.add(o.country);
    if (o.country === country) userHere++;
  }
  // Each country beyond the first that the customer's own history shows is mass for "anywhere"
  // (Witten-Bell smoothing, escaping to the attacker's flat prior): a customer placed in a new
  // country every week (iCloud Private Relay, a VPN, a frequent flyer) is not surprising there.
  const escape = Math.max(0, seen.size - 1);
  const pUser =
    (userHere + s.userBackoff * pGlobal + escape / s.attackerCountries) /
    (history.length + s.userBackoff + escape);
  return Math.log(1 / s.attackerCountries / pUser);
}
