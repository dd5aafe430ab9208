import type { World } from './model.ts';
import { type Customer, makeCustomer } from './population.ts';
import type { Random } from './random.ts';

/** The shop a family writes its traffic into. */
export interface Shop {
  world: World;
  /** Established customers with ordinary habits: victims are chosen among them. */
  regulars: Customer[];
  /** A customer of this shop with a new customer number (account created at `createdAt` if given). */
  newCustomer(rng: Random, createdAt?: number): Customer;
  /** Regular customers not yet taken by another incident, distinct: takeover victims. */
  victims(rng: Random, n: number): Customer[];
  /** Regular customers, distinct, whether or not an incident took them: the known accounts of a combo list. */
  accounts(rng: Random, n: number): Customer[];
}

/** A legitimate population with a hard habit: `share` of the customers behave like this. */
export interface LegitFamily {
  name: string;
  /** Share of the customer count, or for populations that are not customers, a scale factor. */
  share: number;
  write(shop: Shop, rng: Random, count: number): void;
}

/** A threat family: `perThousand` incidents for each 1,000 customers (at least `min`). */
export interface ThreatFamily {
  name: string;
  perThousand: number;
  min: number;
  write(shop: Shop, rng: Random, incident: string): void;
}

/** The shop's customer register: numbers, and which regulars an incident already took. */
export function openShop(world: World): Shop {
  let next = 100_000;
  const taken = new Set<string>();
  const regulars: Customer[] = [];
  const shop: Shop = {
    world,
    regulars,
    newCustomer: (r, createdAt) => makeCustomer(r, `C${next++}`, world.start, createdAt),
    victims(r, n) {
      const free = regulars.filter((c) => !taken.has(c.id));
      const chosen = r.sample(free, n);
      for (const c of chosen) taken.add(c.id);
      return chosen;
    },
    accounts: (r, n) => r.sample(regulars, n),
  };
  return shop;
}
