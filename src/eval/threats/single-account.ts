import { CHECKOUT_PATH, LOGIN_PATH, productPath, visitPage } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { MINUTE, SECOND, type Visit, attack, newSessionId } from '../model.ts';
import { HOME_BE, HOME_NL, POOLS, type Pool, ipv4In } from '../networks.ts';
import type { Customer } from '../population.ts';
import { type Random, type Range, draw, drawInt } from '../random.ts';
import { attackerDevice, incidentStart, newAddress, newCard, residentialIp } from './common.ts';
import {
  accountOrder,
  attackerVisit,
  cashOut,
  passwordLogin,
  takeoverFamily,
  takeoverStart,
} from './steps.ts';

/** HTTP libraries and headless browsers as attack tools send them. */
export const SCRIPT_USER_AGENTS = [
  'python-requests/2.32.3',
  'curl/8.5.0',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
  'axios/1.7.7',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
] as const;

/** Where an attacker's single machine sits: a rented server, a VPN exit, or a residential proxy. */
function attackerIp(rng: Random): string {
  return rng.weighted<() => string>([
    [() => ipv4In(rng, rng.pick([POOLS.hetzner, POOLS.ovh])), 3],
    [() => ipv4In(rng, POOLS.vpn), 2],
    [() => residentialIp(rng), 4],
  ])();
}

export const BRUTE_FORCE = {
  attempts: [12, 300],
  gapSeconds: [0.4, 900],
  /** Attempts per address when the attacker rotates addresses. */
  perAddress: [1, 6],
  succeeds: [0.2, 0.7],
} as const satisfies Record<string, Range>;

/**
 * Password guessing against one account (OWASP OAT-007, MITRE T1110.001): from one machine or
 * through rotating residential addresses, a browser or a script, fast or slow; the shop may lock
 * the account part-way. Some guesses succeed, and the account is then looted.
 */
export const bruteForce = takeoverFamily(
  { name: 'brute_force_one_account', perThousand: 0.75, min: 2 },
  (shop, rng, victim, tag) => {
    const attempts = drawInt(rng, BRUTE_FORCE.attempts);
    // Log-uniform: as many quick tools as patient ones that wait minutes between guesses.
    const gap = Math.exp(
      draw(rng, [Math.log(BRUTE_FORCE.gapSeconds[0]), Math.log(BRUTE_FORCE.gapSeconds[1])]),
    );
    const rotating = rng.chance(0.4);
    const perAddress = drawInt(rng, BRUTE_FORCE.perAddress);
    const device = attackerDevice(rng);
    const userAgent = rng.chance(0.3) ? rng.pick(SCRIPT_USER_AGENTS) : device.userAgent;
    const keepsCookies = userAgent === device.userAgent && rng.chance(0.6);
    const lockAfter = rng.chance(0.3) ? rng.int(5, 20) : Infinity;
    const visitFrom = (ip: string): Visit => ({
      ip,
      userAgent,
      ...(keepsCookies ? { deviceId: device.id, sessionId: newSessionId(rng) } : {}),
    });
    let visit = visitFrom(attackerIp(rng));
    let t = takeoverStart(shop, rng);
    shop.world.browse(t, visit, LOGIN_PATH, 'page', tag);
    for (let a = 1; a <= attempts; a++) {
      if (rotating && a % perAddress === 0) visit = visitFrom(residentialIp(rng));
      t += gap * rng.between(0.5, 1.5) * SECOND;
      const locked = a > lockAfter;
      shop.world.login(
        t,
        { ...visit, customerId: victim.id },
        {
          username: victim.username,
          outcome: 'failure',
          failureReason: locked ? 'locked' : 'bad_password',
          method: 'password',
        },
        tag,
      );
    }
    if (lockAfter !== Infinity || !rng.chance(draw(rng, BRUTE_FORCE.succeeds))) return;
    const signedIn = { ...visit, customerId: victim.id };
    shop.world.login(
      (t += gap * SECOND),
      signedIn,
      { username: victim.username, outcome: 'success', method: 'password' },
      tag,
    );
    cashOut(shop, rng, signedIn, victim, t, tag, {
      amountMinor: [8_000, 150_000],
      orders: [0, 2],
      delayMinutes: [1, 60],
      ownCard: 0.4,
      giftCards: rng.chance(0.3),
    });
  },
);

export const CARD_TESTING = {
  orders: [6, 80],
  amountMinor: [50, 2_500],
  gapSeconds: [4, 600],
  retries: [1, 3],
} as const satisfies Record<string, Range>;

/**
 * Card testing through one account (OWASP OAT-001 carding): small orders, each with another
 * stolen card (a few tries per card), from one address or rotating ones, on a fresh account or a
 * taken-over one, at a machine's pace or a patient one.
 */
