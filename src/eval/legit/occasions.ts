import type { LegitFamily } from '../family.ts';
import { DAY, legit } from '../model.ts';
import { midnightOf, newDevice, timeOfDay, visitTimes } from '../population.ts';
import { customerVisit } from '../visits.ts';
import { saleBoost } from './everyday.ts';

/**
 * December gift buyers: besides their own orders, one to three presents of €30–400 sent to one to
 * four other addresses (parents, friends), some across the border. Recipients are shared: a
 * third of the addresses also get presents from one to three other buyers (siblings sending to
 * the same parents), so one address receives from several accounts without any fraud.
 */
export const giftShoppers: LegitFamily = {
  name: 'legit_gift_shopper',
  share: 0.03,
  write(shop, rng, count) {
    const tag = legit('legit_gift_shopper');
    const { start, days } = shop.world;
    const shared: { address: string; country: string }[] = [];
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      const recipients = Array.from({ length: rng.int(1, 4) }, () => {
        if (shared.length > 0 && rng.chance(0.33)) return rng.pick(shared);
        const r = {
          address: `adr-${rng.hex(12)}`,
          country: rng.chance(0.15) ? (c.country === 'NL' ? 'BE' : 'NL') : c.country,
        };
        if (rng.chance(0.5)) shared.push(r);
        return r;
      });
      const gifts = new Set(
        Array.from({ length: rng.int(1, 3) }, () => start + rng.between(1, days - 1) * DAY).map((t) =>
          Math.round(t),
        ),
      );
      for (const at of visitTimes(rng, c.activity, start, days, saleBoost))
        customerVisit(shop.world, rng, c, at, tag);
      const sentTo = new Set<string>();
      for (const at of gifts) {
        const to = rng.pick(recipients);
        const newAddress = !sentTo.has(to.address);
        sentTo.add(to.address);
        customerVisit(shop.world, rng, c, at, tag, {
          newAddress,
          order: {
            amountMinor: rng.int(3_000, 40_000),
            itemCount: rng.int(1, 3),
            shippingAddressId: to.address,
            shippingCountry: to.country,
          },
        });
      }
    }
  },
};

/**
 * Customers back after months away: an account one to six years old with nothing in the window
 * until one day, a new phone or laptop on the home line (a few typos: the password is half
 * forgotten), an order, to a new address for a quarter of them (they moved meanwhile), and then
 * ordinary visits on the new device.
 */
export const dormantReturners: LegitFamily = {
  name: 'legit_dormant_returner',
  share: 0.02,
  write(shop, rng, count) {
    const tag = legit('legit_dormant_returner');
    const { start, days } = shop.world;
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng, start - rng.between(365, 6 * 365) * DAY);
      const device = newDevice(rng);
      c.devices = [device, ...c.devices.slice(1)];
      const backDay = rng.int(3, days - 2);
      const back = timeOfDay(rng, midnightOf(start, backDay));
      const moved = rng.chance(0.25);
      if (moved) c.addressId = `adr-${rng.hex(12)}`;
      customerVisit(shop.world, rng, c, back, tag, {
        device,
        login: 'password',
        typos: rng.int(0, 3),
        order: { amountMinor: rng.int(2_000, 90_000) },
        newAddress: moved,
      });
      const after = midnightOf(start, backDay + 1);
      for (const at of visitTimes(rng, c.activity, after, days - backDay - 1)) {
        customerVisit(shop.world, rng, c, at, tag, { device });
      }
    }
  },
};
