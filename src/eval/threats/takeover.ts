import { ACCOUNT_ADDRESS_PATH, CHECKOUT_PATH, giftCardPath, resalePath, visitPage } from '../clients.ts';
import type { Shop, ThreatFamily } from '../family.ts';
import { HOME_BE, HOME_NL, ipv4In } from '../networks.ts';
import { MINUTE, SECOND, type Tag, type Visit, attack } from '../model.ts';
import type { Customer } from '../population.ts';
import { type Random, type Range, draw, drawInt } from '../random.ts';
import { attackerDevice, incidentStart, newAddress, newCard, residentialIp } from './common.ts';

/** What a taken-over account is used for once the attacker is in. */
export interface Loot {
  amountMinor: Range;
  orders: Range;
  /** Minutes from the login to the first order. */
  delayMinutes: Range;
  /** Chance the attacker pays with a card of their own rather than the stored one. */
  ownCard: number;
  giftCards: boolean;
}

/**
 * After the login: a look around, a new delivery address, resale goods or gift cards, one or
 * more high-value orders to that address. Returns the time of the last event.
 */
export function cashOut(
  shop: Shop,
  rng: Random,
  visit: Visit,
  victim: Customer,
  at: number,
  tag: Tag,
  loot: Loot,
): number {
  const { world } = shop;
  const address = newAddress(rng);
  const card = rng.chance(loot.ownCard) ? newCard(rng) : victim.payment.fingerprint;
  let t = at;
  for (let p = rng.int(0, 3); p > 0; p--) {
    const page = visitPage(rng);
    world.browse((t += rng.between(4, 40) * SECOND), visit, page.path, page.kind, tag);
  }
  world.browse((t += rng.between(5, 30) * SECOND), visit, ACCOUNT_ADDRESS_PATH, 'page', tag);
  t += draw(rng, loot.delayMinutes) * MINUTE;
  for (let o = drawInt(rng, loot.orders); o > 0; o--) {
    world.browse(t, visit, loot.giftCards ? giftCardPath(rng) : resalePath(rng), 'product', tag);
    world.browse((t += rng.between(5, 30) * SECOND), visit, CHECKOUT_PATH, 'checkout', tag);
    world.order(
      (t += rng.between(10, 60) * SECOND),
      visit,
      {
        amountMinor: drawInt(rng, loot.amountMinor),
        itemCount: loot.giftCards ? rng.int(1, 5) : 1,
        paymentMethod: card === victim.payment.fingerprint ? victim.payment.method : 'card',
        paymentFingerprint: card,
        billingCountry: victim.country,
        shippingCountry: victim.country,
        shippingAddressId: address,
        accountCreatedAt: victim.createdAt,
      },
      tag,
    );
    t += rng.between(1, 15) * MINUTE;
  }
  return t;
}

export const SESSION_THEFT = {
  amountMinor: [40_000, 250_000],
  orders: [1, 2],
  delayMinutes: [2, 240],
} as const;

/**
 * Session or token theft (infostealer cookies): a `token` login from a new device on another
 * domestic ISP, a new delivery address, a high-value order. No failed login, no foreign country.
 */
export const sessionTheft: ThreatFamily = {
  name: 'session_theft',
  perThousand: 1,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const [victim] = shop.victims(rng, 1);
    if (!victim) return;
    const device = attackerDevice(rng);
    const otherIsp = rng.pick((victim.country === 'NL' ? HOME_NL : HOME_BE).filter((p) => p !== victim.isp));
    const visit: Visit = {
      ip: ipv4In(rng, otherIsp),
      userAgent: device.userAgent,
      deviceId: device.id,
      sessionId: `s-${rng.hex(18)}`,
      customerId: victim.id,
    };
    const t = incidentStart(shop, rng, 6 * 3_600_000);
    shop.world.login(t, visit, { username: victim.username, outcome: 'success', method: 'token' }, tag);
    cashOut(shop, rng, visit, victim, t, tag, { ...SESSION_THEFT, ownCard: 0, giftCards: false });
  },
};

export const GIFT_CARDS = {
  amountMinor: [5_000, 50_000],
  orders: [1, 3],
  delayMinutes: [1, 30],
  failures: [0, 2],
} as const;

/**
 * Account takeover cashed out in gift cards or high-resale goods: the password (from a leak) tried
 * through a residential proxy in the victim's own country, a failure or two first, then orders to
 * a new address, paid with the stored payment or a card of the attacker's.
 */
export const giftCardTakeover: ThreatFamily = {
  name: 'takeover_gift_cards',
  perThousand: 1,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const [victim] = shop.victims(rng, 1);
    if (!victim) return;
    const device = attackerDevice(rng);
    const visit: Visit = {
      ip: residentialIp(rng),
      userAgent: device.userAgent,
      deviceId: device.id,
      sessionId: `s-${rng.hex(18)}`,
    };
    let t = incidentStart(shop, rng, 6 * 3_600_000);
    shop.world.browse(t, visit, '/inloggen', 'page', tag);
    for (let f = drawInt(rng, GIFT_CARDS.failures); f > 0; f--) {
      shop.world.login(
        (t += rng.between(5, 40) * SECOND),
        { ...visit, customerId: victim.id },
        { username: victim.username, outcome: 'failure', failureReason: 'bad_password', method: 'password' },
        tag,
      );
    }
    shop.world.login(
      (t += rng.between(5, 40) * SECOND),
      { ...visit, customerId: victim.id },
      { username: victim.username, outcome: 'success', method: 'password' },
      tag,
    );
    cashOut(shop, rng, { ...visit, customerId: victim.id }, victim, t, tag, {
      ...GIFT_CARDS,
      ownCard: 0.5,
      giftCards: rng.chance(0.7),
    });
  },
};
