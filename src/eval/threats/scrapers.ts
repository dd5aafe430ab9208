import { browserUserAgent, productPath, visitPage } from '../clients.ts';
import type { ThreatFamily } from '../family.ts';
import { HOUR, MINUTE, SECOND, attack, newSessionId } from '../model.ts';
import { draw, drawInt } from '../random.ts';
import { incidentStart, residentialIp } from './common.ts';

const page = (rng: Parameters<ThreatFamily['write']>[1], products = 0.8) =>
  rng.chance(products) ? { path: productPath(rng), kind: 'product' } : visitPage(rng);

export const ROTATING = {
  requests: [200, 3000],
  hours: [0.5, 12],
  userAgents: [5, 40],
  sessionless: [0, 1],
  /** Share of product pages among the requests. */
  products: [0.5, 0.95],
} as const;

/**
 * A scraper through rotating residential proxies: every request from another consumer address,
 * human user agents from a list, no session or a new one each time: no client ever makes more
 * than one request. Some incidents send a random device id with each request, some no page kind.
 */
export const rotatingScraper: ThreatFamily = {
  name: 'scraper_rotating_residential',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const agents = Array.from({ length: drawInt(rng, ROTATING.userAgents) }, () => browserUserAgent(rng));
    const requests = drawInt(rng, ROTATING.requests);
    const duration = draw(rng, ROTATING.hours) * HOUR;
    const sessionless = draw(rng, ROTATING.sessionless);
    const products = draw(rng, ROTATING.products);
    const deviceIds = rng.chance(0.4);
    const kinds = rng.chance(0.8);
    const t0 = incidentStart(shop, rng, duration);
    for (let r = 0; r < requests; r++) {
      const p = page(rng, products);
      const visit = {
        ip: residentialIp(rng),
        userAgent: rng.pick(agents),
        ...(rng.chance(sessionless) ? {} : { sessionId: newSessionId(rng) }),
        ...(deviceIds ? { deviceId: `d-${rng.hex(16)}` } : {}),
      };
      shop.world.browse(t0 + rng.next() * duration, visit, p.path, kinds ? p.kind : undefined, tag);
    }
  },
};

export const STICKY = {
  pages: [300, 2000],
  gapSeconds: [0.5, 3],
  /** The sleep's jitter, a share of it either way: a timer's few percent to a random sleep's 90 %. */
  jitter: [0.05, 0.9],
  stickyMinutes: [2, 45],
} as const;

/**
 * A scraper on sticky residential sessions: one address and user agent for 2 to 45 minutes,
 * then the next, a page every 0.5 to 3 seconds with 5 to 90 % jitter (a timer, or a random sleep).
 */
export const stickyScraper: ThreatFamily = {
  name: 'scraper_sticky',
  perThousand: 0.75,
  min: 2,
  write(shop, rng, incident) {
    const tag = attack(this.name, incident);
    const pages = drawInt(rng, STICKY.pages);
    const gap = draw(rng, STICKY.gapSeconds) * SECOND;
    const jitter = draw(rng, STICKY.jitter);
    const stickyFor = draw(rng, STICKY.stickyMinutes) * MINUTE;
    let t = incidentStart(shop, rng, (pages * gap) / 0.8);
    let until = 0;
    let visit = { ip: '', userAgent: '', sessionId: '' };
    for (let n = 0; n < pages; n++) {
      if (t >= until) {
        visit = { ip: residentialIp(rng), userAgent: browserUserAgent(rng), sessionId: newSessionId(rng) };
        until = t + stickyFor;
      }
      const p = page(rng);
      shop.world.browse(t, visit, p.path, p.kind, tag);
      t += gap * rng.between(1 - jitter, 1 + jitter);
    }
  },
};
