import { HOME_BE, HOME_NL, ipv4In } from '../networks.ts';
import { attackerDevice, residentialIp } from './common.ts';
import { attackerVisit, cashOut, passwordLogin, takeoverFamily, takeoverStart } from './steps.ts';

export const SESSION_THEFT = {
  amountMinor: [40_000, 250_000],
  orders: [1, 2],
  delayMinutes: [2, 240],
  /** Chance the infostealer replays the whole cookie jar: the victim's device id too, in the attacker's browser. */
  copiedDeviceId: 0.35,
  /** Chance the attacker's address is on the victim's own ISP (another line of it). */
  ownIsp: 0.3,
} as const;

/**
 * Session or token theft (infostealer cookies): a `token` login from another domestic line (now
 * and then the victim's own ISP), on a new device or, when the whole cookie jar was copied, the
 * victim's own device id in the attacker's browser; a new delivery address, a high-value order.
 * No failed login, no foreign country.
 */
export const sessionTheft = takeoverFamily(
  { name: 'session_theft', perThousand: 1, min: 2 },
  (shop, rng, victim, tag) => {
    const own = attackerDevice(rng);
    const device = rng.chance(SESSION_THEFT.copiedDeviceId)
      ? { ...own, id: rng.pick(victim.devices).id }
      : own;
    const pools = (victim.country === 'NL' ? HOME_NL : HOME_BE).filter((p) => p !== victim.isp);
    const isp = rng.chance(SESSION_THEFT.ownIsp) ? victim.isp : rng.pick(pools);
    const visit = { ...attackerVisit(rng, device, ipv4In(rng, isp)), customerId: victim.id };
    const t = takeoverStart(shop, rng);
    shop.world.login(t, visit, { username: victim.username, outcome: 'success', method: 'token' }, tag);
    cashOut(shop, rng, visit, victim, t, tag, { ...SESSION_THEFT, ownCard: 0, giftCards: false });
  },
);

export const GIFT_CARDS = {
  amountMinor: [5_000, 50_000],
  orders: [1, 3],
  delayMinutes: [1, 120],
  failures: [0, 4],
  /** Seconds between the login page and the first attempt, and between attempts: a script or a hand. */
  gapSeconds: [3, 90],
} as const;

/**
 * Account takeover cashed out in gift cards or high-resale goods: the password (from a leak) tried
 * through a residential proxy in the victim's own country, up to a few failures first, then orders to
 * a new address, paid with the stored payment or a card of the attacker's.
 */
export const giftCardTakeover = takeoverFamily(
  { name: 'takeover_gift_cards', perThousand: 1, min: 2 },
  (shop, rng, victim, tag) => {
    const attacker = attackerVisit(rng, attackerDevice(rng), residentialIp(rng));
    const { t, visit } = passwordLogin(shop, rng, takeoverStart(shop, rng), victim, tag, {
      visit: () => attacker,
      gapSeconds: GIFT_CARDS.gapSeconds,
      failures: GIFT_CARDS.failures,
    });
    cashOut(shop, rng, visit, victim, t, tag, {
      ...GIFT_CARDS,
      ownCard: 0.5,
      giftCards: rng.chance(0.7),
    });
  },
);
