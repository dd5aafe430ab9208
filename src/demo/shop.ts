/**
 * The demo shop: its customers, how often each comes by, the mobile carriers' shared addresses,
 * and where its events go. Built from a random stream of its own, before any traffic.
 */
import { type Customer, FIRST, LAST, makeCustomer } from './customers.ts';
import { Emitter } from './emit.ts';
import { type HomeCountry, NL_CARRIERS, v4In } from './networks.ts';
import type { ResolvedDemoOptions } from './options.ts';
import type { Queue } from './queue.ts';
import { type Rng, cumulative } from './random.ts';
import { DAY } from './time.ts';

export class Shop {
  readonly o: ResolvedDemoOptions;
  readonly out: Emitter;
  readonly customers: Customer[] = [];
  /** Who comes by: cumulative shares of the sessions, over the customers. */
  readonly activity: number[];
  /** Customer sessions per day, all customers together. */
  readonly sessionsPerDay: number;
  readonly #usernames = new Set<string>();
  readonly #carrierIps = new Map<string[], string[]>();

  /** `population` draws the customers, then the carriers' addresses. */
  constructor(o: ResolvedDemoOptions, population: Rng, queue: Queue) {
    this.o = o;
    this.out = new Emitter(queue);
    const perDay: number[] = [];
    for (let i = 0; i < o.customers; i++) {
      this.customers.push(makeCustomer(population, i, o, this.#usernames));
      // Most customers come by now and then, a few daily.
      perDay.push(Math.min(4, Math.max(0.03, -Math.log(1 - population.next()) * 0.45)));
    }
    this.activity = cumulative(perDay);
    this.sessionsPerDay = perDay.reduce((a, b) => a + b, 0);
    const perCarrier = Math.min(400, Math.max(8, Math.round(o.customers / 40)));
    for (const carrier of NL_CARRIERS) {
      const ips = Array.from({ length: perCarrier }, () => v4In(population, population.pick(carrier)));
      this.#carrierIps.set(carrier, ips);
    }
  }

  /** The shared (CGNAT) addresses of one of NL_CARRIERS. */
  carrierIps(carrier: string[]): string[] {
    return this.#carrierIps.get(carrier)!;
  }

  /** A customer who uses their account (worth taking over) and is at home. */
  victim(rng: Rng, at: number, country?: HomeCountry): Customer {
    for (let tries = 0; tries < 1000; tries++) {
      const c = rng.pick(this.customers);
      const away = c.trip !== undefined && at >= c.trip.depart - DAY && at < c.trip.home + DAY;
      if (c.sessions > 0 && !c.victim && !away && (!country || c.country === country)) {
        c.victim = true;
        return c;
      }
    }
    return rng.pick(this.customers);
  }

  /** An e-mail address that looks like a customer's and belongs to none. */
  strangerUsername(rng: Rng): string {
    for (;;) {
      const name = `${rng.pick(FIRST.NL)}${rng.pick(['', '.', '_'])}${rng.pick(LAST.NL)}${rng.int(1, 999)}`;
      const domain = rng.pick(['gmail.com', 'hotmail.com', 'yahoo.com', 'outlook.com', 'live.nl', 'aol.com']);
      if (!this.#usernames.has(`${name}@${domain}`)) return `${name}@${domain}`;
    }
  }
}
