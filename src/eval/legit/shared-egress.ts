import type { LegitFamily } from '../family.ts';
import { HOUR, legit } from '../model.ts';
import { POOLS, type Pool, ipv4In, ipv6In, ipv6PrefixIn } from '../networks.ts';
import { midnightOf, newDevice, visitTimes } from '../population.ts';
import type { Random } from '../random.ts';
import { customerVisit } from '../visits.ts';
import { saleBoost } from './everyday.ts';
import { desktopUserAgent, iphoneSafari } from '../clients.ts';

/** Working hours, Monday to Friday (the window starts on a Monday). */
function workingMoment(rng: Random, start: number, days: number): number {
  let day: number;
  do day = rng.int(0, days - 1);
  while (day % 7 >= 5);
  return midnightOf(start, day) + rng.between(8.5, 17.5) * HOUR;
}

/**
 * An office behind one NAT address: 100 to 250 colleagues, all customers, shopping at lunch and
 * between meetings from the same public address on company laptops, and from home otherwise.
 */
export const officeNat: LegitFamily = {
  name: 'legit_office_nat',
  share: 0.06,
  write(shop, rng, count) {
    const tag = legit('legit_office_nat');
    const { start, days } = shop.world;
    for (let n = 0; n < count;) {
      const size = rng.int(100, 250);
      const officeIp = ipv4In(rng, POOLS.business);
      for (let i = 0; i < size; i++) {
        const c = shop.newCustomer(rng);
        const laptop = newDevice(rng, desktopUserAgent(rng));
        const officeVisits = Math.round(rng.between(0.1, 0.5) * days);
        for (let v = 0; v < officeVisits; v++) {
          customerVisit(shop.world, rng, c, workingMoment(rng, start, days), tag, {
            device: laptop,
            ip: officeIp,
          });
        }
        for (const at of visitTimes(rng, c.activity, start, days, saleBoost))
          customerVisit(shop.world, rng, c, at, tag);
      }
      n += size;
    }
  },
};

/** Customers whose every visit leaves through a shared egress pool, a new address each visit. */
function egressFamily(
  name: string,
  share: number,
  pool: Pool,
  device: (rng: Random) => ReturnType<typeof newDevice>,
): LegitFamily {
  return {
    name,
    share,
    write(shop, rng, count) {
      const tag = legit(name);
      for (let i = 0; i < count; i++) {
        const c = shop.newCustomer(rng);
        c.devices = [device(rng), ...c.devices.slice(0, 1)];
        for (const at of visitTimes(rng, c.activity, shop.world.start, shop.world.days, saleBoost)) {
          const prefix = ipv6PrefixIn(rng, pool);
          const ip = prefix !== undefined && rng.chance(0.5) ? ipv6In(rng, prefix) : ipv4In(rng, pool);
          customerVisit(shop.world, rng, c, at, tag, { device: c.devices[0]!, ip });
        }
      }
    },
  };
}

/** Employees whose company laptop sends all web traffic through Zscaler's cloud proxy, at work and at home. */
export const cloudProxy = egressFamily('legit_cloud_proxy', 0.03, POOLS.zscaler, (rng) =>
  newDevice(rng, desktopUserAgent(rng)),
);

/** Safari users with iCloud Private Relay: each visit from another relay address, often abroad by geolocation. */
export const privateRelay = egressFamily('legit_private_relay', 0.03, POOLS.privateRelay, (rng) =>
  newDevice(rng, iphoneSafari(rng)),
);

/** Customers with an always-on commercial VPN: hosting networks, servers in several countries. */
export const commercialVpn = egressFamily('legit_vpn', 0.02, POOLS.vpn, (rng) => newDevice(rng));
