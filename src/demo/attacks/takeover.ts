/**
 * Account takeover: a stolen password used from a far country on a new device, or minutes after
 * the customer's own visit from home (impossible travel); then the cash-out.
 */
import type { CountryCode } from '../../shared/contract/iso3166.ts';
import { CHECKOUT, EXPENSIVE, PRODUCTS, PRODUCT_PATHS, words } from '../catalogue.ts';
import { type Customer, newDevice } from '../customers.ts';
import { type Client, type Tag, sessionId } from '../emit.ts';
import { customerSession } from '../legitimate.ts';
import { FAR, v4In } from '../networks.ts';
import type { Rng } from '../random.ts';
import type { Shop } from '../shop.ts';
import { type Clock, MINUTE, SECOND } from '../time.ts';

/** In from a far country on a new device: a new address, expensive orders on a stolen card. */
export function accountTakeover(shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag): void {
  const victim = shop.victim(rng, t.at);
  const device = newDevice(rng, rng.chance(0.3));
  const ip = v4In(rng, rng.pick(rng.pick([FAR.NG, FAR.BR, FAR.ID, FAR.VN, FAR.RU])));
  const client: Client = {
    ip,
    customerId: victim.id,
    sessionId: sessionId(rng),
    deviceId: device.id,
    userAgent: device.ua,
  };
  if (rng.chance(0.5)) {
    shop.out.loginFailed(rng, t.at, client, victim.username, 'bad_password', tag);
    t.wait(10 * SECOND, 40 * SECOND);
  }
  shop.out.loginSucceeded(rng, t.at, client, victim.username, tag);
  cashOut(shop, rng, t, client, victim, tag, {
    billingCountry: rng.pick(words('GB US FR DE ES').filter((c) => c !== victim.country)),
    shippingCountry: victim.country,
    fingerprint: `fp_${rng.hex(24)}`,
    orders: variant % 2 === 0 ? 1 : 2,
  });
}

/** The customer at home, and twenty minutes later someone with their password on another continent. */
export function impossibleTravel(shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag): void {
  const victim = shop.victim(rng, t.at, 'NL');
  t.at = customerSession(shop, rng, victim, t.at, true) + rng.int(15 * MINUTE, 25 * MINUTE);
  const device = newDevice(rng, true);
  const client: Client = {
    ip: v4In(rng, rng.pick(variant % 2 === 0 ? FAR.CN : FAR.BR)),
    customerId: victim.id,
    sessionId: sessionId(rng),
    deviceId: device.id,
    userAgent: device.ua,
  };
  shop.out.loginSucceeded(rng, t.at, client, victim.username, tag);
  cashOut(shop, rng, t, client, victim, tag, {
    billingCountry: victim.country,
    shippingCountry: rng.pick(words('LV LT PL RO')),
    fingerprint: victim.payments.find((p) => p.method === 'card')?.fingerprint ?? `fp_${rng.hex(24)}`,
    orders: 1,
  });
}

/** After a takeover: the address book, expensive products, the checkout and the orders. */
function cashOut(
  shop: Shop,
  rng: Rng,
  t: Clock,
  client: Client,
  victim: Customer,
  tag: Tag,
  loot: { billingCountry: string; shippingCountry: string; fingerprint: string; orders: number },
): void {
  for (const path of words('/account /account/adressen /account/adressen/nieuw /account/adressen')) {
    shop.out.browse(rng, t.read(9 * SECOND), client, [path, 'page'], tag);
  }
  const address = `addr-${rng.hex(12)}`;
  for (let n = loot.orders; n > 0; n--) {
    const items = rng.shuffled(EXPENSIVE).slice(0, rng.int(1, 2));
    for (const i of items)
      shop.out.browse(rng, t.read(8 * SECOND), client, [PRODUCT_PATHS[i]!, 'product'], tag);
    for (const page of CHECKOUT) shop.out.browse(rng, t.read(6 * SECOND), client, page, tag);
    shop.out.order(rng, t.read(15 * SECOND), client, tag, {
      amountMinor: items.reduce((sum, i) => sum + PRODUCTS[i]![2], 0),
      itemCount: items.length,
      paymentMethod: 'card',
      paymentFingerprint: loot.fingerprint,
      billingCountry: loot.billingCountry as CountryCode,
      shippingCountry: loot.shippingCountry as CountryCode,
      shippingAddressId: address,
      accountCreatedAt: victim.createdAt,
    });
  }
}