export const cardTestingOneAccount: ThreatFamily = {
  name: 'card_testing_one_account',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const start = incidentStart(shop, rng, 12 * 60 * MINUTE);
    const account = rng.chance(0.5)
      ? shop.newCustomer(rng, start - rng.between(2, 600) * MINUTE)
      : shop.victims(rng, 1)[0];
    if (!account) return;
    const device = attackerDevice(rng);
    const rotating = rng.chance(0.35);
    const fixedIp = attackerIp(rng);
    const ip = () => (rotating ? residentialIp(rng) : fixedIp);
    const { t: loggedIn, visit } = passwordLogin(shop, rng, start, account, tag, {
      visit: () => attackerVisit(rng, device, ip()),
      gapSeconds: [2, 20],
    });
    const address = rng.chance(0.5) ? newAddress(rng) : account.addressId;
    const gap = draw(rng, CARD_TESTING.gapSeconds);
    let t = loggedIn;
    let card = newCard(rng);
    let triesLeft = drawInt(rng, CARD_TESTING.retries);
    for (let o = drawInt(rng, CARD_TESTING.orders); o > 0; o--) {
      if (triesLeft-- <= 0) {
        card = newCard(rng);
        triesLeft = drawInt(rng, CARD_TESTING.retries) - 1;
      }
      const at = { ...visit, ip: rotating ? residentialIp(rng) : visit.ip };
      if (rng.chance(0.4))
        shop.world.browse((t += rng.between(1, 10) * SECOND), at, CHECKOUT_PATH, 'checkout', tag);
      shop.world.order(
        (t += gap * rng.between(0.5, 1.5) * SECOND),
        at,
        accountOrder(account, {
          amountMinor: drawInt(rng, CARD_TESTING.amountMinor),
          itemCount: 1,
          card,
          shippingCountry: account.country,
          address,
        }),
        tag,
      );
    }
  },
};

export const ORDER_BURST = {
  orders: [4, 25],
  minutes: [5, 180],
  amountMinor: [1_500, 60_000],
  addresses: [1, 3],
} as const satisfies Record<string, Range>;

/**
 * A burst of orders from one signed-in account (a takeover with a stored card, or a reseller's
 * bot): many orders within minutes to an hour or three, to one to three new addresses.
 */
export const orderBurst = takeoverFamily(
  { name: 'order_burst', perThousand: 0.75, min: 2 },
  (shop, rng, victim, tag) => {
    const device = attackerDevice(rng);
    const ip = rng.chance(0.5) ? residentialIp(rng) : attackerIp(rng);
    const visit: Visit = { ...attackerVisit(rng, device, ip), customerId: victim.id };
    let t = takeoverStart(shop, rng);
    const method = rng.chance(0.3) ? 'token' : 'password';
    if (method === 'password') shop.world.browse(t, visit, LOGIN_PATH, 'page', tag);
    shop.world.login(
      (t += rng.between(2, 20) * SECOND),
      visit,
      { username: victim.username, outcome: 'success', method },
      tag,
    );
    const addresses = Array.from({ length: drawInt(rng, ORDER_BURST.addresses) }, () => newAddress(rng));
    const orders = drawInt(rng, ORDER_BURST.orders);
    const span = draw(rng, ORDER_BURST.minutes) * MINUTE;
    const card = rng.chance(0.5) ? victim.payment.fingerprint : newCard(rng);
    for (let o = 0; o < orders; o++) {
      const at = t + (span * (o + rng.next())) / orders;
      if (rng.chance(0.5))
        shop.world.browse(at - rng.between(5, 40) * SECOND, visit, productPath(rng), 'product', tag);
      shop.world.order(
        at,
        visit,
        accountOrder(victim, {
          amountMinor: drawInt(rng, ORDER_BURST.amountMinor),
          itemCount: rng.int(1, 4),
          card,
          shippingCountry: victim.country,
          address: rng.pick(addresses),
        }),
        tag,
      );
    }
  },
);

/** Where a takeover from abroad comes from: a consumer ISP far away, a server, a VPN exit, or across the border. */
function abroad(rng: Random, victim: Customer): () => string {
  const neighbour: readonly Pool[] = victim.country === 'NL' ? HOME_BE : HOME_NL;
  const pool = rng.weighted<Pool>([
    [POOLS.comcastUs, 2],
    [POOLS.nttJp, 1],
    [POOLS.hetzner, 2],
    [POOLS.vpn, 2],
    [rng.pick(neighbour), 2],
  ]);
  const fixed = ipv4In(rng, pool);
  return rng.chance(0.3) ? () => ipv4In(rng, pool) : () => fixed;
}

export const TAKEOVER_ABROAD = {
  failures: [0, 5],
  gapSeconds: [3, 90],
  /** Pages looked at before turning to the cash-out. */
  pages: [0, 6],
  /** Minutes from the login to the cash-out's look at the address book. */
  lookMinutes: [1, 30],
} as const satisfies Record<string, Range>;

/**
 * A takeover from another country with a leaked password (the classic "impossible travel"):
 * some tries first, a look around, then orders to a new address.
 */
export const takeoverAbroad = takeoverFamily(
  { name: 'takeover_abroad', perThousand: 0.75, min: 2 },
  (shop, rng, victim, tag) => {
    const device = attackerDevice(rng);
    const ip = abroad(rng, victim);
    const { t, visit } = passwordLogin(shop, rng, takeoverStart(shop, rng), victim, tag, {
      visit: () => attackerVisit(rng, device, ip()),
      gapSeconds: TAKEOVER_ABROAD.gapSeconds,
      failures: TAKEOVER_ABROAD.failures,
    });
    const look = draw(rng, TAKEOVER_ABROAD.lookMinutes) * MINUTE;
    const pages = drawInt(rng, TAKEOVER_ABROAD.pages);
    for (let p = 1; p <= pages; p++) {
      const page = visitPage(rng);
      shop.world.browse(t + (look * p) / (pages + 1), visit, page.path, page.kind, tag);
    }
    cashOut(shop, rng, visit, victim, t + look, tag, {
      amountMinor: [5_000, 200_000],
      orders: [0, 3],
      delayMinutes: [1, 90],
      ownCard: 0.3,
      giftCards: rng.chance(0.3),
    });
  },
);
