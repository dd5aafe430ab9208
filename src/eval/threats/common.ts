import { browserUserAgent } from '../clients.ts';
import type { Shop } from '../family.ts';
import { DAY } from '../model.ts';
import { RESIDENTIAL, ipv4In, ipv6In, ipv6PrefixIn } from '../networks.ts';
import { type Device, newDevice } from '../population.ts';
import type { Random } from '../random.ts';

/**
 * When an incident starts: after the first three days (so victims have a history to differ
 * from) and early enough that it fits the window.
 */
export function incidentStart(shop: Shop, rng: Random, durationMs = 0): number {
  const { start, end } = shop.world;
  const earliest = start + 3 * DAY;
  return earliest + rng.next() * Math.max(0, end - durationMs - earliest);
}

/** An address a residential-proxy network resells: consumer broadband or 4G, a quarter of them IPv6 where the ISP has it. */
export function residentialIp(rng: Random): string {
  const pool = rng.pick(RESIDENTIAL);
  const prefix = rng.chance(0.25) ? ipv6PrefixIn(rng, pool) : undefined;
  return prefix === undefined ? ipv4In(rng, pool) : ipv6In(rng, prefix);
}

/** The attacker's browser: an ordinary user agent and a fresh cookie id. */
export const attackerDevice = (rng: Random): Device => newDevice(rng, browserUserAgent(rng));

/** A username nobody has at this shop, as combo lists are full of. */
export const strangerUsername = (rng: Random): string =>
  `${rng.hex(rng.int(5, 9))}${rng.pick(['', '.', '_'])}${rng.int(1, 99)}@${rng.pick(['gmail.com', 'hotmail.com', 'yahoo.com', 'live.nl', 'outlook.com'])}`;

/** A fresh shipping address id (a drop, a mule, a new address on a taken-over account). */
export const newAddress = (rng: Random): string => `adr-${rng.hex(12)}`;

/** A card token the shop has not seen. */
export const newCard = (rng: Random): string => `pf-${rng.hex(14)}`;
