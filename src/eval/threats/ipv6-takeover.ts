import { HOME_BE, HOME_NL, ipv6In, ipv6PrefixIn } from '../networks.ts';
import { attackerDevice } from './common.ts';
import { attackerVisit, cashOut, passwordLogin, takeoverFamily, takeoverStart } from './steps.ts';

export const IPV6_TAKEOVER = {
  failures: [0, 3],
  gapSeconds: [3, 90],
  delayMinutes: [1, 120],
  amountMinor: [25_000, 180_000],
} as const;

/**
 * Takeover over IPv6 from a household prefix: the attacker (a neighbour's compromised router, an
 * IPv6 residential proxy) sits in another /64 of a domestic ISP, each request from a new
 * temporary address in it; password after a few tries, then a new address and an order.
 */
export const ipv6Takeover = takeoverFamily(
  { name: 'ipv6_takeover', perThousand: 1, min: 2 },
  (shop, rng, victim, tag) => {
    const pools = (victim.country === 'NL' ? HOME_NL : HOME_BE).filter((p) => p.v6 !== undefined);
    const prefix = ipv6PrefixIn(rng, rng.pick(pools))!;
    const base = attackerVisit(rng, attackerDevice(rng), ipv6In(rng, prefix));
    const { t, visit } = passwordLogin(shop, rng, takeoverStart(shop, rng), victim, tag, {
      visit: () => ({ ...base, ip: ipv6In(rng, prefix) }),
      gapSeconds: IPV6_TAKEOVER.gapSeconds,
      failures: IPV6_TAKEOVER.failures,
    });
    cashOut(shop, rng, visit, victim, t, tag, {
      amountMinor: IPV6_TAKEOVER.amountMinor,
      orders: [1, 2],
      delayMinutes: IPV6_TAKEOVER.delayMinutes,
      ownCard: 0.3,
      giftCards: rng.chance(0.4),
    });
  },
);
