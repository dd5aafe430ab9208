import { HOME_BE, HOME_NL, ipv4In } from '../networks.ts';
import { attackerDevice, residentialIp } from './common.ts';
import { attackerVisit, cashOut, passwordLogin, takeoverFamily, takeoverStart } from './steps.ts';
import type { Shop } from '../family.ts';
import { HOUR, MINUTE, type Visit } from '../model.ts';
import type { Customer, SignedInSession } from '../population.ts';
import { type Random, draw } from '../random.ts';

export const SESSION_THEFT = {
  amountMinor: [40_000, 250_000],
  orders: [1, 2],
  delayMinutes: [2, 240],
  /** Chance the infostealer replays the whole cookie jar: the victim's device id too, in the attacker's browser. */
  copiedDeviceId: 0.35,
  /** Chance the attacker's address is on the victim's own ISP (another line of it). */
  ownIsp: 0.3,
  /** Chance the infostealer took a live session cookie, replayed without any login. */
  replayedSession: 0.4,
  /** Minutes from the victim's sign-in to the replay of its session. */
  replayAfterMinutes: [10, 480],
  /** Chance the attacker's anti-detect browser copies the victim's user agent too. */
  copiedUserAgent: 0.4,
} as const;

/**
 * Session or token theft (infostealer cookies): a `token` login from another domestic line (now
 * and then the victim's own ISP), on a new device or, when the whole cookie jar was copied, the
 * victim's own device id in the attacker's browser; or, for a victim with a signed-in session
 * that still has room in the window, that live session replayed without a login, minutes to hours
 * after the victim signed in. Then a new delivery address, a high-value order. No failed login, no
 * foreign country.
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
    const ip = ipv4In(rng, isp);
    const loot = { ...SESSION_THEFT, ownCard: 0, giftCards: false };
    const stolen = rng.chance(SESSION_THEFT.replayedSession) ? liveSession(shop, rng, victim) : undefined;
    if (stolen) {
      // The session cookie itself: already signed in, no login at all; the victim's device id
      // comes with the cookie jar, the browser is the attacker's unless it copies the agent too.
      const userAgent = rng.chance(SESSION_THEFT.copiedUserAgent) ? stolen.userAgent : own.userAgent;
      const visit: Visit = { ip, sessionId: stolen.sessionId, customerId: victim.id };
      if (userAgent !== undefined) visit.userAgent = userAgent;
      if (stolen.deviceId !== undefined) visit.deviceId = stolen.deviceId;
      const t = stolen.at + draw(rng, SESSION_THEFT.replayAfterMinutes) * MINUTE;
      cashOut(shop, rng, visit, victim, t, tag, loot);
      return;
    }
    const visit = { ...attackerVisit(rng, device, ip), customerId: victim.id };
    const t = takeoverStart(shop, rng);
    shop.world.login(t, visit, { username: victim.username, outcome: 'success', method: 'token' }, tag);
    cashOut(shop, rng, visit, victim, t, tag, loot);
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

/** One of the victim's signed-in sessions early enough for its replay and looting to fit the window. */
function liveSession(shop: Shop, rng: Random, victim: Customer): SignedInSession | undefined {
  const latest = shop.world.end - (SESSION_THEFT.replayAfterMinutes[1] * MINUTE + 6 * HOUR);
  const sessions = (victim.sessions ?? []).filter((s) => s.at <= latest);
  return sessions.length > 0 ? rng.pick(sessions) : undefined;
}
