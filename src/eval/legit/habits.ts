import type { LegitFamily } from '../family.ts';
import { SECOND, legit } from '../model.ts';
import { makeCustomer, visitTimes } from '../population.ts';
import type { Random } from '../random.ts';
import { customerVisit, humanGap } from '../visits.ts';
import { saleBoost } from './everyday.ts';

/**
 * Gaps of a shopper who opens results in tabs: now and then a burst of two to eight requests a
 * fraction of a second apart (middle-clicks down a result list, a filter clicked on and off),
 * then reading time as anyone's.
 */
function tabbingGap(): (rng: Random) => number {
  let burst = 0;
  return (r) => {
    if (burst === 0 && r.chance(0.2)) burst = r.int(2, 8);
    if (burst === 0) return humanGap(r);
    burst--;
    return r.between(0.2, 1.5) * SECOND;
  };
}

/**
 * Customers who browse fast: long sessions in which they open results in tabs (bursts of
 * requests under a second apart) before reading them, as power users and comparison shoppers
 * do; they log in and buy as others do.
 */
export const tabShoppers: LegitFamily = {
  name: 'legit_tab_shopper',
  share: 0.04,
  write(shop, rng, count) {
    const tag = legit('legit_tab_shopper');
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      for (const at of visitTimes(rng, c.activity, shop.world.start, shop.world.days, saleBoost)) {
        customerVisit(shop.world, rng, c, at, tag, {
          gap: tabbingGap(),
          pages: Math.max(4, Math.round(rng.logNormal(14, 0.5))),
        });
      }
    }
  },
};

/**
 * One account used by two people in two homes (partners living apart, a student and a parent):
 * each on their own devices and line, possibly in the other country, taking turns; orders go to
 * either home. To the shop, half the sign-ins come from a second place it learns only in the
 * window.
 */
export const sharedAccounts: LegitFamily = {
  name: 'legit_shared_account',
  share: 0.03,
  write(shop, rng, count) {
    const tag = legit('legit_shared_account');
    for (let i = 0; i < count; i++) {
      const owner = shop.newCustomer(rng);
      // The other person's home and devices, drawn as a customer's, on the owner's account.
      const other = makeCustomer(rng, owner.id, shop.world.start, owner.createdAt);
      other.username = owner.username;
      other.activity = owner.activity * rng.between(0.5, 1.5);
      for (const person of [owner, other]) {
        for (const at of visitTimes(rng, person.activity, shop.world.start, shop.world.days, saleBoost))
          customerVisit(shop.world, rng, person, at, tag);
      }
    }
  },
};

/**
 * Customers who refuse the device cookie (the consent banner's "necessary only", a privacy
 * browser): the session cookie still comes, a device id never does, so the shop tells their
 * browsers apart only by user agent. Otherwise they shop, sign in, mistype and buy as anyone.
 */
export const cookieRefusers: LegitFamily = {
  name: 'legit_cookie_refuser',
  share: 0.04,
  write(shop, rng, count) {
    const tag = legit('legit_cookie_refuser');
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      for (const at of visitTimes(rng, c.activity, shop.world.start, shop.world.days, saleBoost))
        customerVisit(shop.world, rng, c, at, tag, { deviceless: true });
    }
  },
};
