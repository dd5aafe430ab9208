import { LOGIN_PATH } from '../clients.ts';
import type { LegitFamily } from '../family.ts';
import { DAY, HOUR, MINUTE, SECOND, legit, newSessionId } from '../model.ts';
import { HOME_BE, HOME_NL, POOLS, ipv4In, ipv6PrefixIn } from '../networks.ts';
import { newDevice, visitTimes } from '../population.ts';
import { customerVisit } from '../visits.ts';
import { saleBoost } from './everyday.ts';

/**
 * Long-haul travellers: home in the Netherlands or Belgium, then after a flight of 10 to 14 hours
 * three to eight days on hotel Wi-Fi in Japan or the United States, logging in and buying
 * (delivered home), then back.
 */
export const longHaul: LegitFamily = {
  name: 'legit_traveller',
  share: 0.01,
  write(shop, rng, count) {
    const tag = legit('legit_traveller');
    const { start, days } = shop.world;
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      c.activity = Math.max(c.activity, 0.3);
      const leave = start + rng.between(1, days / 2) * DAY;
      const arrive = leave + rng.between(10, 14) * HOUR;
      const back = arrive + rng.between(3, 8) * DAY;
      const abroad = rng.pick([POOLS.nttJp, POOLS.comcastUs]);
      const hotel = ipv4In(rng, abroad);
      customerVisit(shop.world, rng, c, leave - rng.between(1, 3) * HOUR, tag, { device: c.devices[0]! });
      for (const at of visitTimes(rng, c.activity, start, days)) {
        if (at > leave && at < arrive) continue;
        const away = at >= arrive && at < back;
        customerVisit(
          shop.world,
          rng,
          c,
          at,
          tag,
          away ? { ip: rng.chance(0.7) ? hotel : ipv4In(rng, abroad) } : {},
        );
      }
    }
  },
};

/** Customers who move house: a new ISP, a new delivery address, for a quarter of them across the border. */
export const movers: LegitFamily = {
  name: 'legit_mover',
  share: 0.01,
  write(shop, rng, count) {
    const tag = legit('legit_mover');
    const { start, days } = shop.world;
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      c.activity = Math.max(c.activity, 0.25);
      const moveAt = start + rng.between(2, days - 3) * DAY;
      let moved = false;
      for (const at of visitTimes(rng, c.activity, start, days, saleBoost)) {
        if (!moved && at > moveAt) {
          moved = true;
          const abroad = rng.chance(0.25);
          const country = abroad ? (c.country === 'NL' ? 'BE' : 'NL') : c.country;
          c.isp = rng.pick(country === 'NL' ? HOME_NL : HOME_BE);
          c.homeV4 = ipv4In(rng, c.isp);
          const v6 = ipv6PrefixIn(rng, c.isp);
          if (v6 === undefined) delete c.homeV6;
          else c.homeV6 = v6;
          c.addressId = `adr-${rng.hex(12)}`;
          c.carrier = country === 'NL' ? POOLS.mobileNl : POOLS.mobileBe;
          // The bank account stays in the old country for a while: billing and delivery differ.
          customerVisit(shop.world, rng, c, at, tag, {
            order: { shippingCountry: country, billingCountry: c.country },
            newAddress: true,
          });
          c.country = country;
          continue;
        }
        customerVisit(shop.world, rng, c, at, tag);
      }
    }
  },
};

/**
 * Password-manager users who clear cookies or switch browsers often: a new device id every
 * one to three visits, and never a wrong password.
 */
export const newDevices: LegitFamily = {
  name: 'legit_password_manager',
  share: 0.03,
  write(shop, rng, count) {
    const tag = legit('legit_password_manager');
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      let device = newDevice(rng);
      let uses = 0;
      for (const at of visitTimes(
        rng,
        Math.max(c.activity, 0.2),
        shop.world.start,
        shop.world.days,
        saleBoost,
      )) {
        if (uses++ >= rng.int(1, 3)) [device, uses] = [newDevice(rng), 1];
        customerVisit(shop.world, rng, c, at, tag, { device, login: 'password', typos: 0 });
      }
    }
  },
};

/**
 * Customers who forgot their password: three to eight wrong tries within minutes (the account
 * locks after five), then the right one after a reset, minutes to a day later.
 */
export const forgotPassword: LegitFamily = {
  name: 'legit_forgot_password',
  share: 0.02,
  write(shop, rng, count) {
    const tag = legit('legit_forgot_password');
    const { world } = shop;
    for (let i = 0; i < count; i++) {
      const c = shop.newCustomer(rng);
      const device = c.devices[0]!;
      const visits = visitTimes(rng, c.activity, world.start, world.days);
      const forgotAt = visits[0] ?? world.start + rng.between(0, world.days - 1) * DAY;
      const visit = {
        ip: c.homeV4,
        deviceId: device.id,
        userAgent: device.userAgent,
        sessionId: newSessionId(rng),
        customerId: c.id,
      };
      let t = forgotAt;
      world.browse(t, visit, LOGIN_PATH, 'page', tag);
      const tries = rng.int(3, 8);
      for (let k = 0; k < tries; k++) {
        t += rng.between(8, 60) * SECOND;
        const reason = k >= 5 ? 'locked' : 'bad_password';
        world.login(
          t,
          visit,
          { username: c.username, outcome: 'failure', failureReason: reason, method: 'password' },
          tag,
        );
      }
      customerVisit(world, rng, c, t + rng.between(10 * MINUTE, DAY), tag, {
        device,
        login: 'password',
        typos: 0,
      });
      for (const at of visits.slice(1)) if (at > t + DAY) customerVisit(world, rng, c, at, tag);
    }
  },
};
