/**
 * Legitimate demo traffic: customers' sessions around a login (now and then from a new device,
 * abroad, or with a typo), their orders, anonymous visitors and search-engine crawlers.
 */
import {
  CATEGORIES,
  CHECKOUT,
  PRODUCTS,
  PRODUCT_PATHS,
  PRODUCT_WEIGHTS,
  type Page,
  shopperPage,
} from './catalogue.ts';
import { type Customer, FIRST, MAIL, homeCountry, newDevice, typo } from './customers.ts';
import { type Client, type Tag, sessionId } from './emit.ts';
import { HOME_V4, NL_CARRIERS, v4In, v6Privacy } from './networks.ts';
import type { LegitScenario } from './options.ts';
import { type Rng, pickCumulative } from './random.ts';
import type { Shop } from './shop.ts';
import { Clock, DAY, DIURNAL, HOUR, SECOND, localHour } from './time.ts';
import { CRAWLERS } from './user-agents.ts';

/** The sessions that start in [from, to), a slot within one local hour. */
export function legitimateTraffic(shop: Shop, rng: Rng, from: number, to: number): void {
  const span = to - from;
  const expected = shop.sessionsPerDay * (span / DAY) * DIURNAL[localHour(from)]!;
  for (let n = rng.poisson(expected); n > 0; n--) {
    const start = from + Math.floor(rng.next() * span);
    customerSession(shop, rng, shop.customers[pickCumulative(shop.activity, rng.next())]!, start);
  }
  for (let n = rng.poisson(expected * 0.5); n > 0; n--) {
    visitorSession(shop, rng, from + Math.floor(rng.next() * span));
  }
  // Crawlers keep their own pace, day and night.
  for (let n = rng.poisson(((shop.o.customers / 110) * span) / HOUR); n > 0; n--) {
    crawl(shop, rng, from + Math.floor(rng.next() * span));
  }
}

/**
 * One visit of a customer: maybe a page or two, a login, 3–20 pages, maybe
 * an order. `home` makes it a short visit from home on the usual device.
 * Returns when it ended.
 */
export function customerSession(shop: Shop, rng: Rng, c: Customer, start: number, home = false): number {
  const trip = c.trip;
  const abroad = !home && trip !== undefined && start >= trip.arrive && start < trip.leave;
  const onTheWay =
    trip !== undefined &&
    ((start >= trip.depart && start < trip.arrive) || (start >= trip.leave && start < trip.home));
  if (onTheWay && !home) return start;
  c.sessions++;
  let scenario: LegitScenario = abroad ? 'traveller' : 'normal';
  let device = c.devices[0]!;
  if (!home && rng.chance(0.012)) {
    // A new phone or laptop.
    device = newDevice(rng, rng.chance(0.6));
    c.devices.push(device);
    if (!abroad) scenario = 'new_device';
  } else if (!home && c.devices.length > 1 && rng.chance(0.35)) {
    device = rng.pick(c.devices.slice(1));
  }
  const ip = sessionAddress(shop, rng, c, start, device.mobile, abroad, home);
  const client: Client = { ip, sessionId: sessionId(rng), deviceId: device.id, userAgent: device.ua };
  const tag: Tag = { label: 'legit', scenario };
  const t = new Clock(start, rng);

  const remembered = rng.chance(0.2);
  if (!remembered) {
    for (let n = rng.int(0, 2); n > 0; n--)
      shop.out.browse(rng, t.read(), client, shopperPage(rng, false), tag);
    shop.out.browse(rng, t.read(), client, ['/inloggen', 'page'], tag);
    t.read(8 * SECOND);
    for (let typos = rng.chance(0.05) ? rng.int(1, 2) : 0; typos > 0; typos--) {
      if (rng.chance(0.3))
        shop.out.loginFailed(rng, t.at, client, typo(rng, c.username), 'unknown_user', tag);
      else shop.out.loginFailed(rng, t.at, { ...client, customerId: c.id }, c.username, 'bad_password', tag);
      t.wait(6 * SECOND, 25 * SECOND);
    }
  }
  // Some producers leave the optional login.method out.
  const method = rng.chance(0.03) ? null : remembered ? 'token' : 'password';
  const loggedIn = { ...client, customerId: c.id };
  shop.out.loginSucceeded(rng, t.at, loggedIn, c.username, tag, method);
  for (let n = home ? rng.int(2, 6) : rng.int(3, 20); n > 0; n--) {
    shop.out.browse(rng, t.read(), loggedIn, shopperPage(rng, true), tag);
  }
  if (!home && rng.chance(0.1)) checkout(shop, rng, t, loggedIn, c, tag);
  return t.at;
}

