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
 * here was checked against geoip-lite and the hosting-network table: each
 * places its addresses where this file says they are.
 *
 * The stream is generated hour by hour and merged through a small queue, so
 * it comes sorted by `occurredAt` and is never held in memory as a whole.
 * Labels never go into events: {@link labelledDemoTraffic} yields each event
 * with its label beside it.
 */
import {
  type BrowseEvent,
  type BrowseKind,
  type FailureReason,
  type LoginEvent,
  type LoginMethod,
  type OrderEvent,
  type PaymentMethod,
  type VigilEvent,
  rfc3339ToMs,
} from '../shared/contract/events.ts';

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

export const LEGIT_SCENARIOS = ['normal', 'new_device', 'traveller', 'anonymous', 'crawler'] as const;
export type LegitScenario = (typeof LEGIT_SCENARIOS)[number];

export const ATTACK_SCENARIOS = [
  'brute_force',
  'credential_stuffing',
  'account_takeover',
  'impossible_travel',
  'card_testing',
  'bot_scraping',
  'probing',
] as const;
export type AttackScenario = (typeof ATTACK_SCENARIOS)[number];
export type DemoScenario = LegitScenario | AttackScenario;

export interface DemoOptions {
  /** The same seed and options give the same events, byte for byte. */
  seed?: number;
  /** Customers in the population. */
  customers?: number;
  /** Length of the traffic window in days (fractions allowed). */
  days?: number;
  /** First day: `YYYY-MM-DD` (midnight, shop time Europe/Amsterdam) or an RFC 3339 timestamp. */
  start?: string;
  /** Place attack incidents in the traffic. */
  attacks?: boolean;
}

export const DEMO_DEFAULTS: Required<DemoOptions> = {
  seed: 1,
  customers: 1500,
  days: 3,
  start: '2026-11-16',
  attacks: true,
};

/** About how many events each customer brings per day: their sessions, anonymous visitors, crawlers. */
export const EVENTS_PER_CUSTOMER_DAY = 8.6;

/** One generated event and what it really was. */
export interface LabelledEvent {
  event: VigilEvent;
  label: 'legit' | 'fraud';
  scenario: DemoScenario;
  /** The attack incident an attacker's event belongs to, e.g. `brute_force-1`. */
  incident?: string;
}

/** The options with defaults applied, and the window they describe (epoch ms). */
export interface ResolvedDemoOptions extends Required<DemoOptions> {
  startMs: number;
  endMs: number;
  /** Incidents of each attack scenario: one per 2,250 customer-days, at least one (0 without attacks). */
  incidentsPerScenario: number;
}

/**
 * Applies the defaults and checks the options.
 *
 * @throws an `Error` naming the option, for a start that is no date or sizes out of range
 */
export function resolveDemoOptions(options: DemoOptions = {}): ResolvedDemoOptions {
  const o: Required<DemoOptions> = { ...DEMO_DEFAULTS };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined) Object.assign(o, { [key]: value });
  if (!Number.isSafeInteger(o.seed)) throw new Error('seed: expected an integer');
  if (!Number.isInteger(o.customers) || o.customers < 1 || o.customers > 10_000_000) {
    throw new Error('customers: expected an integer from 1 to 10,000,000');
  }
  if (!(o.days > 0 && o.days <= 3660)) throw new Error('days: expected a number above 0, at most 3660');
  const startMs = parseStart(o.start);
  const incidents = o.attacks ? Math.max(1, Math.round((o.customers * o.days) / 2250)) : 0;
  return { ...o, startMs, endMs: startMs + Math.round(o.days * DAY), incidentsPerScenario: incidents };
}

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
  const shop = new Shop(o);
  const attacks = scheduleAttacks(o, new Rng(mix(o.seed, 3)));
  let next = 0;
  // Five-minute slots: only sessions in progress wait in the queue, so its events die young.
  for (let from = o.startMs; from < o.endMs; from += SLOT) {
    const to = Math.min(from + SLOT, o.endMs);
    shop.legitimateTraffic(from, to);
    while (next < attacks.length && attacks[next]!.at < to) shop.attack(attacks[next++]!);
    // Whatever is generated later starts at `to` or after: what lies before it is final.
    yield* shop.queue.drainBefore(to);
  }
  yield* shop.queue.drainBefore(Infinity);
}

// ---------------------------------------------------------------------------
// Randomness: mulberry32, one seeded stream per purpose
// ---------------------------------------------------------------------------

/** Tommy Ettinger's mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of some integers (murmur3's finaliser, chained): seeds of independent streams. */
function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ p, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A Fisher–Yates shuffled copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  /** A standard normal value (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** A log-normal value around `median`; `sigma` in natural-log units. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A Poisson count (Knuth's method; the normal approximation above λ = 30). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + this.normal() * Math.sqrt(lambda)));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars)
      s += Math.floor(this.next() * 0x100000)
        .toString(16)
        .padStart(5, '0');
    return s.slice(0, chars);
  }
}

// ---------------------------------------------------------------------------
// Time: the shop runs on Europe/Amsterdam
// ---------------------------------------------------------------------------

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SLOT = 5 * MINUTE;

/** 01:00 UTC on the last Sunday of a month: when EU summer time starts (March) or ends (October). */
function lastSundayAt1Utc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * DAY;
}

/** Summer time of the year last asked about: [year, start, end]. */
let summer: [number, number, number] = [NaN, 0, 0];

/** Minutes Amsterdam is ahead of UTC at `ms`. */
function amsterdamOffset(ms: number): 60 | 120 {
  const year = new Date(ms).getUTCFullYear();
  if (summer[0] !== year) summer = [year, lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)];
  return ms >= summer[1] && ms < summer[2] ? 120 : 60;
}

/** RFC 3339 in shop time with milliseconds, as the web shop and the checkout write it. */
function localTime(ms: number): string {
  const offset = amsterdamOffset(ms);
  return `${new Date(ms + offset * MINUTE).toISOString().slice(0, 23)}+0${offset / 60}:00`;
}

