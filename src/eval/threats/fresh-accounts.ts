import { CHECKOUT_PATH, productPath, resalePath } from '../clients.ts';
import type { Shop, ThreatFamily } from '../family.ts';
import { DAY, HOUR, MINUTE, SECOND, type Tag, type Visit, attack } from '../model.ts';
import { POOLS, ipv4In } from '../networks.ts';
import type { Customer, Device } from '../population.ts';
import { type Random, type Range, draw, drawInt } from '../random.ts';
import { attackerDevice, incidentStart, newAddress, newCard, residentialIp } from './common.ts';
import { accountOrder, attackerVisit, passwordLogin } from './steps.ts';

/**
 * How long before its first sign-in a ring's account was opened, in minutes: most are used at
 * once, some were opened in a batch hours or a day or two earlier (aged a little, as farms do).
 */
const ACCOUNT_AGE_MINUTES: Range = [1, 2_880];

/** An account age from ACCOUNT_AGE_MINUTES, spread evenly over its orders of magnitude. */
const accountAge = (rng: Random): number =>
  Math.exp(draw(rng, [Math.log(ACCOUNT_AGE_MINUTES[0]), Math.log(ACCOUNT_AGE_MINUTES[1])])) * MINUTE;

/**
 * A drawn duration, shortened to what the world leaves after its first three days (incidentStart's
 * earliest start), so that a long ring in a short world still ends within it.
 */
const fitted = (shop: Shop, duration: number): number =>
  Math.min(duration, shop.world.end - shop.world.start - 3 * DAY);

/**
 * One fresh account's short life: opened minutes to a day or two ago, logged into, none to a few
 * product pages, one order (or a few card retries).
 */
function freshAccountOrder(
  shop: Shop,
  rng: Random,
  at: number,
  visit: Visit,
  tag: Tag,
  order: { amount: Range; cards: string[]; address: string; resale: boolean },
): Customer {
  const c = shop.newCustomer(rng, at - accountAge(rng));
  const signedIn = passwordLogin(shop, rng, at, c, tag, { visit: () => visit, gapSeconds: [3, 20] });
  const v = signedIn.visit;
  let { t } = signedIn;
  for (let p = rng.int(0, 4); p > 0; p--)
    shop.world.browse(
      (t += rng.between(2, 25) * SECOND),
      v,
      order.resale ? resalePath(rng) : productPath(rng),
      'product',
      tag,
    );
  shop.world.browse((t += rng.between(3, 20) * SECOND), v, CHECKOUT_PATH, 'checkout', tag);
  for (const card of order.cards) {
    shop.world.order(
      (t += rng.between(5, 40) * SECOND),
      v,
      accountOrder(c, {
        amountMinor: drawInt(rng, order.amount),
        itemCount: 1,
        card,
        shippingCountry: 'NL',
        address: order.address,
      }),
      tag,
    );
  }
  return c;
}

export const CARD_TESTING = {
  accounts: [3, 60],
  hours: [0.5, 48],
  sharedAddresses: [0, 5],
  amountMinor: [50, 1_200],
  retryShare: [0, 0.3],
  dropShare: [0.5, 1],
} as const;

/**
 * Card testing through fresh accounts: many new accounts, each with one small order on a
 * distinct stolen card, most of them (`dropShare`) to one drop address and the rest each to an
 * address of its own; a few accounts retry two or three cards. Client addresses rotate per
 * account or repeat over a handful (0: a fresh one each).
 */
export const cardTesting: ThreatFamily = {
  name: 'card_testing_fresh_accounts',
  perThousand: 1,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const accounts = drawInt(rng, CARD_TESTING.accounts);
    const duration = fitted(shop, draw(rng, CARD_TESTING.hours) * HOUR);
    const shared = Array.from({ length: drawInt(rng, CARD_TESTING.sharedAddresses) }, () =>
      residentialIp(rng),
    );
    const retry = draw(rng, CARD_TESTING.retryShare);
    const dropShare = draw(rng, CARD_TESTING.dropShare);
    const drop = newAddress(rng);
    const t0 = incidentStart(shop, rng, duration);
    for (let a = 0; a < accounts; a++) {
      const visit = attackerVisit(
        rng,
        attackerDevice(rng),
        shared.length ? rng.pick(shared) : residentialIp(rng),
      );
      const cards = Array.from({ length: rng.chance(retry) ? rng.int(2, 3) : 1 }, () => newCard(rng));
      freshAccountOrder(shop, rng, t0 + (a / accounts) * duration + rng.between(0, 5) * MINUTE, visit, tag, {
        amount: CARD_TESTING.amountMinor,
        cards,
        address: rng.chance(dropShare) ? drop : newAddress(rng),
        resale: false,
      });
    }
  },
};

