import { LOGIN_PATH } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { SECOND, type Visit, attack } from '../model.ts';
import { HOME_BE, HOME_NL, ipv6In, ipv6PrefixIn } from '../networks.ts';
import { drawInt } from '../random.ts';
import { attackerDevice, incidentStart } from './common.ts';
import { cashOut } from './takeover.ts';

export const IPV6_TAKEOVER = { failures: [0, 3], amountMinor: [25_000, 180_000] } as const;

/**
 * Takeover over IPv6 from a household prefix: the attacker (a neighbour's compromised router, an
 * IPv6 residential proxy) sits in another /64 of a domestic ISP, each request from a new
 * temporary address in it; password after a few tries, then a new address and an order.
 */
export const ipv6Takeover: ThreatFamily = {
  name: 'ipv6_takeover',
  perThousand: 1,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const [victim] = shop.victims(rng, 1);
    if (!victim) return;
    const pools = (victim.country === 'NL' ? HOME_NL : HOME_BE).filter((p) => p.v6 !== undefined);
    const prefix = ipv6PrefixIn(rng, rng.pick(pools))!;
    const device = attackerDevice(rng);
    const base: Visit = {
      ip: ipv6In(rng, prefix),
      userAgent: device.userAgent,
      deviceId: device.id,
      sessionId: `s-${rng.hex(18)}`,
    };
    const fresh = (): Visit => ({ ...base, ip: ipv6In(rng, prefix) });
    let t = incidentStart(shop, rng, 6 * 3_600_000);
    shop.world.browse(t, fresh(), LOGIN_PATH, 'page', tag);
    for (let f = drawInt(rng, IPV6_TAKEOVER.failures); f > 0; f--) {
      shop.world.login(
        (t += rng.between(4, 30) * SECOND),
        { ...fresh(), customerId: victim.id },
        { username: victim.username, outcome: 'failure', failureReason: 'bad_password', method: 'password' },
        tag,
      );
    }
    const visit = { ...fresh(), customerId: victim.id };
    shop.world.login(
      (t += rng.between(4, 30) * SECOND),
      visit,
      { username: victim.username, outcome: 'success', method: 'password' },
      tag,
    );
    cashOut(shop, rng, visit, victim, t, tag, {
      amountMinor: IPV6_TAKEOVER.amountMinor,
      orders: [1, 2],
      delayMinutes: [1, 45],
      ownCard: 0.3,
      giftCards: rng.chance(0.4),
    });
  },
};