/** RFC 3339 in UTC without fractions, as the account database writes it. */
function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function localHour(ms: number): number {
  return Math.floor((ms + amsterdamOffset(ms) * MINUTE) / HOUR) % 24;
}

function parseStart(text: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const utcMidnight = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (new Date(utcMidnight).toISOString().slice(0, 10) === text) {
      return utcMidnight - amsterdamOffset(utcMidnight - HOUR) * MINUTE;
    }
  } else {
    const ms = rfc3339ToMs(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`start: expected YYYY-MM-DD or an RFC 3339 timestamp, got ${JSON.stringify(text)}`);
}

/** Relative traffic by local hour (mean 1): quiet nights, a lunch bump, a busy evening. */
const DIURNAL = (() => {
  const raw = [
    2, 1, 0.6, 0.4, 0.4, 0.6, 1.2, 2.4, 3.4, 4, 4.4, 4.6, 4.8, 4.6, 4.4, 4.4, 4.6, 5, 5.8, 6.8, 7.4, 7,
  ];
  raw.push(5.4, 3.4);
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
})();

// ---------------------------------------------------------------------------
// The shop: catalogue, pages, user agents
// ---------------------------------------------------------------------------

/** The words of a text, split on white space: keeps long lists of names short. */
function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

const PRODUCTS: readonly (readonly [slug: string, category: string, priceMinor: number])[] = [
  ['philips-airfryer-xxl', '/c/huishouden/airfryers', 24999],
  ['tefal-easy-fry-6l', '/c/huishouden/airfryers', 8999],
  ['nespresso-vertuo-pop', '/c/huishouden/koffiemachines', 8999],
  ['delonghi-magnifica-s', '/c/huishouden/koffiemachines', 39900],
  ['apple-iphone-17-128gb', '/c/elektronica/smartphones', 96900],
  ['samsung-galaxy-s25', '/c/elektronica/smartphones', 89900],
  ['iphone-hoesje-transparant', '/c/elektronica/accessoires', 1499],
  ['usb-c-kabel-2m', '/c/elektronica/accessoires', 999],
  ['anker-powerbank-20000', '/c/elektronica/accessoires', 4999],
  ['sony-wh-1000xm6', '/c/elektronica/audio', 37999],
  ['jbl-flip-7', '/c/elektronica/audio', 12999],
  ['macbook-air-13-m4', '/c/elektronica/laptops', 119900],
  ['lenovo-ideapad-slim-5', '/c/elektronica/laptops', 69900],
  ['playstation-5-slim', '/c/gaming/consoles', 49900],
  ['nintendo-switch-2', '/c/gaming/consoles', 46999],
  ['ea-sports-fc-26-ps5', '/c/gaming/games', 6999],
  ['lego-technic-porsche-911', '/c/speelgoed/lego', 17999],
  ['lego-city-politiebureau', '/c/speelgoed/lego', 5999],
  ['kinderpuzzel-dieren', '/c/speelgoed/puzzels', 1299],
  ['puzzel-1000-stukjes-amsterdam', '/c/speelgoed/puzzels', 1999],
  ['philips-hue-starterkit', '/c/wonen/verlichting', 12999],
  ['kerstverlichting-buiten-20m', '/c/wonen/verlichting', 3499],
  ['dekbedovertrek-katoen', '/c/wonen/slapen', 3999],
  ['weber-spirit-e325', '/c/tuin/barbecues', 69900],
  ['gazelle-ultimate-c380', '/c/sport/fietsen', 329900],
  ['yogamat-pro', '/c/sport/fitness', 2999],
  ['harry-potter-box-set', '/c/boeken/kinderboeken', 5999],
  ['het-diner-herman-koch', '/c/boeken/romans', 1299],
  ['dior-sauvage-100ml', '/c/beauty/parfum', 11900],
  ['oral-b-io-series-5', '/c/beauty/verzorging', 9999],
  ['joolz-day-plus', '/c/baby/kinderwagens', 89900],
  ['cadeaukaart-25', '/c/cadeaukaarten', 2500],
  ['cadeaukaart-50', '/c/cadeaukaarten', 5000],
];
const PRODUCT_PATHS = PRODUCTS.map(([slug], i) => `/p/${slug}/${9_200_000_000 + i * 1_234_567}`);
/** Shoppers look at and buy cheap things far more often than dear ones. */
const PRODUCT_WEIGHTS = cumulative(PRODUCTS.map(([, , price]) => price ** -0.8));
const EXPENSIVE = PRODUCTS.flatMap(([, , price], i) => (price >= 40_000 && price < 200_000 ? [i] : []));
const GIFT_CARD = PRODUCT_PATHS[PRODUCTS.findIndex(([slug]) => slug === 'cadeaukaart-25')]!;
const CATEGORIES = [...new Set(PRODUCTS.map(([, category]) => category))];
const SEARCHES = words(`
  airfryer kerstverlichting lego iphone-17 koptelefoon ps5 dekbed barbecue elektrische-fiets philips-hue
  powerbank parfum-heren kinderwagen puzzel koffiemachine yogamat laptop cadeaukaart usb-c-kabel
  nintendo-switch sinterklaas-cadeau elektrische-tandenborstel kerstcadeau-voor-haar speelgoed-4-jaar
  herman-koch bluetooth-speaker
`).map((query) => query.replaceAll('-', ' '));
const ACCOUNT_PAGES = words('/account /account/bestellingen /account/gegevens /account/verlanglijst');
const OTHER_PAGES = words('/ /acties /black-friday /klantenservice /klantenservice/retourneren /cadeaus');
const CHECKOUT: readonly (readonly [string, BrowseKind])[] = [
  ['/winkelwagen', 'cart'],
  ['/afrekenen', 'checkout'],
  ['/afrekenen/bezorging', 'checkout'],
  ['/afrekenen/betalen', 'checkout'],
];
const PROBE_PATHS = words(`
  /.env /.env.bak /.git/HEAD /.git/config /wp-login.php /wp-admin/ /xmlrpc.php /phpmyadmin/index.php
  /config.php.bak /.aws/credentials /backup.zip /db.sql /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php
  /.DS_Store /actuator/env /server-status /admin/ /cgi-bin/luci /wp-content/plugins/ /.vscode/sftp.json
  /info.php /.htpasswd
`);

