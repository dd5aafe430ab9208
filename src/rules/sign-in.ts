import type { Observation } from '../shared/profile.ts';
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
