import {
  BINGBOT_UA,
  GOOGLEBOT_UA,
  PRICE_CRAWLER_UA,
  SEO_CRAWLER_UA,
  androidAppUserAgent,
  iosAppUserAgent,
  productPath,
  visitPage,
} from '../clients.ts';
import type { LegitFamily } from '../family.ts';
import { DAY, HOUR, MINUTE, SECOND, legit } from '../model.ts';
import { POOLS, type Pool, ipv4In } from '../networks.ts';
import { midnightOf, newDevice, timeOfDay, visitTimes } from '../population.ts';
import type { Random } from '../random.ts';
import { customerVisit } from '../visits.ts';
import { SALE_DAY, saleBoost } from './everyday.ts';

/**
 * Customers of the shop's own apps: Android (OkHttp's user agent) and iOS, on 4G half of the
 * time, staying logged in with a token, tapping faster than a browser user reads.
 */
export const mobileApp: LegitFamily = {
  name: 'legit_mobile_app',
  share: 0.1,
  write(shop, rng, count) {
    const tag = legit('legit_mobile_app');
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      const app = newDevice(rng, rng.chance(0.6) ? androidAppUserAgent(rng) : iosAppUserAgent(rng));
      c.devices = [app];
      const gap = (r: Random) => Math.max(0.8 * SECOND, r.logNormal(7 * SECOND, 0.8));
      for (const at of visitTimes(
        rng,
        Math.max(c.activity, 0.15),
        shop.world.start,
        shop.world.days,
        saleBoost,
      )) {
        customerVisit(shop.world, rng, c, at, tag, {
          device: app,
          login: rng.chance(0.85) ? 'token' : 'password',
          gap,
        });
      }
    }
  },
};

/** A declared crawler: its own user agent, from its operator's published or own range, no cookies. */
function crawl(
  shop: Parameters<LegitFamily['write']>[0],
  rng: Random,
  ua: string,
  pool: Pool,
  perDay: readonly [number, number],
  night: boolean,
): void {
  const tag = legit('legit_crawler');
  const { world } = shop;
  const addresses = Array.from({ length: rng.int(2, 6) }, () => ipv4In(rng, pool));
  for (let d = 0; d < world.days; d++) {
    const n = rng.int(perDay[0], perDay[1]);
    let t = midnightOf(world.start, d) + (night ? rng.between(1, 3) * HOUR : 0);
    for (let k = 0; k < n; k++) {
      t += night ? rng.between(1.2, 3.5) * SECOND : rng.exponential(DAY / n);
      const page = rng.chance(0.7) ? { path: productPath(rng), kind: 'product' } : visitPage(rng);
      world.browse(t, { ip: rng.pick(addresses), userAgent: ua }, page.path, page.kind, tag);
    }
  }
}

/**
 * Declared crawlers: Googlebot and bingbot from their published ranges through the day, a
 * price-comparison site's crawler that names itself and reads the catalogue every night from
 * its own servers at a hosting provider, and an SEO tool's crawler that names itself too but is
 * on none of the shop's lists.
 */
export const declaredCrawlers: LegitFamily = {
  name: 'legit_crawler',
  share: 1,
  write(shop, rng) {
    crawl(shop, rng, GOOGLEBOT_UA, POOLS.googlebot, [100, 250], false);
    crawl(shop, rng, BINGBOT_UA, POOLS.bingbot, [50, 120], false);
    crawl(shop, rng, PRICE_CRAWLER_UA, POOLS.hetzner, [200, 500], true);
    crawl(shop, rng, SEO_CRAWLER_UA, POOLS.ovh, [30, 120], false);
  },
};

/**
 * The sale day's new customers: accounts opened on Black Friday (and a few on the days around
 * it) and used at once, mostly on the big consumer ISPs and 4G, so many share a network and a day.
 */
export const saleDayNewcomers: LegitFamily = {
  name: 'legit_sale_day_signup',
  share: 0.03,
  write(shop, rng, count) {
    const tag = legit('legit_sale_day_signup');
    const { world } = shop;
    for (let i = 0; i < count; i++) {
      const day = rng.chance(0.7) ? SALE_DAY : rng.int(SALE_DAY - 3, Math.min(world.days - 1, SALE_DAY + 3));
      const at = timeOfDay(rng, midnightOf(world.start, day));
      const c = shop.newCustomer(rng, at - rng.between(1, 20) * MINUTE);
      customerVisit(world, rng, c, at, tag, { login: 'password', order: {}, typos: 0 });
      for (const later of visitTimes(rng, c.activity, world.start, world.days)) {
        if (later > at + HOUR) customerVisit(world, rng, c, later, tag);
      }
    }
  },
};
