import { desktopUserAgent } from '../clients.ts';
import type { LegitFamily } from '../family.ts';
import { legit } from '../model.ts';
import { POOLS, ipv4In } from '../networks.ts';
import { newDevice, timeOfDay, midnightOf, visitTimes } from '../population.ts';
import { customerVisit } from '../visits.ts';
import { saleBoost } from './everyday.ts';

/**
 * Shared computers in public places (a library, a community centre, a care home's lounge): one
 * device cookie and one business line for ten to forty customers, each signing in there once to
 * three times over the fortnight, browsing and sometimes ordering to their own address, and
 * otherwise at home on their own devices.
 */
export const publicComputers: LegitFamily = {
  name: 'legit_public_computer',
  share: 0.02,
  write(shop, rng, count) {
    const tag = legit('legit_public_computer');
    const { start, days } = shop.world;
    for (let n = 0; n < count;) {
      const terminal = newDevice(rng, desktopUserAgent(rng));
      const line = ipv4In(rng, POOLS.business);
      const users = rng.int(10, 40);
      for (let u = 0; u < users; u++, n++) {
        const c = shop.newCustomer(rng);
        for (const at of visitTimes(rng, c.activity, start, days, saleBoost))
          customerVisit(shop.world, rng, c, at, tag);
        for (let v = rng.int(1, 3); v > 0; v--) {
          const at = timeOfDay(rng, midnightOf(start, rng.int(0, days - 1)), OPENING_HOURS);
          customerVisit(shop.world, rng, c, at, tag, {
            device: terminal,
            ip: line,
            login: 'password',
            typos: rng.chance(0.15) ? 1 : 0,
            ...(rng.chance(0.2) ? { order: {} } : {}),
          });
        }
      }
    }
  },
};

/** Opening hours, 9:00 to 20:00. */
const OPENING_HOURS = Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 20 ? 1 : 0));
