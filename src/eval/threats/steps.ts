import {
  ACCOUNT_ADDRESS_PATH,
  NEW_ADDRESS_PATH,
  CHECKOUT_PATH,
  LOGIN_PATH,
  giftCardPath,
  resalePath,
  visitPage,
} from '../clients.ts';
import type { Shop, ThreatFamily } from '../family.ts';
import {
  HOUR,
  MINUTE,
  type OrderFields,
  SECOND,
  type Tag,
  type Visit,
  attack,
  newSessionId,
} from '../model.ts';
import type { Customer, Device } from '../population.ts';
import { type Random, type Range, draw, drawInt } from '../random.ts';
import { incidentStart, newAddress, newCard } from './common.ts';

/**
 * A family whose every incident takes over one regular customer's account (none when every
 * regular is already taken): `takeOver` writes what the attacker does with it.
 */
export function takeoverFamily(
  family: Omit<ThreatFamily, 'write'>,
  takeOver: (shop: Shop, rng: Random, victim: Customer, tag: Tag) => void,
): ThreatFamily {
  return {
    ...family,
    write(shop, rng, incident) {
      const tag = attack(family.name, incident);
      const [victim] = shop.victims(rng, 1);
      if (victim) takeOver(shop, rng, victim, tag);
    },
  };
}

/** When a takeover starts: early enough that its looting (hours at most) fits the window. */
export const takeoverStart = (shop: Shop, rng: Random): number => incidentStart(shop, rng, 6 * HOUR);

/** The attacker's visit from `ip` on `device` (its user agent and cookie id), in a new session. */
export const attackerVisit = (rng: Random, device: Device, ip: string): Visit => ({
  ip,
  userAgent: device.userAgent,
  deviceId: device.id,
  sessionId: newSessionId(rng),
});

/** How a password login goes. */
export interface PasswordLogin {
  /** The visit each request comes from (a new address each time when the attacker rotates them). */
  visit: () => Visit;
  /** Seconds between the login page and the first attempt, and between attempts. */
  gapSeconds: Range;
  /** How many wrong passwords come before the right one (none when left out). */
  failures?: Range;
}

/**
 * The login page, wrong passwords (if any), then the right one for `account`. Returns the time
 * and the visit of the successful login, which the rest of the visit goes on from.
 */
export function passwordLogin(
  shop: Shop,
  rng: Random,
  at: number,
  account: Customer,
  tag: Tag,
  how: PasswordLogin,
): { t: number; visit: Visit } {
  const { world } = shop;
  const { username } = account;
  let t = at;
  world.browse(t, how.visit(), LOGIN_PATH, 'page', tag);
  for (let f = how.failures ? drawInt(rng, how.failures) : 0; f > 0; f--) {
    world.login(
      (t += draw(rng, how.gapSeconds) * SECOND),
      { ...how.visit(), customerId: account.id },
      { username, outcome: 'failure', failureReason: 'bad_password', method: 'password' },
      tag,
    );
  }
  const visit = { ...how.visit(), customerId: account.id };
  world.login(
    (t += draw(rng, how.gapSeconds) * SECOND),
    visit,
    { username, outcome: 'success', method: 'password' },
    tag,
  );
  return { t, visit };
}

/**
 * An order on `account`, billed to its country, paid with `card` (the account's stored payment,
 * with its method, or another card) and shipped to `address`.
 */
export function accountOrder(
  account: Customer,
  order: { amountMinor: number; itemCount: number; card: string; shippingCountry: string; address: string },
): OrderFields {
  return {
    amountMinor: order.amountMinor,
    itemCount: order.itemCount,
    paymentMethod: order.card === account.payment.fingerprint ? account.payment.method : 'card',
    paymentFingerprint: order.card,
    billingCountry: account.country,
    shippingCountry: order.shippingCountry,
    shippingAddressId: order.address,
    accountCreatedAt: account.createdAt,
  };
}

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
  // The new address: added in the address book, or only looked at there, or typed at checkout.
  const book = rng.weighted([
    [[ACCOUNT_ADDRESS_PATH, NEW_ADDRESS_PATH], 5],
    [[ACCOUNT_ADDRESS_PATH], 2],
    [[], 3],
  ]);
  for (const path of book) world.browse((t += rng.between(5, 30) * SECOND), visit, path, 'page', tag);
  t += draw(rng, loot.delayMinutes) * MINUTE;
  for (let o = drawInt(rng, loot.orders); o > 0; o--) {
    world.browse(t, visit, loot.giftCards ? giftCardPath(rng) : resalePath(rng), 'product', tag);
    world.browse((t += rng.between(5, 30) * SECOND), visit, CHECKOUT_PATH, 'checkout', tag);
    world.order(
      (t += rng.between(10, 60) * SECOND),
      visit,
      accountOrder(victim, {
        amountMinor: drawInt(rng, loot.amountMinor),
        itemCount: loot.giftCards ? rng.int(1, 5) : 1,
        card,
        shippingCountry: victim.country,
        address,
      }),
      tag,
    );
    t += rng.between(1, 15) * MINUTE;
  }
  return t;
}
