import { LOGIN_PATH, browserUserAgent, visitPage } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { HOUR, SECOND, type Visit, attack, newSessionId } from '../model.ts';
import { type Range, draw, drawInt } from '../random.ts';
import { incidentStart, residentialIp, strangerUsername } from './common.ts';

/** Parameter ranges, drawn once per incident. */
export const STUFFING = {
  attempts: [100, 1500],
  hours: [1, 12],
  perAddress: [1, 4],
  knownShare: [0.05, 0.4],
  successShare: [0.01, 0.06],
  loginPageFirst: [0.3, 1],
  /** Seconds from the login page to the first try, and between the tries of one address. */
  gapSeconds: [1, 20],
} as const satisfies Record<string, Range>;

/**
 * Credential stuffing through residential proxies (OWASP OAT-008; Okta, April 2024): a combo list
 * tried over an hour to half a day, one to four attempts per consumer-ISP or 4G address, a
 * different browser user agent on each, the login page fetched first by most tools, a second or
 * many between the tries. Some usernames exist here, a few passwords
 * work, and those accounts are looked around in.
 */
export const residentialStuffing: ThreatFamily = {
  name: 'stuffing_residential_proxy',
  perThousand: 1,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const attempts = drawInt(rng, STUFFING.attempts);
    const duration = draw(rng, STUFFING.hours) * HOUR;
    const known = shop.accounts(
      rng,
      Math.round(Math.min(draw(rng, STUFFING.knownShare) * attempts, shop.regulars.length * 0.1)),
    );
    const success = draw(rng, STUFFING.successShare);
    const pageFirst = draw(rng, STUFFING.loginPageFirst);
    const gap = () => draw(rng, STUFFING.gapSeconds) * SECOND;
    const t0 = incidentStart(shop, rng, duration);
    const targets = rng.sample(
      [
        ...known.map((c) => ({ c })),
        ...Array.from({ length: attempts - known.length }, () => ({ c: undefined })),
      ],
      attempts,
    );
    for (let i = 0; i < targets.length;) {
      const visit: Visit = {
        ip: residentialIp(rng),
        userAgent: browserUserAgent(rng),
        sessionId: newSessionId(rng),
      };
      if (rng.chance(0.7)) visit.deviceId = `d-${rng.hex(16)}`;
      let t = t0 + rng.next() * duration;
      if (rng.chance(pageFirst)) {
        shop.world.browse(t, visit, LOGIN_PATH, 'page', tag);
        t += gap();
      }
      for (let k = drawInt(rng, STUFFING.perAddress); k > 0 && i < targets.length; k--, i++) {
        const c = targets[i]!.c;
        if (!c) {
          shop.world.login(
            t,
            visit,
            {
              username: strangerUsername(rng),
              outcome: 'failure',
              failureReason: 'unknown_user',
              method: 'password',
            },
            tag,
          );
        } else if (rng.chance(success)) {
          shop.world.login(
            t,
            { ...visit, customerId: c.id },
            { username: c.username, outcome: 'success', method: 'password' },
            tag,
          );
          for (let p = rng.int(1, 4); p > 0; p--) {
            t += rng.between(3, 20) * SECOND;
            const page = visitPage(rng);
            shop.world.browse(t, { ...visit, customerId: c.id }, page.path, page.kind, tag);
          }
          i++; // the bot moves on to its next address after a hit
          break;
        } else {
          shop.world.login(
            t,
            { ...visit, customerId: c.id },
            { username: c.username, outcome: 'failure', failureReason: 'bad_password', method: 'password' },
            tag,
          );
        }
        t += gap();
      }
    }
  },
};