export const ACCOUNT_FARM = {
  accounts: [5, 60],
  devices: [1, 12],
  freshDeviceShare: [0, 0.4],
  hours: [1, 96],
  cards: [1, 10],
  addresses: [1, 6],
  amountMinor: [1_000, 12_000],
  onServersChance: 0.4,
  ownLineChance: 0.2,
  servers: [1, 3],
} as const;

/**
 * An account farm on a device pool: new accounts opened over hours from a few emulated
 * devices (their cookie ids reused; a share `freshDeviceShare` of the accounts on a freshly
 * reset one instead), each on a fresh residential address, or all from one to three server or
 * VPN addresses (`onServersChance` of the farms), or all from the operator's own home line
 * (`ownLineChance`), each placing one new-customer-discount order paid by one of a few cards to
 * one of a few addresses.
 */
export const accountFarm: ThreatFamily = {
  name: 'account_farm_device_pool',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const pool: Device[] = Array.from({ length: drawInt(rng, ACCOUNT_FARM.devices) }, () =>
      attackerDevice(rng),
    );
    const cards = Array.from({ length: drawInt(rng, ACCOUNT_FARM.cards) }, () => newCard(rng));
    const addresses = Array.from({ length: drawInt(rng, ACCOUNT_FARM.addresses) }, () => newAddress(rng));
    const accounts = drawInt(rng, ACCOUNT_FARM.accounts);
    const duration = fitted(shop, draw(rng, ACCOUNT_FARM.hours) * HOUR);
    const freshDevices = draw(rng, ACCOUNT_FARM.freshDeviceShare);
    const where = rng.next();
    const fixed =
      where < ACCOUNT_FARM.onServersChance
        ? Array.from({ length: drawInt(rng, ACCOUNT_FARM.servers) }, () =>
            ipv4In(rng, rng.pick([POOLS.ovh, POOLS.hetzner, POOLS.vpn])),
          )
        : where < ACCOUNT_FARM.onServersChance + ACCOUNT_FARM.ownLineChance
          ? [residentialIp(rng)]
          : [];
    const t0 = incidentStart(shop, rng, duration);
    for (let a = 0; a < accounts; a++) {
      const device = rng.chance(freshDevices) ? attackerDevice(rng) : rng.pick(pool);
      const visit = attackerVisit(rng, device, fixed.length ? rng.pick(fixed) : residentialIp(rng));
      freshAccountOrder(shop, rng, t0 + rng.next() * duration, visit, tag, {
        amount: ACCOUNT_FARM.amountMinor,
        cards: [rng.pick(cards)],
        address: rng.pick(addresses),
        resale: false,
      });
    }
  },
};

export const MULES = {
  accounts: [4, 30],
  days: [1, 21],
  takenOverShare: [0, 1],
  amountMinor: [8_000, 200_000],
} as const;

/**
 * Reshipping mules: goods bought on many accounts (taken over, or opened for it) all shipped to
 * one mule's address over days, each order from another residential address.
 */
export const reshipping: ThreatFamily = {
  name: 'reshipping_mule',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const mule = newAddress(rng);
    const accounts = drawInt(rng, MULES.accounts);
    const taken = shop.victims(rng, Math.round(accounts * draw(rng, MULES.takenOverShare)));
    const duration = fitted(shop, draw(rng, MULES.days) * DAY);
    const t0 = incidentStart(shop, rng, duration);
    for (let a = 0; a < accounts; a++) {
      const visit = attackerVisit(rng, attackerDevice(rng), residentialIp(rng));
      const at = t0 + rng.next() * duration;
      const victim = taken[a];
      if (!victim) {
        freshAccountOrder(shop, rng, at, visit, tag, {
          amount: MULES.amountMinor,
          cards: [newCard(rng)],
          address: mule,
          resale: true,
        });
        continue;
      }
      const signedIn = passwordLogin(shop, rng, at, victim, tag, { visit: () => visit, gapSeconds: [4, 30] });
      const v = signedIn.visit;
      let { t } = signedIn;
      shop.world.browse((t += rng.between(4, 30) * SECOND), v, resalePath(rng), 'product', tag);
      shop.world.browse((t += rng.between(4, 30) * SECOND), v, CHECKOUT_PATH, 'checkout', tag);
      shop.world.order(
        (t += rng.between(10, 60) * SECOND),
        v,
        accountOrder(victim, {
          amountMinor: drawInt(rng, MULES.amountMinor),
          itemCount: 1,
          card: victim.payment.fingerprint,
          shippingCountry: 'NL',
          address: mule,
        }),
        tag,
      );
    }
  },
};
