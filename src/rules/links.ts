import type { Observation } from '../shared/profile.ts';
import type { Pseudonym, SubjectPseudonym } from '../shared/pseudonymise.ts';

/**
 * Helpers of the entity-link rules: accounts that have nothing to do with each other in an honest
 * shop (their own card, device and delivery address) but share one of them in a fraud ring.
 */

/** An order placed by an account at most `days` old (age known, from the producer). */
export const isFreshOrder = (o: Observation, days: number): boolean =>
  o.kind === 'order' && o.accountAgeDays !== undefined && o.accountAgeDays <= days;

/** The distinct accounts other than `subject` behind the observations `accept` keeps. */
export function otherAccounts(
  observations: readonly Observation[],
  subject: SubjectPseudonym,
  accept: (o: Observation) => boolean,
): Set<SubjectPseudonym> {
  const accounts = new Set<SubjectPseudonym>();
  for (const o of observations) if (o.subject && o.subject !== subject && accept(o)) accounts.add(o.subject);
  return accounts;
}

/**
 * The accounts other than `subject` that `accept` keeps, linked from outside this event's
 * household: those that came from another network, and those from this network too once there
 * are more than `householdAccounts` of them (a home line holds a few accounts, a farm's server
 * or proxy many), or from the first when this network is a hosting one (no household lives in
 * a data centre).
 */
export function strangerAccounts(
  observations: readonly Observation[],
  event: { subject: SubjectPseudonym; network: Pseudonym; hosting: boolean },
  householdAccounts: number,
  accept: (o: Observation) => boolean,
): Set<SubjectPseudonym> {
  const elsewhere = otherAccounts(
    observations,
    event.subject,
    (o) => o.network !== event.network && accept(o),
  );
  const here = otherAccounts(observations, event.subject, (o) => o.network === event.network && accept(o));
  if (event.hosting || here.size > householdAccounts) for (const a of here) elsewhere.add(a);
  return elsewhere;
}

/** How the points of a link rule grow: `points` for one linked account, then with the log of the count. */
export interface LinkPoints {
  points: number;
  pointsPerLogAccount: number;
  maxPoints: number;
}

/**
 * Points for `accounts` linked accounts (at least one): each further account is further evidence,
 * but accounts of one ring are not independent, so the log-odds grow with log(count), bounded.
 *
 * @example
 * ```ts
 * linkPoints(2, { points: 30, pointsPerLogAccount: 26, maxPoints: 80 }); // → 48
 * ```
 */
export const linkPoints = (accounts: number, s: LinkPoints): number =>
  Math.min(s.maxPoints, Math.round(s.points + s.pointsPerLogAccount * Math.log(accounts)));
