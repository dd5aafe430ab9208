import { type LegitFamily, type ThreatFamily, openShop } from './family.ts';
import { declaredCrawlers, mobileApp, saleDayNewcomers } from './legit/apps-and-crawlers.ts';
import { anonymous, normal } from './legit/everyday.ts';
import { sharedDevice, students } from './legit/households.ts';
import { forgotPassword, longHaul, movers, newDevices } from './legit/life-events.ts';
import { cloudProxy, commercialVpn, officeNat, privateRelay } from './legit/shared-egress.ts';
import { dormantReturners, giftShoppers } from './legit/occasions.ts';
import { publicComputers } from './legit/public-places.ts';
import { cookieRefusers, sharedAccounts, tabShoppers } from './legit/habits.ts';
import { type ContractEvent, type Label, World } from './model.ts';
import { Random } from './random.ts';
import { accountFarm, cardTesting, reshipping } from './threats/fresh-accounts.ts';
import { ipv6Takeover } from './threats/ipv6-takeover.ts';
import { mfaFatigue } from './threats/mfa-fatigue.ts';
import { residentialStuffing } from './threats/residential-stuffing.ts';
import { rotatingScraper, stickyScraper } from './threats/scrapers.ts';
import { spraying } from './threats/spraying.ts';
import { giftCardTakeover, sessionTheft } from './threats/takeover.ts';
import { serverStuffing, vulnerabilityScan } from './threats/datacenter-bots.ts';
import { bruteForce, cardTestingOneAccount, orderBurst, takeoverAbroad } from './threats/single-account.ts';

/** The hard legitimate populations, each taking its share of the customers; `normal` takes the rest. */
export const HARD_LEGIT: readonly LegitFamily[] = [
  sharedDevice,
  students,
  officeNat,
  cloudProxy,
  privateRelay,
  commercialVpn,
  longHaul,
  movers,
  newDevices,
  forgotPassword,
  mobileApp,
  saleDayNewcomers,
  giftShoppers,
  dormantReturners,
  publicComputers,
  tabShoppers,
  sharedAccounts,
  cookieRefusers,
];

export const THREATS: readonly ThreatFamily[] = [
  residentialStuffing,
  spraying,
  sessionTheft,
  giftCardTakeover,
  cardTesting,
  accountFarm,
  reshipping,
  mfaFatigue,
  rotatingScraper,
  stickyScraper,
  ipv6Takeover,
  bruteForce,
  cardTestingOneAccount,
  orderBurst,
  takeoverAbroad,
  serverStuffing,
  vulnerabilityScan,
];

/** Monday 16 November 2026, 00:00 in Amsterdam: two weeks with Black Friday (day 11) in them. */
export const WINDOW_START = Date.parse('2026-11-16T00:00:00+01:00');
export const MAX_DAYS = 20;

export interface ScenarioOptions {
  seed: number;
  customers: number;
  days?: number;
}

export interface Scenario {
  events: ContractEvent[];
  labels: Label[];
  /** Incidents written per threat family. */
  incidents: Record<string, number>;
}

/** How many incidents of a family a shop of this size gets. */
export const incidentCount = (f: ThreatFamily, customers: number): number =>
  Math.max(f.min, Math.round((f.perThousand * customers) / 1000));

/**
 * The labelled traffic of one shop: `customers` customers over `days` days (14 by default),
 * the hard legitimate populations, anonymous visitors, declared crawlers and every threat
 * family's incidents. The same options give the same events, ids and labels.
 */
export function generate({ seed, customers, days = 14 }: ScenarioOptions): Scenario {
  if (!Number.isInteger(customers) || customers < 100)
    throw new Error('customers: expected an integer of at least 100');
  if (!Number.isInteger(days) || days < 4 || days > MAX_DAYS)
    throw new Error(`days: expected an integer from 4 to ${MAX_DAYS}`);
  const world = new World(new Random(`vigil-eval:${seed}`), WINDOW_START, days);
  const shop = openShop(world);
  const stream = (name: string) => new Random(`vigil-eval:${seed}:${name}`);
  const hard = HARD_LEGIT.map((f) => [f, Math.max(1, Math.round(f.share * customers))] as const);
  const taken = hard.reduce((sum, [, n]) => sum + n, 0);
  normal.write(shop, stream(normal.name), Math.max(0, customers - taken));
  for (const [family, count] of hard) family.write(shop, stream(family.name), count);
  anonymous.write(shop, stream(anonymous.name), Math.round((anonymous.share * customers * days) / 14));
  declaredCrawlers.write(shop, stream(declaredCrawlers.name), 1);
  const incidents: Record<string, number> = {};
  for (const threat of THREATS) {
    const rng = stream(threat.name);
    const n = incidentCount(threat, customers);
    for (let k = 1; k <= n; k++) threat.write(shop, rng, `${threat.name}-${k}`);
    incidents[threat.name] = n;
  }
  return { ...world.finish(), incidents };
}
