import type { Observation } from '../../shared/profile.ts';
import type { Pseudonym } from '../../shared/pseudonymise.ts';
import { placeless } from '../egress.ts';
import { valueCounts } from '../novelty.ts';
import { countryLlr } from '../sign-in.ts';
import { defineRule } from '../rule.ts';

/**
 * Statistical login risk after Freeman et al., "Who Are You? A Statistical
 * Approach to Measuring User Authenticity" (NDSS 2016): how much more likely
 * this login's features are under an attacker than under this customer's own
 * history, summed as a log-likelihood ratio over independent features.
 *
 * The customer's history is everything they did while signed in (successful
 * logins, browsing, orders), never failed attempts, which may be an attacker's.
 *
 * - Country: the attacker is anywhere (a flat prior over `attackerCountries`);
 *   the customer is where their history was, backed off to
 *   the shop-wide distribution (so a brand-new customer from the shop's home
 *   countries is not suspicious, but one from a country the shop never sees is),
 *   and to anywhere as much as their history shows them in many countries. Not
 *   counted on egress that geolocation places in many countries (a relay).
 * - Network and device (the user agent where there is no device id): attackers
 *   bring values the customer never logged in with (`attackerNewShare`); the
 *   customer's own chance of a new value is estimated from how many distinct
 *   values their earlier logins showed (a Good-Turing style estimate), which
 *   keeps mobile users with rotating networks quiet. Per login, not per page
 *   view, and one feature per correlated group (address within network, user
 *   agent within device): independence is the model's assumption, so
 *   correlated features would be counted twice.
 *
 * Points grow linearly with the ratio above `offset` nats, up to `maxPoints`.
 */
export const loginRisk = defineRule({
  code: 'LOGIN_RISK',
  description: "Login features unlikely for this customer's history (Freeman et al. 2016)",
  appliesTo: ['login'],
  group: 'unfamiliar-login',
  defaults: {
    enabled: true,
    shadow: false,
    points: 0,
    attackerCountries: 40,
    attackerNewShare: 0.9,
    userBackoff: 2,
    countryPseudoCount: 0.05,
    offset: 3,
    pointsPerNat: 10,
    maxPoints: 60,
    egressCountries: 3,
  },
  evaluate: (event, view, s) => {
    const history = view
      .observations(event.subject ? 'subject' : 'username', event.subject ?? event.username)
      .filter((o) => o.outcome !== 'failure' && o.at <= event.at);
    const logins = history.filter((o) => o.kind === 'login');
    const parts: Record<string, number> = {};
    const country = event.geo?.country;
    if (country) {
      const llr = countryLlr(country, event.at, history, view.global.buckets, s);
      // Only a surprising country is worth asking whether the network has a place at all.
      if (llr <= 0 || !placeless(view.observations('network', event.ip.network), s.egressCountries)) {
        parts.country = llr;
      }
    }
    novelty(parts, 'network', event.ip.network, logins, (o) => o.network, s.attackerNewShare);
    if (event.device) novelty(parts, 'device', event.device, logins, (o) => o.device, s.attackerNewShare);
    else novelty(parts, 'userAgent', event.userAgent?.id, logins, (o) => o.userAgent, s.attackerNewShare);
    const llr = Object.values(parts).reduce((a, b) => a + b, 0);
    const points = Math.min(s.maxPoints, Math.round((llr - s.offset) * s.pointsPerNat));
    if (points <= 0) return undefined;
    const evidence: Record<string, number | string> = { llr: round(llr), history: history.length };
    for (const [k, v] of Object.entries(parts)) evidence[k] = round(v);
    if (country) evidence.countryCode = country;
    return {
      message: `login is ${likelihood(llr)}x likelier from an attacker than from this customer (${history.length} earlier events)`,
      evidence,
      points,
    };
  },
});

const round = (x: number): number => Math.round(x * 100) / 100;

/** The likelihood ratio of `llr` nats as an analyst reads it: `5,432`, or `>1,000,000`. */
const likelihood = (llr: number): string =>
  llr > Math.log(1e6) ? '>1,000,000' : String(Math.round(Math.exp(llr))).replace(/\B(?=(\d{3})+$)/g, ',');

function novelty(
  parts: Record<string, number>,
  name: string,
  value: Pseudonym | undefined,
  history: readonly Observation[],
  pick: (o: Observation) => Pseudonym | undefined,
  attackerNewShare: number,
): void {
  if (!value) return;
  const { n, counts, newChance } = valueCounts(history, pick);
  const seen = counts.get(value);
  parts[name] =
    seen === undefined
      ? Math.log(attackerNewShare / newChance)
      : Math.log((1 - attackerNewShare) / ((1 - newChance) * (seen / n)));
}
