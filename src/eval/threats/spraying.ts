import { LOGIN_PATH, browserUserAgent } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { MINUTE, SECOND, type Visit, attack, newSessionId } from '../model.ts';
import { POOLS, ipv4In } from '../networks.ts';
import { type Range, draw, drawInt } from '../random.ts';
import { incidentStart, residentialIp, strangerUsername } from './common.ts';

export const SPRAYING = {
  passwords: [1, 2],
  accounts: [60, 400],
  roundMinutes: [10, 240],
  pauseMinutes: [30, 180],
  addresses: [2, 50],
  hostingShare: [0, 1],
  /** Share of the tries that fetch the login page (a fresh form token) first; the rest post at once. */
  pageEachTry: [0, 1],
  staleShare: [0, 0.1],
  successShare: [0, 0.01],
} as const satisfies Record<string, Range>;

/**
 * Password spraying (MITRE ATT&CK T1110.003): one or two common passwords against many known
 * accounts, one try per account per round, rounds apart so that no account locks, from a few
 * addresses (servers or residential proxies). Each source fetches the login page (its form
 * token) seconds before its first try, and some tools before every try.
 */
export const spraying: ThreatFamily = {
  name: 'password_spraying',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const rounds = drawInt(rng, SPRAYING.passwords);
    const accounts = shop.accounts(
      rng,
      Math.min(drawInt(rng, SPRAYING.accounts), Math.round(shop.regulars.length * 0.4)),
    );
    const hosting = draw(rng, SPRAYING.hostingShare);
    const stale = draw(rng, SPRAYING.staleShare);
    const success = draw(rng, SPRAYING.successShare);
    const pageEachTry = draw(rng, SPRAYING.pageEachTry);
    const sources: Visit[] = Array.from({ length: drawInt(rng, SPRAYING.addresses) }, () => ({
      ip: rng.chance(hosting) ? ipv4In(rng, rng.pick([POOLS.ovh, POOLS.hetzner])) : residentialIp(rng),
      userAgent: browserUserAgent(rng),
      sessionId: newSessionId(rng),
    }));
    const roundLength = draw(rng, SPRAYING.roundMinutes) * MINUTE;
    let t = incidentStart(shop, rng, rounds * (roundLength + SPRAYING.pauseMinutes[1] * MINUTE));
    const firstTry = new Map<Visit, number>();
    const tries: { s: Visit; at: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const c of rng.sample(accounts, accounts.length)) {
        const at = t + rng.next() * roundLength;
        const s = rng.pick(sources);
        tries.push({ s, at });
        firstTry.set(s, Math.min(at, firstTry.get(s) ?? Infinity));
        if (rng.chance(stale)) {
          shop.world.login(
            at,
            s,
            {
              username: strangerUsername(rng),
              outcome: 'failure',
              failureReason: 'unknown_user',
              method: 'password',
            },
            tag,
          );
        } else {
          const ok = rng.chance(success);
          shop.world.login(
            at,
            { ...s, customerId: c.id },
            {
              username: c.username,
              outcome: ok ? 'success' : 'failure',
              ...(ok ? {} : { failureReason: 'bad_password' as const }),
              method: 'password',
            },
            tag,
          );
        }
      }
      t += roundLength + draw(rng, SPRAYING.pauseMinutes) * MINUTE;
    }
    for (const { s, at } of tries) {
      if (at === firstTry.get(s))
        shop.world.browse(at - rng.between(2, 20) * SECOND, s, LOGIN_PATH, 'page', tag);
      else if (rng.chance(pageEachTry))
        shop.world.browse(at - rng.between(1, 10) * SECOND, s, LOGIN_PATH, 'page', tag);
    }
  },
};
