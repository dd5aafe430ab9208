/**
 * Automated attacks: card testing with tiny gift-card orders, catalogue scraping at machine speed,
 * and vulnerability probing for secrets and admin consoles.
 */
import type { CountryCode } from '../../shared/contract/iso3166.ts';
import {
  CATEGORIES,
  GIFT_CARD,
  PROBE_PATHS,
  PRODUCT_PATHS,
  type Page,
  SEARCHES,
  words,
} from '../catalogue.ts';
import { newDevice } from '../customers.ts';
import { type Client, type Tag, sessionId } from '../emit.ts';
import { FAR, HOME_V4, HOSTING, v4In } from '../networks.ts';
import type { Rng } from '../random.ts';
import type { Shop } from '../shop.ts';
import { type Clock, DAY, SECOND, utcTime } from '../time.ts';
import { UA } from '../user-agents.ts';

/** A fresh account buying tiny gift cards with one card after another, to learn which ones work. */
export function cardTesting(shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag): void {
  const networks = variant % 2 === 0 ? HOME_V4.NL : [...HOSTING.ovh, ...HOSTING.scaleway];
  const device = newDevice(rng, false);
  const client: Client = {
    ip: v4In(rng, rng.pick(networks)),
    customerId: `C${9_000_000 + rng.int(0, 999_999)}`,
    sessionId: sessionId(rng),
    deviceId: device.id,
    userAgent: device.ua,
  };
  const createdAt = utcTime(t.at - rng.int(1, 12) * DAY);
  const address = `addr-${rng.hex(12)}`;
  shop.out.loginSucceeded(rng, t.at, client, shop.strangerUsername(rng), tag);
  shop.out.browse(rng, t.read(), client, [GIFT_CARD, 'product'], tag);
  let fingerprint = `fp_${rng.hex(24)}`;
  for (let n = rng.int(12, 30); n > 0; n--) {
    if (rng.chance(0.5)) {
      shop.out.browse(rng, t.wait(10 * SECOND, 60 * SECOND), client, ['/afrekenen/betalen', 'checkout'], tag);
    }
    shop.out.order(rng, t.wait(3 * SECOND, 40 * SECOND), client, tag, {
      amountMinor: rng.pick([100, 150, 199, 250, 295, 300, 350, 399, 450, 495]),
      itemCount: 1,
      paymentMethod: 'card',
      paymentFingerprint: fingerprint,
      billingCountry: rng.pick(words('US US GB FR CA AU BR IN NL DE')) as CountryCode,
      shippingCountry: 'NL',
      shippingAddressId: address,
      accountCreatedAt: createdAt,
    });
    if (rng.chance(0.8)) fingerprint = `fp_${rng.hex(24)}`;
  }
}

/** A scraper on a hosting address copying the catalogue and the search results at machine speed. */
export function botScraping(shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag): void {
  const ip = v4In(rng, rng.pick([...HOSTING.scaleway, ...HOSTING.ovh]));
  const userAgent = [undefined, 'python-requests/2.32.3', 'Scrapy/2.13.3 (+https://scrapy.org)'][variant % 3];
  const client: Client = userAgent ? { ip, userAgent } : { ip };
  for (let n = rng.int(300, 800); n > 0; n--) {
    const r = rng.next();
    const page: Page =
      r < 0.45
        ? [rng.pick(PRODUCT_PATHS), 'product']
        : r < 0.8
          ? ['/zoeken', 'search', rng.pick(SEARCHES)]
          : [`${rng.pick(CATEGORIES)}/pagina-${rng.int(1, 40)}`, 'page'];
    shop.out.browse(rng, t.wait(80, 900), client, page, tag);
  }
}

/** A scanner asking for secrets and admin consoles; odd variants hide behind a browser's user agent. */
export function probing(shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag): void {
  const ip = v4In(rng, rng.pick([...HOSTING.digitalocean, ...FAR.CN, ...FAR.RU]));
  const client: Client = { ip, userAgent: variant % 2 === 0 ? 'curl/8.5.0' : UA.chromeWin(118) };
  shop.out.browse(rng, t.at, client, ['/', 'page'], tag);
  for (const path of rng.shuffled(PROBE_PATHS).slice(0, rng.int(12, 22))) {
    shop.out.browse(rng, t.wait(150, 2500), client, [path, 'page'], tag);
  }
}