type Page = readonly [path: string, kind: BrowseKind, searchQuery?: string];

/** The next page a shopper looks at. */
function shopperPage(rng: Rng, loggedIn: boolean): Page {
  const r = rng.next();
  if (r < 0.3)
    return [`${rng.pick(CATEGORIES)}${rng.chance(0.25) ? `/pagina-${rng.int(2, 6)}` : ''}`, 'page'];
  if (r < 0.65) return [PRODUCT_PATHS[pickCumulative(PRODUCT_WEIGHTS, rng.next())]!, 'product'];
  if (r < 0.85) return ['/zoeken', 'search', rng.pick(SEARCHES)];
  if (r < 0.92 && loggedIn) return [rng.pick(ACCOUNT_PAGES), 'page'];
  return [rng.pick(OTHER_PAGES), 'page'];
}

const UA = {
  chromeWin: (v: number) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  edge: (v: number) => `${UA.chromeWin(v)} Edg/${v}.0.0.0`,
  firefox: (v: number) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  macSafari: () =>
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15',
  macChrome: (v: number) =>
    `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  iphone: (os: string) =>
    `Mozilla/5.0 (iPhone; CPU iPhone OS ${os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1`,
  ipad: () =>
    'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1',
  android: (v: number) =>
    `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
  samsung: (model: string) =>
    `Mozilla/5.0 (Linux; Android 15; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36`,
  /** What a credential-stuffing kit sends on every attempt, whichever proxy it goes through. */
  stuffingKit:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
};

function browserUserAgent(rng: Rng, mobile: boolean): string {
  const r = rng.next();
  if (mobile) {
    if (r < 0.5) return UA.iphone(rng.pick(['18_6', '18_7', '26_1']));
    if (r < 0.75) return UA.android(rng.int(140, 142));
    if (r < 0.93) return UA.samsung(rng.pick(['SM-S921B', 'SM-A556B', 'SM-S931B']));
    return UA.ipad();
  }
  if (r < 0.5) return UA.chromeWin(rng.int(140, 142));
  if (r < 0.65) return UA.edge(rng.int(140, 142));
  if (r < 0.78) return UA.firefox(rng.int(144, 145));
  if (r < 0.9) return UA.macSafari();
  return UA.macChrome(rng.int(140, 142));
}

/** Search-engine crawlers, from their operators' published ranges. */
const CRAWLERS = [
  { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', net: '66.249.66' },
  {
    ua: 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    net: '66.249.68',
  },
  {
    ua: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/142.0.0.0 Safari/537.36',
    net: '40.77.167',
  },
] as const;

// ---------------------------------------------------------------------------
// Networks: IPv4 by /16, IPv6 by their first two groups
// ---------------------------------------------------------------------------

const HOME_V4 = {
  // KPN, Ziggo, and a few more Dutch ISPs
  NL: words(`
    86.80 86.81 86.84 86.85 86.86 86.87 86.88 86.89 86.90 86.91 86.92 86.93 86.94 86.95
    84.80 84.81 84.84 84.85 77.249 77.250 82.168 82.169 82.170 82.171
    94.208 94.210 94.211 94.212 62.194 62.195 31.20 31.21 145.53
  `),
  // Proximus, Telenet
  BE: words('81.240 81.241 81.242 81.243 81.244 84.192 84.193 84.194 94.224 94.225'),
  // Deutsche Telekom, Vodafone, Telefónica
  DE: words('79.192 79.200 79.210 79.220 79.230 87.150 87.160 91.0 91.10 93.192'),
};
type HomeCountry = keyof typeof HOME_V4;
const HOME_V6: Record<HomeCountry, string[]> = {
  NL: words('2a02:a440 2a02:a441 2a02:a442 2a02:a443 2a02:a444 2001:1c00 2001:1c01 2001:1c02'),
  BE: words('2a02:1810 2a02:a03f'),
  DE: words('2003:c0 2003:e0'),
};
/** Dutch mobile carriers: their phones share a few hundred addresses (CGNAT). */
const NL_CARRIERS = [words('145.67 145.92'), words('77.62 77.63'), words('188.88 188.89 109.36 109.37')];
/** Hotel and holiday-home networks at the travellers' destinations. */
const TRAVEL_V4 = {
  FR: words('90.60 86.200'),
  ES: words('83.40 83.50'),
  IT: words('79.20 79.40'),
  GB: words('81.100 86.150'),
  PT: words('85.240'),
  AT: words('62.46'),
};
const HOSTING = {
  ovh: words('51.68 51.75 51.77 137.74'),
  scaleway: words('51.15 51.158 163.172 62.210'),
  hetzner: words('88.198 78.46 5.9 136.243 176.9 178.63'),
  digitalocean: words('167.99 134.209'),
  aws: words('34.244'),
};
/** Residential and mobile networks far from the shop's customers. */
const FAR = {
  CN: words('14.104 14.105'),
  NG: words('105.112 105.113 41.58 197.210'),
  BR: words('177.32 189.60 201.20'),
  ID: words('36.72 36.80'),
  IN: words('117.200'),
  VN: words('113.160 14.160'),
  RU: words('95.24 178.176'),
  US: words('76.183 98.100'),
};
/** A residential-proxy service's exits: everywhere. */
const PROXIES = [
  ...Object.values(FAR).flat(),
  ...Object.values(TRAVEL_V4).flat(),
  ...HOSTING.ovh,
  ...HOSTING.digitalocean,
  ...HOSTING.aws,
];

function v4In(rng: Rng, prefix: string): string {
  return `${prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A customer's /64 under a two-group prefix. */
function v6Net(rng: Rng, prefix: string): string {
  return `${prefix}:${rng.int(0, 0xffff).toString(16)}:${(rng.int(0, 0xfff) << 4).toString(16)}`;
}

/** A privacy address in a /64: a new interface identifier every day (RFC 8981). */
function v6Privacy(net: string, customer: number, day: number): string {
  const groups = [1, 2, 3, 4].map((i) => (mix(customer, day, i) & 0xffff).toString(16));
  return `${net}:${groups.join(':')}`;
}

// ---------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------

const FIRST: Record<HomeCountry, string[]> = {
  NL: words(`
    anna daan emma sem julia lucas sophie thomas lotte bram fleur jesse sanne ruben lisa tim eva jeroen
    marloes kees ingrid henk monique sander noor mohammed fatima yara dennis wendy priya joost
  `),
  BE: words('louise arthur elise wout lien jonas marie pieter nina lars'),
  DE: words('lena jonas mia felix hannah lukas sabine stefan anja tobias'),
};
const LAST: Record<HomeCountry, string[]> = {
  NL: words(`
    devries jansen bakker visser smit meijer dejong mulder vandijk bos vos peters hendriks vanleeuwen
    dekker brouwer dewit dijkstra vandenberg elamrani yilmaz kok verhoeven koster
  `),
  BE: words('peeters janssens maes jacobs mertens willems claes goossens wouters desmet'),
  DE: words('mueller schmidt schneider fischer weber meyer wagner becker hoffmann koch'),
};
const MAIL: Record<HomeCountry, string[]> = {
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

interface Customer {
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

function newDevice(rng: Rng, mobile: boolean): Device {
  return { id: `d-${rng.hex(16)}`, ua: browserUserAgent(rng, mobile), mobile };
}

function homeCountry(rng: Rng): HomeCountry {
  return rng.chance(0.85) ? 'NL' : rng.chance(0.65) ? 'BE' : 'DE';
}

function makeCustomer(rng: Rng, index: number, o: ResolvedDemoOptions, taken: Set<string>): Customer {
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

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/** Who sends an event: the envelope fields besides the id and time. */
interface Client {
  ip: string;
  customerId?: string;
  sessionId?: string;
  deviceId?: string;
  userAgent?: string;
}

type Tag = Omit<LabelledEvent, 'event'>;

interface Attack {
  scenario: AttackScenario;
  id: string;
  /** Which variant of the scenario: user agent, network, whether it succeeds. */
  variant: number;
  at: number;
}

function scheduleAttacks(o: ResolvedDemoOptions, rng: Rng): Attack[] {
  const attacks: Attack[] = [];
  const span = o.endMs - o.startMs;
  for (const scenario of ATTACK_SCENARIOS) {
    for (let k = 0; k < o.incidentsPerScenario; k++) {
      // After the first quarter, when the victims have a history the detector has seen, and
      // before the last tenth, so that a stream cut short a little keeps every incident whole.
      const at = o.startMs + span * (0.25 + (0.65 * (k + rng.next())) / o.incidentsPerScenario);
      attacks.push({ scenario, id: `${scenario}-${k + 1}`, variant: k, at: Math.round(at) });
    }
  }
  return attacks.sort((a, b) => a.at - b.at);
}

/** A binary min-heap of pending events by time, then by creation. */
class Queue {
  readonly #heap: { at: number; seq: number; item: LabelledEvent }[] = [];
  #seq = 0;

  push(at: number, item: LabelledEvent): void {
    const heap = this.#heap;
    heap.push({ at, seq: this.#seq++, item });
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Removes and yields, in order, every pending event before `limit`. */
  *drainBefore(limit: number): Generator<LabelledEvent> {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]!.at < limit) {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          let m = i;
          if (l < heap.length && this.#less(l, m)) m = l;
          if (l + 1 < heap.length && this.#less(l + 1, m)) m = l + 1;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      yield top.item;
    }
  }

  #less(a: number, b: number): boolean {
    const x = this.#heap[a]!;
    const y = this.#heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

/** A cursor through a session. */
class Clock {
  constructor(
    public at: number,
    private readonly rng: Rng,
  ) {}

  /** Reading a page: seconds to a minute or two. */
  read(median = 14 * SECOND): number {
    this.at += Math.round(Math.min(4 * MINUTE, Math.max(1500, this.rng.lognormal(median, 0.8))));
    return this.at;
  }

  /** A pause of `min` to `max` ms. */
  wait(min: number, max: number): number {
    this.at += this.rng.int(min, max);
    return this.at;
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An event in the contract's field order. Its id is the producer's prefix and
 * a ULID: the event time, then 80 random bits.
 */
function makeEvent(
  rng: Rng,
  source: 'auth' | 'web' | 'chk',
  type: VigilEvent['type'],
  occurredAt: string,
  at: number,
  client: Client,
  body: object,
): VigilEvent {
  let id = '';
  for (let rest = at, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) id = CROCKFORD[rest % 32] + id;
  for (let i = 0; i < 4; i++) {
    let bits = Math.floor(rng.next() * 0x100000);
    for (let j = 0; j < 4; j++, bits >>= 5) id += CROCKFORD[bits & 31];
  }
  const e: Record<string, unknown> = { schemaVersion: 1, eventId: `${source}-${id}`, type, occurredAt };
  e.ip = client.ip;
  if (client.customerId !== undefined) e.customerId = client.customerId;
  if (client.sessionId !== undefined) e.sessionId = client.sessionId;
  if (client.deviceId !== undefined) e.deviceId = client.deviceId;
  if (client.userAgent !== undefined) e.userAgent = client.userAgent;
  e[type] = body;
  return e as unknown as VigilEvent;
}

const sessionId = (rng: Rng): string => `s-${rng.hex(20)}`;

/**
 * The shop and everyone who visits it. Population, legitimate traffic and
 * attacks each draw from a random stream of their own, so attacks never
 * disturb the legitimate events.
 */
class Shop {
  readonly queue = new Queue();
  readonly #o: ResolvedDemoOptions;
  readonly #rng: Rng;
  readonly #attackRng: Rng;
  readonly #customers: Customer[] = [];
  /** Who comes by: cumulative shares of the sessions, over the customers. */
  readonly #activity: number[];
  /** Customer sessions per day, all customers together. */
  readonly #sessionsPerDay: number;
  readonly #usernames = new Set<string>();
  readonly #carrierIps = new Map<string[], string[]>();

  constructor(o: ResolvedDemoOptions) {
    this.#o = o;
    this.#rng = new Rng(mix(o.seed, 1));
    this.#attackRng = new Rng(mix(o.seed, 2));
    const population = new Rng(mix(o.seed, 0));
    const perDay: number[] = [];
    for (let i = 0; i < o.customers; i++) {
      this.#customers.push(makeCustomer(population, i, o, this.#usernames));
      // Most customers come by now and then, a few daily.
      perDay.push(Math.min(4, Math.max(0.03, -Math.log(1 - population.next()) * 0.45)));
    }
    this.#activity = cumulative(perDay);
    this.#sessionsPerDay = perDay.reduce((a, b) => a + b, 0);
    const perCarrier = Math.min(400, Math.max(8, Math.round(o.customers / 40)));
    for (const carrier of NL_CARRIERS) {
      const ips = Array.from({ length: perCarrier }, () => v4In(population, population.pick(carrier)));
      this.#carrierIps.set(carrier, ips);
    }
  }

  // ----- legitimate traffic ------------------------------------------------

  /** The sessions that start in [from, to), a slot within one local hour. */
  legitimateTraffic(from: number, to: number): void {
    const rng = this.#rng;
    const span = to - from;
    const expected = this.#sessionsPerDay * (span / DAY) * DIURNAL[localHour(from)]!;
    for (let n = rng.poisson(expected); n > 0; n--) {
      const start = from + Math.floor(rng.next() * span);
      this.#customerSession(rng, this.#customers[pickCumulative(this.#activity, rng.next())]!, start);
    }
    for (let n = rng.poisson(expected * 0.5); n > 0; n--) {
      this.#visitorSession(rng, from + Math.floor(rng.next() * span));
    }
    // Crawlers keep their own pace, day and night.
    for (let n = rng.poisson(((this.#o.customers / 110) * span) / HOUR); n > 0; n--) {
      this.#crawl(rng, from + Math.floor(rng.next() * span));
    }
  }

  /**
   * One visit of a customer: maybe a page or two, a login, 3–20 pages, maybe
   * an order. `home` makes it a short visit from home on the usual device.
   * Returns when it ended.
   */
  #customerSession(rng: Rng, c: Customer, start: number, home = false): number {
    const trip = c.trip;
    const abroad = !home && trip !== undefined && start >= trip.arrive && start < trip.leave;
    const onTheWay =
      trip !== undefined &&
      ((start >= trip.depart && start < trip.arrive) || (start >= trip.leave && start < trip.home));
    if (onTheWay && !home) return start;
    c.sessions++;
    let scenario: LegitScenario = abroad ? 'traveller' : 'normal';
    let device = c.devices[0]!;
    if (!home && rng.chance(0.012)) {
      // A new phone or laptop.
      device = newDevice(rng, rng.chance(0.6));
      c.devices.push(device);
      if (!abroad) scenario = 'new_device';
    } else if (!home && c.devices.length > 1 && rng.chance(0.35)) {
      device = rng.pick(c.devices.slice(1));
    }
    let ip: string;
    if (!home && device.mobile && c.carrier && rng.chance(abroad ? 0.5 : 0.45)) {
      // Mobile data, roaming in the EU too, comes out at the home carrier's shared addresses.
      ip = rng.pick(this.#carrierIps.get(c.carrier)!);
    } else if (abroad) {
      ip = trip!.hotelIp;
    } else if (!home && rng.chance(0.03)) {
      ip = v4In(rng, rng.pick(HOME_V4[c.country])); // at friends' or family's
    } else {
      ip = c.homeV6 !== undefined && rng.chance(0.6) ? this.#privacyAddress(c, start) : c.homeV4;
    }
    const client: Client = { ip, sessionId: sessionId(rng), deviceId: device.id, userAgent: device.ua };
    const tag: Tag = { label: 'legit', scenario };
    const t = new Clock(start, rng);

    const remembered = rng.chance(0.2);
    if (!remembered) {
      for (let n = rng.int(0, 2); n > 0; n--)
        this.#browse(rng, t.read(), client, shopperPage(rng, false), tag);
      this.#browse(rng, t.read(), client, ['/inloggen', 'page'], tag);
      t.read(8 * SECOND);
      for (let typos = rng.chance(0.05) ? rng.int(1, 2) : 0; typos > 0; typos--) {
        if (rng.chance(0.3)) this.#loginFailed(rng, t.at, client, typo(rng, c.username), 'unknown_user', tag);
        else this.#loginFailed(rng, t.at, { ...client, customerId: c.id }, c.username, 'bad_password', tag);
        t.wait(6 * SECOND, 25 * SECOND);
      }
    }
    // Some producers leave the optional login.method out.
    const method = rng.chance(0.03) ? null : remembered ? 'token' : 'password';
    const loggedIn = { ...client, customerId: c.id };
    this.#loginSucceeded(rng, t.at, loggedIn, c.username, tag, method);
    for (let n = home ? rng.int(2, 6) : rng.int(3, 20); n > 0; n--) {
      this.#browse(rng, t.read(), loggedIn, shopperPage(rng, true), tag);
    }
    if (!home && rng.chance(0.1)) this.#checkout(rng, t, loggedIn, c, tag);
    return t.at;
  }

  #privacyAddress(c: Customer, at: number): string {
    return v6Privacy(c.homeV6!, c.index, Math.floor((at - this.#o.startMs) / DAY));
  }

  #checkout(rng: Rng, t: Clock, client: Client, c: Customer, tag: Tag): void {
    const items = Array.from({ length: rng.chance(0.7) ? 1 : rng.int(2, 3) }, () =>
      pickCumulative(PRODUCT_WEIGHTS, rng.next()),
    );
    this.#browse(rng, t.read(), client, [PRODUCT_PATHS[items[0]!]!, 'product'], tag);
    for (const page of CHECKOUT) this.#browse(rng, t.read(9 * SECOND), client, page, tag);
    const subtotal = items.reduce((sum, i) => sum + PRODUCTS[i]![2], 0);
    const payment = c.payments.length > 1 && rng.chance(0.25) ? c.payments[1]! : c.payments[0]!;
    this.#order(rng, t.read(20 * SECOND), client, tag, {
      amountMinor: subtotal + (subtotal < 2000 ? 495 : 0),
      itemCount: items.length,
      paymentMethod: payment.method,
      paymentFingerprint: payment.fingerprint,
      billingCountry: c.country,
      shippingCountry: c.country,
      shippingAddressId: c.addressId,
      accountCreatedAt: c.createdAt,
    });
    this.#browse(rng, t.read(5 * SECOND), client, ['/afrekenen/bedankt', 'page'], tag);
  }

  /** Someone not logged in: a few pages, now and then a login with an address that has no account. */
  #visitorSession(rng: Rng, start: number): void {
    const country = homeCountry(rng);
    const mobile = rng.chance(0.6);
    const ip =
      country === 'NL' && mobile && rng.chance(0.5)
        ? rng.pick(this.#carrierIps.get(rng.pick(NL_CARRIERS))!)
        : v4In(rng, rng.pick(HOME_V4[country]));
    const device = newDevice(rng, mobile);
    const client: Client = { ip, sessionId: sessionId(rng), deviceId: device.id, userAgent: device.ua };
    const tag: Tag = { label: 'legit', scenario: 'anonymous' };
    const t = new Clock(start, rng);
    this.#browse(rng, t.at, client, shopperPage(rng, false), tag);
    for (let n = rng.int(0, 9); n > 0; n--) this.#browse(rng, t.read(), client, shopperPage(rng, false), tag);
    if (rng.chance(0.02)) {
      this.#browse(rng, t.read(), client, ['/inloggen', 'page'], tag);
      const username = `${rng.pick(FIRST[country])}${rng.int(1, 999)}@${rng.pick(MAIL[country])}`;
      this.#loginFailed(rng, t.read(10 * SECOND), client, username, 'unknown_user', tag);
    }
  }

  #crawl(rng: Rng, at: number): void {
    const crawler = CRAWLERS[rng.chance(0.8) ? rng.int(0, 1) : 2]!;
    const page: Page = rng.chance(0.7)
      ? [rng.pick(PRODUCT_PATHS), 'product']
      : [`${rng.pick(CATEGORIES)}${rng.chance(0.5) ? `/pagina-${rng.int(2, 12)}` : ''}`, 'page'];
    const client = { ip: `${crawler.net}.${rng.int(1, 250)}`, userAgent: crawler.ua };
    this.#browse(rng, at, client, page, { label: 'legit', scenario: 'crawler' });
  }

  // ----- attacks -------------------------------------------------------------

  attack(a: Attack): void {
    const rng = this.#attackRng;
    const tag: Tag = { label: 'fraud', scenario: a.scenario, incident: a.id };
    const t = new Clock(a.at, rng);
    switch (a.scenario) {
      case 'brute_force':
        return this.#bruteForce(rng, t, a.variant, tag);
      case 'credential_stuffing':
        return this.#credentialStuffing(rng, t, tag);
      case 'account_takeover':
        return this.#accountTakeover(rng, t, a.variant, tag);
      case 'impossible_travel':
        return this.#impossibleTravel(rng, t, a.variant, tag);
      case 'card_testing':
        return this.#cardTesting(rng, t, a.variant, tag);
      case 'bot_scraping':
        return this.#botScraping(rng, t, a.variant, tag);
      case 'probing':
        return this.#probing(rng, t, a.variant, tag);
    }
  }

  /** A customer who uses their account (worth taking over) and is at home. */
  #victim(rng: Rng, at: number, country?: HomeCountry): Customer {
    for (let tries = 0; tries < 1000; tries++) {
      const c = rng.pick(this.#customers);
      const away = c.trip !== undefined && at >= c.trip.depart - DAY && at < c.trip.home + DAY;
      if (c.sessions > 0 && !c.victim && !away && (!country || c.country === country)) {
        c.victim = true;
        return c;
      }
    }
    return rng.pick(this.#customers);
  }

  /** Dozens of passwords against one account from one hosting address; even variants get in. */
  #bruteForce(rng: Rng, t: Clock, variant: number, tag: Tag): void {
    const victim = this.#victim(rng, t.at);
    const ip = v4In(rng, rng.pick([...HOSTING.hetzner, ...HOSTING.ovh]));
    const userAgent = variant % 2 === 0 ? 'python-requests/2.32.3' : UA.chromeWin(120);
    const client: Client = { ip, customerId: victim.id, userAgent };
    for (let n = rng.int(25, 60); n > 0; n--) {
      this.#loginFailed(rng, t.wait(800, 6 * SECOND), client, victim.username, 'bad_password', tag);
    }
    if (variant % 2 !== 0) return;
    this.#loginSucceeded(rng, t.wait(800, 6 * SECOND), client, victim.username, tag);
    const session = { ...client, sessionId: sessionId(rng) };
    for (const path of ACCOUNT_PAGES.slice(0, 3))
      this.#browse(rng, t.read(6 * SECOND), session, [path, 'page'], tag);
  }

  /** A leaked list tried through a proxy pool with one user agent: mostly unknown users, a few hits. */
  #credentialStuffing(rng: Rng, t: Clock, tag: Tag): void {
    const ips = Array.from({ length: rng.int(25, 45) }, () => v4In(rng, rng.pick(PROXIES)));
    for (let n = rng.int(80, 150); n > 0; n--) {
      const client: Client = { ip: rng.pick(ips), userAgent: UA.stuffingKit };
      t.wait(500, 8 * SECOND);
      if (!rng.chance(0.15)) {
        this.#loginFailed(rng, t.at, client, this.#strangerUsername(rng), 'unknown_user', tag);
        continue;
      }
      const c = rng.pick(this.#customers);
      const account = { ...client, customerId: c.id };
      if (!rng.chance(0.2)) {
        this.#loginFailed(rng, t.at, account, c.username, 'bad_password', tag);
        continue;
      }
      // A reused password: in, and a look at what the account holds.
      this.#loginSucceeded(rng, t.at, account, c.username, tag);
      const look = new Clock(t.at, rng);
      const session = { ...account, sessionId: sessionId(rng) };
      for (const path of ['/account', '/account/gegevens']) {
        this.#browse(rng, look.read(5 * SECOND), session, [path, 'page'], tag);
      }
    }
  }

  #strangerUsername(rng: Rng): string {
    for (;;) {
      const name = `${rng.pick(FIRST.NL)}${rng.pick(['', '.', '_'])}${rng.pick(LAST.NL)}${rng.int(1, 999)}`;
      const domain = rng.pick(['gmail.com', 'hotmail.com', 'yahoo.com', 'outlook.com', 'live.nl', 'aol.com']);
      if (!this.#usernames.has(`${name}@${domain}`)) return `${name}@${domain}`;
    }
  }

  /** In from a far country on a new device: a new address, expensive orders on a stolen card. */
  #accountTakeover(rng: Rng, t: Clock, variant: number, tag: Tag): void {
    const victim = this.#victim(rng, t.at);
    const device = newDevice(rng, rng.chance(0.3));
    const ip = v4In(rng, rng.pick(rng.pick([FAR.NG, FAR.BR, FAR.ID, FAR.VN, FAR.RU])));
    const client: Client = {
      ip,
      customerId: victim.id,
      sessionId: sessionId(rng),
      deviceId: device.id,
      userAgent: device.ua,
    };
    if (rng.chance(0.5)) {
      this.#loginFailed(rng, t.at, client, victim.username, 'bad_password', tag);
      t.wait(10 * SECOND, 40 * SECOND);
    }
    this.#loginSucceeded(rng, t.at, client, victim.username, tag);
    this.#cashOut(rng, t, client, victim, tag, {
      billingCountry: rng.pick(words('GB US FR DE ES').filter((c) => c !== victim.country)),
      shippingCountry: victim.country,
      fingerprint: `fp_${rng.hex(24)}`,
      orders: variant % 2 === 0 ? 1 : 2,
    });
  }

  /** The customer at home, and twenty minutes later someone with their password on another continent. */
  #impossibleTravel(rng: Rng, t: Clock, variant: number, tag: Tag): void {
    const victim = this.#victim(rng, t.at, 'NL');
    t.at = this.#customerSession(rng, victim, t.at, true) + rng.int(15 * MINUTE, 25 * MINUTE);
    const device = newDevice(rng, true);
    const client: Client = {
      ip: v4In(rng, rng.pick(variant % 2 === 0 ? FAR.CN : FAR.BR)),
      customerId: victim.id,
      sessionId: sessionId(rng),
      deviceId: device.id,
      userAgent: device.ua,
    };
    this.#loginSucceeded(rng, t.at, client, victim.username, tag);
    this.#cashOut(rng, t, client, victim, tag, {
      billingCountry: victim.country,
      shippingCountry: rng.pick(words('LV LT PL RO')),
      fingerprint: victim.payments.find((p) => p.method === 'card')?.fingerprint ?? `fp_${rng.hex(24)}`,
      orders: 1,
    });
  }

  /** After a takeover: the address book, expensive products, the checkout and the orders. */
  #cashOut(
    rng: Rng,
    t: Clock,
    client: Client,
    victim: Customer,
    tag: Tag,
    loot: { billingCountry: string; shippingCountry: string; fingerprint: string; orders: number },
  ): void {
    for (const path of words('/account /account/adressen /account/adressen/nieuw /account/adressen')) {
      this.#browse(rng, t.read(9 * SECOND), client, [path, 'page'], tag);
    }
    const address = `addr-${rng.hex(12)}`;
    for (let n = loot.orders; n > 0; n--) {
      const items = rng.shuffled(EXPENSIVE).slice(0, rng.int(1, 2));
      for (const i of items)
        this.#browse(rng, t.read(8 * SECOND), client, [PRODUCT_PATHS[i]!, 'product'], tag);
      for (const page of CHECKOUT) this.#browse(rng, t.read(6 * SECOND), client, page, tag);
      this.#order(rng, t.read(15 * SECOND), client, tag, {
        amountMinor: items.reduce((sum, i) => sum + PRODUCTS[i]![2], 0),
        itemCount: items.length,
        paymentMethod: 'card',
        paymentFingerprint: loot.fingerprint,
        billingCountry: loot.billingCountry as Country,
        shippingCountry: loot.shippingCountry as Country,
        shippingAddressId: address,
        accountCreatedAt: victim.createdAt,
      });
    }
  }

  /** A fresh account buying tiny gift cards with one card after another, to learn which ones work. */
  #cardTesting(rng: Rng, t: Clock, variant: number, tag: Tag): void {
    const networks = variant % 2 === 0 ? HOME_V4.NL : [...HOSTING.ovh, ...HOSTING.scaleway];
    const device = newDevice(rng, false);
    const client: Client = {
      ip: v4In(rng, rng.pick(networks)),
      customerId: `C${9_000_000 + rng.int(0, 999_999)}`,
      sessionId: sessionId(rng),
      deviceId: device.id,
      userAgent: device.ua,
    };
    const createdAt = utcTime(t.at - rng.int(1, 12) * DAY);
    const address = `addr-${rng.hex(12)}`;
    this.#loginSucceeded(rng, t.at, client, this.#strangerUsername(rng), tag);
    this.#browse(rng, t.read(), client, [GIFT_CARD, 'product'], tag);
    let fingerprint = `fp_${rng.hex(24)}`;
    for (let n = rng.int(12, 30); n > 0; n--) {
      if (rng.chance(0.5)) {
        this.#browse(rng, t.wait(10 * SECOND, 60 * SECOND), client, ['/afrekenen/betalen', 'checkout'], tag);
      }
      this.#order(rng, t.wait(3 * SECOND, 40 * SECOND), client, tag, {
        amountMinor: rng.pick([100, 150, 199, 250, 295, 300, 350, 399, 450, 495]),
        itemCount: 1,
        paymentMethod: 'card',
        paymentFingerprint: fingerprint,
        billingCountry: rng.pick(words('US US GB FR CA AU BR IN NL DE')) as Country,
        shippingCountry: 'NL',
        shippingAddressId: address,
        accountCreatedAt: createdAt,
      });
      if (rng.chance(0.8)) fingerprint = `fp_${rng.hex(24)}`;
    }
  }

  /** A scraper on a hosting address copying the catalogue and the search results at machine speed. */
  #botScraping(rng: Rng, t: Clock, variant: number, tag: Tag): void {
    const ip = v4In(rng, rng.pick([...HOSTING.scaleway, ...HOSTING.ovh]));
    const userAgent = [undefined, 'python-requests/2.32.3', 'Scrapy/2.13.3 (+https://scrapy.org)'][
      variant % 3
    ];
    const client: Client = userAgent ? { ip, userAgent } : { ip };
    for (let n = rng.int(300, 800); n > 0; n--) {
      const r = rng.next();
      const page: Page =
        r < 0.45
          ? [rng.pick(PRODUCT_PATHS), 'product']
          : r < 0.8
            ? ['/zoeken', 'search', rng.pick(SEARCHES)]
            : [`${rng.pick(CATEGORIES)}/pagina-${rng.int(1, 40)}`, 'page'];
      this.#browse(rng, t.wait(80, 900), client, page, tag);
    }
  }

  /** A scanner asking for secrets and admin consoles; odd variants hide behind a browser's user agent. */
  #probing(rng: Rng, t: Clock, variant: number, tag: Tag): void {
    const ip = v4In(rng, rng.pick([...HOSTING.digitalocean, ...FAR.CN, ...FAR.RU]));
    const client: Client = { ip, userAgent: variant % 2 === 0 ? 'curl/8.5.0' : UA.chromeWin(118) };
    this.#browse(rng, t.at, client, ['/', 'page'], tag);
    for (const path of rng.shuffled(PROBE_PATHS).slice(0, rng.int(12, 22))) {
      this.#browse(rng, t.wait(150, 2500), client, [path, 'page'], tag);
    }
  }

  // ----- events --------------------------------------------------------------

  #emit(at: number, event: VigilEvent, tag: Tag): void {
    this.queue.push(at, { event, ...tag });
  }

  #login(rng: Rng, at: number, client: Client, login: LoginEvent['login'], tag: Tag): void {
    // The login service writes UTC and, behind its dual-stack proxy, now and then IPv4 as IPv4-mapped IPv6.
    const ip = client.ip.includes('.') && rng.chance(0.05) ? `::ffff:${client.ip}` : client.ip;
    const occurredAt = new Date(at).toISOString();
    this.#emit(at, makeEvent(rng, 'auth', 'login', occurredAt, at, { ...client, ip }, login), tag);
  }

  #loginSucceeded(
    rng: Rng,
    at: number,
    client: Client,
    username: string,
    tag: Tag,
    method: LoginMethod | null = 'password',
  ): void {
    this.#login(rng, at, client, { username, outcome: 'success', ...(method && { method }) }, tag);
  }

  /** A failed login; without `customerId` for `unknown_user`, as the contract has it. */
  #loginFailed(
    rng: Rng,
    at: number,
    client: Client,
    username: string,
    reason: FailureReason,
    tag: Tag,
  ): void {
    const { customerId, ...anonymous } = client;
    const sender = reason === 'unknown_user' ? anonymous : { ...anonymous, customerId };
    this.#login(
      rng,
      at,
      sender,
      { username, outcome: 'failure', failureReason: reason, method: 'password' },
      tag,
    );
  }

  #browse(rng: Rng, at: number, client: Client, [path, kind, searchQuery]: Page, tag: Tag): void {
    const browse: BrowseEvent['browse'] =
      searchQuery === undefined ? { path, kind } : { path, kind, searchQuery };
    this.#emit(at, makeEvent(rng, 'web', 'browse', localTime(at), at, client, browse), tag);
  }

  #order(
    rng: Rng,
    at: number,
    client: Client,
    tag: Tag,
    order: Omit<OrderEvent['order'], 'orderId' | 'currency'>,
  ) {
    const body = { orderId: `O-${rng.int(10_000_000, 99_999_999)}`, currency: 'EUR', ...order };
    this.#emit(at, makeEvent(rng, 'chk', 'order', localTime(at), at, client, body), tag);
  }
}

type Country = OrderEvent['order']['billingCountry'];

/** A slip of the finger in an e-mail address: two neighbouring letters swapped. */
function typo(rng: Rng, username: string): string {
  const at = username.indexOf('@');
  const i = rng.int(0, Math.max(0, at - 2));
  const swapped = username.slice(0, i) + username.charAt(i + 1) + username.charAt(i) + username.slice(i + 2);
  return swapped === username ? username.replace('@', 'x@') : swapped;
}

/** Running sums of `weights`, normalised to end at 1. */
function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  const running = weights.map((w) => (sum += w));
  return running.map((x) => x / sum);
}

/** The first index whose cumulative weight exceeds `x` in [0, 1). */
function pickCumulative(cum: readonly number[], x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
