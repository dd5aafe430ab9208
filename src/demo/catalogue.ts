/**
 * The demo shop's catalogue and pages: products with their prices, searches, account and
 * checkout pages, and the paths a vulnerability scanner asks for.
 */
import type { BrowseKind } from '../shared/contract/events.ts';
import { type Rng, cumulative, pickCumulative } from './random.ts';

/** The words of a text, split on white space: keeps long lists of names short. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

export const PRODUCTS: readonly (readonly [slug: string, category: string, priceMinor: number])[] = [
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
export const PRODUCT_PATHS = PRODUCTS.map(([slug], i) => `/p/${slug}/${9_200_000_000 + i * 1_234_567}`);
/** Shoppers look at and buy cheap things far more often than dear ones. */
export const PRODUCT_WEIGHTS = cumulative(PRODUCTS.map(([, , price]) => price ** -0.8));
export const EXPENSIVE = PRODUCTS.flatMap(([, , price], i) =>
  price >= 40_000 && price < 200_000 ? [i] : [],
);
export const GIFT_CARD = PRODUCT_PATHS[PRODUCTS.findIndex(([slug]) => slug === 'cadeaukaart-25')]!;
export const CATEGORIES = [...new Set(PRODUCTS.map(([, category]) => category))];
export const SEARCHES = words(`
  airfryer kerstverlichting lego iphone-17 koptelefoon ps5 dekbed barbecue elektrische-fiets philips-hue
  powerbank parfum-heren kinderwagen puzzel koffiemachine yogamat laptop cadeaukaart usb-c-kabel
  nintendo-switch sinterklaas-cadeau elektrische-tandenborstel kerstcadeau-voor-haar speelgoed-4-jaar
  herman-koch bluetooth-speaker
`).map((query) => query.replaceAll('-', ' '));
export const ACCOUNT_PAGES = words('/account /account/bestellingen /account/gegevens /account/verlanglijst');
const OTHER_PAGES = words('/ /acties /black-friday /klantenservice /klantenservice/retourneren /cadeaus');
export const CHECKOUT: readonly (readonly [string, BrowseKind])[] = [
  ['/winkelwagen', 'cart'],
  ['/afrekenen', 'checkout'],
  ['/afrekenen/bezorging', 'checkout'],
  ['/afrekenen/betalen', 'checkout'],
];
export const PROBE_PATHS = words(`
  /.env /.env.bak /.git/HEAD /.git/config /wp-login.php /wp-admin/ /xmlrpc.php /phpmyadmin/index.php
  /config.php.bak /.aws/credentials /backup.zip /db.sql /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php
  /.DS_Store /actuator/env /server-status /admin/ /cgi-bin/luci /wp-content/plugins/ /.vscode/sftp.json
  /info.php /.htpasswd
`);

export type Page = readonly [path: string, kind: BrowseKind, searchQuery?: string];

/** The next page a shopper looks at. */
export function shopperPage(rng: Rng, loggedIn: boolean): Page {
  const r = rng.next();
  if (r < 0.3)
    return [`${rng.pick(CATEGORIES)}${rng.chance(0.25) ? `/pagina-${rng.int(2, 6)}` : ''}`, 'page'];
  if (r < 0.65) return [PRODUCT_PATHS[pickCumulative(PRODUCT_WEIGHTS, rng.next())]!, 'product'];
  if (r < 0.85) return ['/zoeken', 'search', rng.pick(SEARCHES)];
  if (r < 0.92 && loggedIn) return [rng.pick(ACCOUNT_PAGES), 'page'];
  return [rng.pick(OTHER_PAGES), 'page'];
}
