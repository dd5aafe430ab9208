import { HOME_BE, HOME_NL, ipv4In } from '../networks.ts';
import { attackerDevice, residentialIp } from './common.ts';
import { attackerVisit, cashOut, passwordLogin, takeoverFamily, takeoverStart } from './steps.ts';

export const SESSION_THEFT = {
  amountMinor: [40_000, 250_000],
  orders: [1, 2],
  delayMinutes: [2, 240],
} as const;

/**
 * Session or token theft (infostealer cookies): a `token` login from a new device on another
 * domestic ISP, a new delivery address, a high-value order. No failed login, no foreign country.
 */
export const sessionTheft = takeoverFamily(
  { name: 'session_theft', perThousand: 1, min: 2 },
  (shop, rng, victim, tag) => {
    const device = attackerDevice(rng);
    const otherIsp = rng.pick((victim.country === 'NL' ? HOME_NL : HOME_BE).filter((p) => p !== victim.isp));
    const visit = { ...attackerVisit(rng, device, ipv4In(rng, otherIsp)), customerId: victim.id };
    const t = takeoverStart(shop, rng);
    shop.world.login(t, visit, { username: victim.username, outcome: 'success', method: 'token' }, tag);
    cashOut(shop, rng, visit, victim, t, tag, { ...SESSION_THEFT, ownCard: 0, giftCards: false });
  },
);

export const GIFT_CARDS = {
  amountMinor: [5_000, 50_000],
  orders: [1, 3],
  delayMinutes: [1, 30],
  failures: [0, 2],
} as const;

/**
 * Account takeover cashed out in gift cards or high-resale goods: the password (from a leak) tried
 * through a residential proxy in the victim's own country, a failure or two first, then orders to
 * a new address, paid with the stored payment or a card of the attacker's.
 */
export const giftCardTakeover = takeoverFamily(
  { name: 'takeover_gift_cards', perThousand: 1, min: 2 },
  (shop, rng, victim, tag) => {
    const attacker = attackerVisit(rng, attackerDevice(rng), residentialIp(rng));
    const { t, visit } = passwordLogin(shop, rng, takeoverStart(shop, rng), victim, tag, {
      visit: () => attacker,
      gapSeconds: [5, 40],
      failures: GIFT_CARDS.failures,
    });
    cashOut(shop, rng, visit, victim, t, tag, {
      ...GIFT_CARDS,
      ownCard: 0.5,
      giftCards: rng.chance(0.7),
    });
  },
);
