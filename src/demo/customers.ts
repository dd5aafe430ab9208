/**
 * The demo shop's customers: a home country and address, their devices, their means of payment,
 * the odd trip abroad; and the slips of the finger they make when they log in.
 */
import type { PaymentMethod } from '../shared/contract/events.ts';
import { words } from './catalogue.ts';
import { HOME_V4, HOME_V6, type HomeCountry, NL_CARRIERS, TRAVEL_V4, v4In, v6Net } from './networks.ts';
import type { ResolvedDemoOptions } from './options.ts';
import type { Rng } from './random.ts';
import { DAY, HOUR, utcTime } from './time.ts';
import { browserUserAgent } from './user-agents.ts';

export const FIRST: Record<HomeCountry, string[]> = {
  NL: words(`
    anna daan emma sem julia lucas sophie thomas lotte bram fleur jesse sanne ruben lisa tim eva jeroen
    marloes kees ingrid henk monique sander noor mohammed fatima yara dennis wendy priya joost
  `),
  BE: words('louise arthur elise wout lien jonas marie pieter nina lars'),
  DE: words('lena jonas mia felix hannah lukas sabine stefan anja tobias'),
};
export const LAST: Record<HomeCountry, string[]> = {
  NL: words(`
    devries jansen bakker visser smit meijer dejong mulder vandijk bos vos peters hendriks vanleeuwen
    dekker brouwer dewit dijkstra vandenberg elamrani yilmaz kok verhoeven koster
  `),
  BE: words('peeters janssens maes jacobs mertens willems claes goossens wouters desmet'),
  DE: words('mueller schmidt schneider fischer weber meyer wagner becker hoffmann koch'),
};
export const MAIL: Record<HomeCountry, string[]> = {
  NL: words('gmail.com gmail.com hotmail.com outlook.com kpnmail.nl ziggo.nl icloud.com live.nl planet.nl'),
  BE: words('gmail.com telenet.be skynet.be hotmail.com outlook.be'),
  DE: words('gmail.com web.de gmx.de t-online.de outlook.de'),
};

interface Device {
  id: string;
  ua: string;
  mobile: boolean;
}

interface Trip {
  hotelIp: string;
  /** Leaves home, arrives there, leaves again, is home again. */
  depart: number;
  arrive: number;
  leave: number;
  home: number;
}

export interface Customer {
  index: number;
  id: string;
  username: string;
  country: HomeCountry;
  homeV4: string;
  homeV6?: string;
  carrier?: string[];
  devices: Device[];
  payments: { method: PaymentMethod; fingerprint: string }[];
  addressId: string;
  createdAt: string;
  trip?: Trip;
  /** Sessions so far: attacks pick victims who use their account. */
  sessions: number;
  victim: boolean;
}

export function newDevice(rng: Rng, mobile: boolean): Device {
  return { id: `d-${rng.hex(16)}`, ua: browserUserAgent(rng, mobile), mobile };
}

export function homeCountry(rng: Rng): HomeCountry {
  return rng.chance(0.85) ? 'NL' : rng.chance(0.65) ? 'BE' : 'DE';
}

export function makeCustomer(rng: Rng, index: number, o: ResolvedDemoOptions, taken: Set<string>): Customer {
  const country = homeCountry(rng);
  const first = rng.pick(FIRST[country]);
  const last = rng.pick(LAST[country]);
  const forms = [`${first}.${last}`, `${first}${rng.int(60, 99)}`, `${first.charAt(0)}${last}`];
  let username = `${rng.pick(forms)}@${rng.pick(MAIL[country])}`;
  while (taken.has(username)) username = username.replace('@', `${rng.int(0, 9)}@`);
  taken.add(username);

  const devices = [newDevice(rng, rng.chance(0.55))];
  for (let n = rng.chance(0.5) ? rng.int(1, 2) : 0; n > 0; n--) devices.push(newDevice(rng, rng.chance(0.5)));
  const method = rng.pick<PaymentMethod>(['ideal', 'ideal', 'ideal', 'card', 'card', 'paypal']);
  const payments = [{ method, fingerprint: `fp_${rng.hex(24)}` }];
  if (rng.chance(0.15)) {
    payments.push({ method: rng.pick<PaymentMethod>(['paypal', 'card']), fingerprint: `fp_${rng.hex(24)}` });
  }
  // A few signed up this week; most have been customers for years.
  const ageDays = rng.chance(0.04) ? rng.next() * 7 : 30 + rng.lognormal(700, 0.9);

  const customer: Customer = {
    index,
    id: `C${1_000_000 + index * 7 + rng.int(0, 6)}`,
    username,
    country,
    homeV4: v4In(rng, rng.pick(HOME_V4[country])),
    devices,
    payments,
    addressId: `addr-${rng.hex(12)}`,
    createdAt: utcTime(o.startMs - Math.round(ageDays * DAY)),
    sessions: 0,
    victim: false,
  };
  if (rng.chance(0.35)) customer.homeV6 = v6Net(rng, rng.pick(HOME_V6[country]));
  if (country === 'NL') customer.carrier = rng.pick(NL_CARRIERS);
  if (rng.chance(0.02)) {
    const destination = rng.pick(Object.values(TRAVEL_V4));
    const depart = o.startMs + rng.next() * (o.endMs - o.startMs) * 0.8;
    // Door to door by plane or car: hours, never minutes.
    const travel = rng.int(3, 10) * HOUR;
    const leave = depart + travel + rng.int(1, 4) * DAY;
    const hotelIp = v4In(rng, rng.pick(destination));
    customer.trip = { hotelIp, depart, arrive: depart + travel, leave, home: leave + travel };
  }
  return customer;
}

/** A slip of the finger in an e-mail address: two neighbouring letters swapped. */
export function typo(rng: Rng, username: string): string {
  const at = username.indexOf('@');
  const i = rng.int(0, Math.max(0, at - 2));
  const swapped = username.slice(0, i) + username.charAt(i + 1) + username.charAt(i) + username.slice(i + 2);
  return swapped === username ? username.replace('@', 'x@') : swapped;
}
