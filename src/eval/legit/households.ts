import type { LegitFamily, Shop } from '../family.ts';
import { DAY, legit } from '../model.ts';
import type { Customer } from '../population.ts';
import type { Random } from '../random.ts';
import { customerVisit } from '../visits.ts';
import { saleBoost } from './everyday.ts';
import { visitTimes } from '../population.ts';

/**
 * Several accounts in one home: the same line, the same delivery address, often the same device.
 * A share `fresh` of them is opened during the window, all within two days of one moment (moving
 * in, a new phone for everyone).
 */
function household(shop: Shop, rng: Random, size: number, fresh: number): Customer[] {
  const members: Customer[] = [];
  const openedAround = shop.world.start + rng.between(0, shop.world.days - 3) * DAY;
  for (let i = 0; i < size; i++) {
    const createdAt = rng.chance(fresh) ? openedAround + rng.between(0, 2) * DAY : undefined;
    members.push(shop.newCustomer(rng, createdAt));
  }
  const head = members[0]!;
  for (const m of members) {
    m.country = head.country;
    m.isp = head.isp;
    m.homeV4 = head.homeV4;
    if (head.homeV6 === undefined) delete m.homeV6;
    else m.homeV6 = head.homeV6;
    m.carrier = head.carrier;
    m.addressId = head.addressId;
  }
  return members;
}

function writeMembers(
  shop: Shop,
  rng: Random,
  members: Customer[],
  family: string,
  shareDevice: number,
): void {
  const tag = legit(family);
  const shared = members[0]!.devices[0]!;
  for (const m of members) {
    for (const at of visitTimes(rng, m.activity, shop.world.start, shop.world.days, saleBoost)) {
      if (at < m.createdAt) continue;
      customerVisit(shop.world, rng, m, at, tag, rng.chance(shareDevice) ? { device: shared } : {});
    }
  }
}

/**
 * Families sharing a device: two to four accounts on one home line, the family laptop used by
 * all of them (its cookie id shared), orders to the one home address, parents' card on a child's
 * account now and then.
 */
export const sharedDevice: LegitFamily = {
  name: 'legit_family_device',
  share: 0.04,
  write(shop, rng, count) {
    for (let n = 0; n < count;) {
      const members = household(shop, rng, rng.int(2, 4), 0.05);
      const parent = members[0]!;
      for (const m of members.slice(1)) if (rng.chance(0.3)) m.payment = { ...parent.payment };
      writeMembers(shop, rng, members, 'legit_family_device', 0.6);
      n += members.length;
    }
  },
};

/**
 * Students in shared housing: four to eight accounts behind one consumer line, each on their
 * own phone and laptop, a third of the accounts opened during the window, all delivered to the
 * house's address.
 */
export const students: LegitFamily = {
  name: 'legit_student_house',
  share: 0.02,
  write(shop, rng, count) {
    for (let n = 0; n < count;) {
      const members = household(shop, rng, rng.int(4, 8), 0.33);
      for (const m of members) m.activity *= 1.5;
      writeMembers(shop, rng, members, 'legit_student_house', 0);
      n += members.length;
    }
  },
};
