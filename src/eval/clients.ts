import type { Random } from './random.ts';

/*
 * The clients of the generated world: browsers as real ones write their user agents (Chrome
 * and Edge freeze the OS and minor version: https://www.chromium.org/updates/ua-reduction/),
 * the shop's own apps, declared crawlers, and the shop's pages.
 */

const chrome = (v: number, os: string) =>
  `Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
const WINDOWS = 'Windows NT 10.0; Win64; x64';
const MAC = 'Macintosh; Intel Mac OS X 10_15_7';

/** A desktop or phone browser of the current generation, as a customer would have one. */
export function browserUserAgent(rng: Random): string {
  const v = rng.int(129, 133);
  return rng.weighted<() => string>([
    [() => chrome(v, WINDOWS), 30],
    [() => `${chrome(v, WINDOWS)} Edg/${v}.0.0.0`, 10],
    [() => chrome(v, MAC), 8],
    [
      () =>
        `Mozilla/5.0 (${MAC}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.${rng.int(0, 2)} Safari/605.1.15`,
      8,
    ],
    [() => `Mozilla/5.0 (${WINDOWS}; rv:${v + 3}.0) Gecko/20100101 Firefox/${v + 3}.0`, 8],
    [() => chrome(v, 'Linux; Android 10; K').replace('Safari', 'Mobile Safari'), 20],
    [() => iphoneSafari(rng), 16],
  ])();
}

/** A company laptop's browser: Chrome or Edge on Windows. */
export function desktopUserAgent(rng: Random): string {
  const v = rng.int(129, 133);
  return rng.chance(0.6) ? chrome(v, WINDOWS) : `${chrome(v, WINDOWS)} Edg/${v}.0.0.0`;
}

/** Safari on an iPhone (also what iCloud Private Relay users have). */
export function iphoneSafari(rng: Random): string {
  const minor = rng.int(0, 2);
  return `Mozilla/5.0 (iPhone; CPU iPhone OS 18_${minor} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.${minor} Mobile/15E148 Safari/604.1`;
}

/** The shop's own Android app: OkHttp's default user agent. */
export function androidAppUserAgent(rng: Random): string {
  return `okhttp/4.${rng.pick([9, 11, 12])}.${rng.int(0, 3)}`;
}

/** The shop's own iOS app: its bundle name and CFNetwork. */
export function iosAppUserAgent(rng: Random): string {
  return `Winkelhuis/${rng.int(5, 6)}.${rng.int(0, 9)}.${rng.int(0, 4)} CFNetwork/1568.${rng.int(100, 300)}.1 Darwin/24.${rng.int(0, 2)}.0`;
}

export const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
export const BINGBOT_UA = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';
/** A price-comparison site's crawler, declared by name, from its own hosting range. */
export const PRICE_CRAWLER_UA = 'Mozilla/5.0 (compatible; PrijsradarBot/2.4; +https://www.prijsradar.nl/bot)';
/** An SEO tool's crawler, declared by name and contact, that the shop has put on no list. */
export const SEO_CRAWLER_UA =
  'Mozilla/5.0 (compatible; LinkspeurderBot/3.1; +https://linkspeurder.example/bot)';

const CATEGORIES = [
  'laptops',
  'telefoons',
  'tv',
  'audio',
  'huishouden',
  'speelgoed',
  'tuin',
  'sport',
  'beauty',
  'gaming',
];
/** What resells quickly: what an account takeover buys. */
const GIFT_CARDS = [
  '/p/cadeaukaart-100/8100100',
  '/p/cadeaukaart-250/8100250',
  '/p/app-store-kaart-150/8100415',
];
const RESALE = [
  '/p/iphone-16-pro-256gb/7301662',
  '/p/playstation-5-pro/7304120',
  '/p/airpods-pro-2/7302231',
  '/p/dyson-v15/7305518',
];

/** A product page among the catalogue's few thousand. */
export function productPath(rng: Random): string {
  return `/p/${rng.pick(CATEGORIES)}-artikel-${rng.int(1, 4000)}/${7_000_000 + rng.int(0, 999_999)}`;
}

/** One page of an ordinary visit, with its kind. */
export function visitPage(rng: Random): { path: string; kind: 'page' | 'search' | 'product' | 'cart' } {
  return rng.weighted<() => { path: string; kind: 'page' | 'search' | 'product' | 'cart' }>([
    [() => ({ path: '/', kind: 'page' }), 10],
    [() => ({ path: `/c/${rng.pick(CATEGORIES)}`, kind: 'page' }), 20],
    [() => ({ path: '/zoeken', kind: 'search' }), 12],
    [() => ({ path: productPath(rng), kind: 'product' }), 50],
    [() => ({ path: '/winkelwagen', kind: 'cart' }), 8],
  ])();
}

/** A high-resale product page. */
export const resalePath = (rng: Random): string => rng.pick(RESALE);
/** A gift card's page. */
export const giftCardPath = (rng: Random): string => rng.pick(GIFT_CARDS);

export const LOGIN_PATH = '/inloggen';
export const CHECKOUT_PATH = '/afrekenen';
export const ACCOUNT_ADDRESS_PATH = '/account/adressen';
export const NEW_ADDRESS_PATH = '/account/adressen/nieuw';

/** A page of the customer's own account: orders, details, wish list, now and then the address book. */
export function accountPage(rng: Random): string {
  return rng.weighted([
    ['/account', 30],
    ['/account/bestellingen', 35],
    ['/account/verlanglijst', 15],
    ['/account/gegevens', 10],
    [ACCOUNT_ADDRESS_PATH, 10],
  ]);
}