/** Where a customer's session comes from: mobile data, a hotel abroad, friends, or home. */
function sessionAddress(
  shop: Shop,
  rng: Rng,
  c: Customer,
  start: number,
  mobile: boolean,
  abroad: boolean,
  home: boolean,
): string {
  if (!home && mobile && c.carrier && rng.chance(abroad ? 0.5 : 0.45)) {
    // Mobile data, roaming in the EU too, comes out at the home carrier's shared addresses.
    return rng.pick(shop.carrierIps(c.carrier));
  }
  if (abroad) return c.trip!.hotelIp;
  if (!home && rng.chance(0.03)) return v4In(rng, rng.pick(HOME_V4[c.country])); // at friends' or family's
  return c.homeV6 !== undefined && rng.chance(0.6) ? privacyAddress(shop, c, start) : c.homeV4;
}

function privacyAddress(shop: Shop, c: Customer, at: number): string {
  return v6Privacy(c.homeV6!, c.index, Math.floor((at - shop.o.startMs) / DAY));
}

function checkout(shop: Shop, rng: Rng, t: Clock, client: Client, c: Customer, tag: Tag): void {
  const items = Array.from({ length: rng.chance(0.7) ? 1 : rng.int(2, 3) }, () =>
    pickCumulative(PRODUCT_WEIGHTS, rng.next()),
  );
  shop.out.browse(rng, t.read(), client, [PRODUCT_PATHS[items[0]!]!, 'product'], tag);
  for (const page of CHECKOUT) shop.out.browse(rng, t.read(9 * SECOND), client, page, tag);
  const subtotal = items.reduce((sum, i) => sum + PRODUCTS[i]![2], 0);
  const payment = c.payments.length > 1 && rng.chance(0.25) ? c.payments[1]! : c.payments[0]!;
  shop.out.order(rng, t.read(20 * SECOND), client, tag, {
    amountMinor: subtotal + (subtotal < 2000 ? 495 : 0),
    itemCount: items.length,
    paymentMethod: payment.method,
    paymentFingerprint: payment.fingerprint,
    billingCountry: c.country,
    shippingCountry: c.country,
    shippingAddressId: c.addressId,
    accountCreatedAt: c.createdAt,
  });
  shop.out.browse(rng, t.read(5 * SECOND), client, ['/afrekenen/bedankt', 'page'], tag);
}

/** Someone not logged in: a few pages, now and then a login with an address that has no account. */
function visitorSession(shop: Shop, rng: Rng, start: number): void {
  const country = homeCountry(rng);
  const mobile = rng.chance(0.6);
  const ip =
    country === 'NL' && mobile && rng.chance(0.5)
      ? rng.pick(shop.carrierIps(rng.pick(NL_CARRIERS)))
      : v4In(rng, rng.pick(HOME_V4[country]));
  const device = newDevice(rng, mobile);
  const client: Client = { ip, sessionId: sessionId(rng), deviceId: device.id, userAgent: device.ua };
  const tag: Tag = { label: 'legit', scenario: 'anonymous' };
  const t = new Clock(start, rng);
  shop.out.browse(rng, t.at, client, shopperPage(rng, false), tag);
  for (let n = rng.int(0, 9); n > 0; n--)
    shop.out.browse(rng, t.read(), client, shopperPage(rng, false), tag);
  if (rng.chance(0.02)) {
    shop.out.browse(rng, t.read(), client, ['/inloggen', 'page'], tag);
    const username = `${rng.pick(FIRST[country])}${rng.int(1, 999)}@${rng.pick(MAIL[country])}`;
    shop.out.loginFailed(rng, t.read(10 * SECOND), client, username, 'unknown_user', tag);
  }
}

function crawl(shop: Shop, rng: Rng, at: number): void {
  const crawler = CRAWLERS[rng.chance(0.8) ? rng.int(0, 1) : 2]!;
  const page: Page = rng.chance(0.7)
    ? [rng.pick(PRODUCT_PATHS), 'product']
    : [`${rng.pick(CATEGORIES)}${rng.chance(0.5) ? `/pagina-${rng.int(2, 12)}` : ''}`, 'page'];
  const client = { ip: `${crawler.net}.${rng.int(1, 250)}`, userAgent: crawler.ua };
  shop.out.browse(rng, at, client, page, { label: 'legit', scenario: 'crawler' });
}
