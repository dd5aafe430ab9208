/**
 * Attacks on passwords: brute force against one account from one hosting address, and
 * credential stuffing with a leaked list through a residential-proxy pool.
 */
import { ACCOUNT_PAGES } from '../catalogue.ts';
import { type Client, type Tag, sessionId } from '../emit.ts';
import { HOSTING, PROXIES, v4In } from '../networks.ts';
import type { Rng } from '../random.ts';
import type { Shop } from '../shop.ts';
import { Clock, SECOND } from '../time.ts';
import { UA } from '../user-agents.ts';

/** Dozens of passwords against one account from one hosting address; even variants get in. */
export function bruteForce(shop: Shop, rng: Rng, t: Clock, variant: number, tag: Tag): void {
  const victim = shop.victim(rng, t.at);
  const ip = v4In(rng, rng.pick([...HOSTING.hetzner, ...HOSTING.ovh]));
  const userAgent = variant % 2 === 0 ? 'python-requests/2.32.3' : UA.chromeWin(120);
  const client: Client = { ip, customerId: victim.id, userAgent };
  for (let n = rng.int(25, 60); n > 0; n--) {
    shop.out.loginFailed(rng, t.wait(800, 6 * SECOND), client, victim.username, 'bad_password', tag);
  }
  if (variant % 2 !== 0) return;
  shop.out.loginSucceeded(rng, t.wait(800, 6 * SECOND), client, victim.username, tag);
  const session = { ...client, sessionId: sessionId(rng) };
  for (const path of ACCOUNT_PAGES.slice(0, 3))
    shop.out.browse(rng, t.read(6 * SECOND), session, [path, 'page'], tag);
}

/** A leaked list tried through a proxy pool with one user agent: mostly unknown users, a few hits. */
export function credentialStuffing(shop: Shop, rng: Rng, t: Clock, tag: Tag): void {
  const ips = Array.from({ length: rng.int(25, 45) }, () => v4In(rng, rng.pick(PROXIES)));
  for (let n = rng.int(80, 150); n > 0; n--) {
    const client: Client = { ip: rng.pick(ips), userAgent: UA.stuffingKit };
    t.wait(500, 8 * SECOND);
    if (!rng.chance(0.15)) {
      shop.out.loginFailed(rng, t.at, client, shop.strangerUsername(rng), 'unknown_user', tag);
      continue;
    }
    const c = rng.pick(shop.customers);
    const account = { ...client, customerId: c.id };
    if (!rng.chance(0.2)) {
      shop.out.loginFailed(rng, t.at, account, c.username, 'bad_password', tag);
      continue;
    }
    // A reused password: in, and a look at what the account holds.
    shop.out.loginSucceeded(rng, t.at, account, c.username, tag);
    const look = new Clock(t.at, rng);
    const session = { ...account, sessionId: sessionId(rng) };
    for (const path of ['/account', '/account/gegevens']) {
      shop.out.browse(rng, look.read(5 * SECOND), session, [path, 'page'], tag);
    }
  }
}
