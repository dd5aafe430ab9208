import type { LegitFamily } from '../family.ts';
import { legit } from '../model.ts';
import { HOME_BE, HOME_NL, POOLS, type Pool, ipv4In, ipv6In, ipv6PrefixIn } from '../networks.ts';
import { newDevice, timeOfDay, visitTimes, midnightOf } from '../population.ts';
import { customerVisit, writeVisit } from '../visits.ts';

/** Black Friday 2026 (day 11 of a window from 16 November): three times the usual traffic; Cyber Monday almost twice. */
export const SALE_DAY = 11;
export const saleBoost = (day: number): number => (day === SALE_DAY ? 3 : day === SALE_DAY + 3 ? 1.8 : 1);

/**
 * Customers with ordinary habits, the rest of the population: they are the pool attacks take
 * their victims from, so their own events stay legitimate while an attacker uses their account.
 */
export const normal: LegitFamily = {
  name: 'normal',
  share: 1,
  write(shop, rng, count) {
    const tag = legit('normal');
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      shop.regulars.push(c);
      for (const at of visitTimes(rng, c.activity, shop.world.start, shop.world.days, saleBoost)) {
        customerVisit(shop.world, rng, c, at, tag);
      }
    }
  },
};

/** Share of anonymous visitors whose browser sends no device id (tracking protection, no script). */
export const NO_DEVICE_ID = 0.2;

/**
 * Visitors who never log in: a fresh device each (some send no device id), on home broadband or
 * 4G, in both countries; three times as many on Black Friday.
 */
export const anonymous: LegitFamily = {
  name: 'anonymous',
  share: 0.6,
  write(shop, rng, count) {
    const tag = legit('anonymous');
    const { world } = shop;
    const days = Array.from({ length: world.days }, (_, d) => [d, saleBoost(d)] as const);
    for (let i = 0; i < count; i++) {
      const day = rng.weighted(days);
      const pool = rng.weighted<Pool>([
        [HOME_NL[0]!, 25],
        [HOME_NL[1]!, 25],
        [HOME_NL[2]!, 10],
        [HOME_BE[0]!, 10],
        [HOME_BE[1]!, 8],
        [POOLS.mobileNl, 15],
        [POOLS.mobileBe, 7],
      ]);
      const prefix = ipv6PrefixIn(rng, pool);
      const ip = prefix !== undefined && rng.chance(0.5) ? ipv6In(rng, prefix) : ipv4In(rng, pool);
      const device = newDevice(rng);
      writeVisit(world, rng, {
        at: timeOfDay(rng, midnightOf(world.start, day)),
        tag,
        ip,
        ...(rng.chance(NO_DEVICE_ID) ? { userAgent: device.userAgent } : { device }),
        login: 'none',
      });
    }
  },
};
