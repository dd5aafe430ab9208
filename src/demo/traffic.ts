/**
 * Demo traffic: a deterministic, seeded stream of contract-v1 events of a
 * Dutch web shop, with attacks placed in it, for `vigil demo`, the tests and
 * anyone who wants a file to try `vigil replay` on.
 *
 * Legitimate traffic: customers with a home country (mostly NL, some BE and
 * DE) and a home address at a residential ISP (IPv4, often IPv6 with a daily
 * privacy address), phones behind a mobile carrier's shared (CGNAT)
 * addresses, 1–3 devices with a consistent user agent, sessions of 3–20 pages
 * around a login with human pauses, the odd typo, orders with their own card
 * or bank account to their own address; a few travellers and new phones;
 * anonymous visitors; search-engine crawlers from their published ranges.
 *
 * Attacks, each an incident at a scheduled time: brute force, credential
 * stuffing, account takeover, impossible travel, card testing, bot scraping
 * and vulnerability probing, from where such traffic really comes from
 * (hosting networks, residential proxies, far countries). Every network used
 * here was checked against geoip-lite and the hosting-network table
 * (networks.ts).
 *
 * The stream is generated five minutes at a time and merged through a small queue, so
 * it comes sorted by `occurredAt` and is never held in memory as a whole.
 * Labels never go into events: {@link labelledDemoTraffic} yields each event
 * with its label beside it.
 *
 * The modules beside this one hold each concern: options.ts (options and
 * labels), random.ts, time.ts, catalogue.ts, user-agents.ts, networks.ts,
 * customers.ts, shop.ts (the population), emit.ts (the services' events),
 * queue.ts, legitimate.ts, and attacks/ (the schedule and each scenario).
 */
import type { VigilEvent } from '../shared/contract/events.ts';
import { runAttack, scheduleAttacks } from './attacks/schedule.ts';
import { legitimateTraffic } from './legitimate.ts';
import { type DemoOptions, type LabelledEvent, resolveDemoOptions } from './options.ts';
import { Queue } from './queue.ts';
import { Rng, mix } from './random.ts';
import { Shop } from './shop.ts';
import { SLOT } from './time.ts';

export {
  ATTACK_SCENARIOS,
  type AttackScenario,
  DEMO_DEFAULTS,
  type DemoOptions,
  type DemoScenario,
  EVENTS_PER_CUSTOMER_DAY,
  LEGIT_SCENARIOS,
  type LabelledEvent,
  type LegitScenario,
  type ResolvedDemoOptions,
  resolveDemoOptions,
} from './options.ts';

/**
 * The demo traffic, events only, sorted by `occurredAt`.
 *
 * @example
 * ```ts
 * for (const event of demoTraffic({ seed: 7, days: 1 })) await detector.process(event);
 * ```
 */
export function* demoTraffic(options: DemoOptions = {}): Generator<VigilEvent> {
  for (const item of labelledDemoTraffic(options)) yield item.event;
}

/** The demo traffic as NDJSON lines, each ending in `\n`: a file `vigil replay` reads. */
export function* demoTrafficNdjson(options: DemoOptions = {}): Generator<string> {
  for (const event of demoTraffic(options)) yield `${JSON.stringify(event)}\n`;
}

/**
 * The demo traffic with each event's label, sorted by `occurredAt`.
 * Legitimate events come from a random stream of their own, so switching
 * attacks on or off leaves them exactly as they were.
 *
 * @example
 * ```ts
 * for (const { event, label, scenario, incident } of labelledDemoTraffic({ seed: 1 })) …
 * ```
 */
export function* labelledDemoTraffic(options: DemoOptions = {}): Generator<LabelledEvent> {
  const o = resolveDemoOptions(options);
  // Population, legitimate traffic and attacks each draw from a random stream of their own,
  // so attacks never disturb the legitimate events.
  const queue = new Queue();
  const shop = new Shop(o, new Rng(mix(o.seed, 0)), queue);
  const legitimate = new Rng(mix(o.seed, 1));
  const attackers = new Rng(mix(o.seed, 2));
  const attacks = scheduleAttacks(o, new Rng(mix(o.seed, 3)));
  let next = 0;
  // Five-minute slots: only sessions in progress wait in the queue, so its events die young.
  for (let from = o.startMs; from < o.endMs; from += SLOT) {
    const to = Math.min(from + SLOT, o.endMs);
    legitimateTraffic(shop, legitimate, from, to);
    while (next < attacks.length && attacks[next]!.at < to) runAttack(shop, attackers, attacks[next++]!);
    // Whatever is generated later starts at `to` or after: what lies before it is final.
    yield* queue.drainBefore(to);
  }
  yield* queue.drainBefore(Infinity);
}
