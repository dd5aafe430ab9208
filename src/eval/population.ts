import { browserUserAgent, iphoneSafari } from './clients.ts';
import { DAY, HOUR } from './model.ts';
import { HOME_BE, HOME_NL, POOLS, type Pool, ipv4In, ipv6PrefixIn } from './networks.ts';
import type { Random } from './random.ts';

/** A device with its first-party cookie id and its browser or app. */
export interface Device {
  id: string;
  userAgent: string;
  /** On a phone: also used on the 4G network. */
  mobile: boolean;
}

/** A customer of the shop, with the habits the generated traffic follows. */
export interface Customer {
  id: string;
  username: string;
  country: 'NL' | 'BE';
  isp: Pool;
  homeV4: string;
  /** The household's /64, when the ISP gives IPv6 and the router uses it. */
  homeV6?: string;
  carrier: Pool;
  devices: Device[];
  createdAt: number;
  addressId: string;
  payment: { method: 'card' | 'ideal' | 'paypal' | 'other'; fingerprint: string };
  /** Mean visits per day. */
  activity: number;
  /**
   * A second factor after the password, as the shop's login service reports it: the whole login
   * as one `mfa` event, or the password step and the code step as two events.
   */
  mfa?: 'one-step' | 'two-step';
  /** The customer's signed-in browser sessions so far: what an infostealer can take. */
  sessions?: SignedInSession[];
}

/** A browser session a customer signed in on: its cookies (session and device id) and browser. */
export interface SignedInSession {
  at: number;
  sessionId: string;
  deviceId?: string;
  userAgent?: string;
}

/**
 * A customer: a Dutch (80 %) or Belgian household on their consumer ISPs, with IPv6
 * where the ISP offers it, one to three devices, accounts from days to years old, and a
 * long-tailed visit rate (most customers come a few times a fortnight, some daily).
 */
export function makeCustomer(rng: Random, id: string, start: number, createdAt?: number): Customer {
  const country = rng.chance(0.8) ? 'NL' : 'BE';
  const isp = rng.weighted<Pool>(
    country === 'NL'
      ? [
          [HOME_NL[0]!, 40],
          [HOME_NL[1]!, 40],
          [HOME_NL[2]!, 20],
        ]
      : [
          [HOME_BE[0]!, 55],
          [HOME_BE[1]!, 45],
        ],
  );
  const homeV6 = rng.chance(0.55) ? ipv6PrefixIn(rng, isp) : undefined;
  const devices = Array.from(
    {
      length: rng.weighted([
        [1, 45],
        [2, 40],
        [3, 15],
      ]),
    },
    () => newDevice(rng),
  );
  const customer: Customer = {
    id,
    username: `${rng.pick(NAMES)}.${rng.hex(5)}@${rng.pick(MAIL_DOMAINS)}`,
    country,
    isp,
    homeV4: ipv4In(rng, isp),
    carrier: country === 'NL' ? POOLS.mobileNl : POOLS.mobileBe,
    devices,
    createdAt: createdAt ?? start - Math.round(rng.logNormal(500, 1.1) * DAY),
    addressId: `adr-${rng.hex(12)}`,
    payment: {
      method: rng.weighted<Customer['payment']['method']>([
        [country === 'NL' ? 'ideal' : 'other', 55],
        ['card', 30],
        ['paypal', 15],
      ]),
      fingerprint: `pf-${rng.hex(14)}`,
    },
    activity: Math.min(3, rng.logNormal(0.14, 0.9)),
  };
  if (homeV6 !== undefined) customer.homeV6 = homeV6;
  if (rng.chance(MFA_SHARE)) customer.mfa = rng.chance(0.5) ? 'one-step' : 'two-step';
  return customer;
}

/** Share of customers who turned on a second factor. */
const MFA_SHARE = 0.15;

/** A new device: a fresh cookie id and a browser of today. */
export function newDevice(rng: Random, userAgent?: string): Device {
  const ua = userAgent ?? (rng.chance(0.1) ? iphoneSafari(rng) : browserUserAgent(rng));
  return { id: `d-${rng.hex(16)}`, userAgent: ua, mobile: / Mobile|okhttp|CFNetwork/.test(ua) };
}

/** Share of visits per hour of the day (local time): quiet nights, an evening peak. */
const HOURLY = [
  1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 5, 5.5, 6, 7.5, 8, 7, 5, 2.5,
];

/** A moment on the given day (epoch ms of its local midnight) as customers spread their visits. */
export function timeOfDay(rng: Random, midnight: number, hours: readonly number[] = HOURLY): number {
  const hour = rng.weighted(hours.map((w, h) => [h, w] as const));
  return midnight + hour * HOUR + rng.next() * HOUR;
}

/** Local midnight (UTC+1 in the winter window) of day `d` of the window. */
export const midnightOf = (start: number, d: number): number => start + d * DAY;

/** The times of a customer's visits: a Poisson process over the window at their rate. */
export function visitTimes(
  rng: Random,
  rate: number,
  start: number,
  days: number,
  boost?: (day: number) => number,
): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    const mean = rate * (boost ? boost(d) : 1);
    let n = 0;
    // Knuth's Poisson sampler: rates here are small.
    for (let p = rng.next(), limit = Math.exp(-mean); p > limit; p *= rng.next()) n++;
    for (let i = 0; i < n; i++) out.push(timeOfDay(rng, midnightOf(start, d)));
  }
  return out.sort((a, b) => a - b);
}

const NAMES = [
  'anna',
  'daan',
  'sanne',
  'lars',
  'emma',
  'bram',
  'julia',
  'thijs',
  'lotte',
  'ruben',
  'fleur',
  'milan',
  'noor',
  'jasper',
  'elise',
  'wout',
  'lien',
  'arne',
  'marie',
  'kobe',
  'fatima',
  'mohamed',
  'yara',
  'sem',
];
const MAIL_DOMAINS = [
  'gmail.com',
  'hotmail.com',
  'outlook.com',
  'ziggo.nl',
  'kpnmail.nl',
  'telenet.be',
  'proximus.be',
  'icloud.com',
];
