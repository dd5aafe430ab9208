/**
 * Where the demo traffic comes from: IPv4 networks by /16, IPv6 by their first two groups. Each
 * was checked against geoip-lite and the hosting-network table: each places its addresses where
 * this file says they are.
 */
import { words } from './catalogue.ts';
import { type Rng, mix } from './random.ts';

export const HOME_V4 = {
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
export type HomeCountry = keyof typeof HOME_V4;
export const HOME_V6: Record<HomeCountry, string[]> = {
  NL: words('2a02:a440 2a02:a441 2a02:a442 2a02:a443 2a02:a444 2001:1c00 2001:1c01 2001:1c02'),
  BE: words('2a02:1810 2a02:a03f'),
  DE: words('2003:c0 2003:e0'),
};
/** Dutch mobile carriers: their phones share a few hundred addresses (CGNAT). */
export const NL_CARRIERS = [
  words('145.67 145.92'),
  words('77.62 77.63'),
  words('188.88 188.89 109.36 109.37'),
];
/** Hotel and holiday-home networks at the travellers' destinations. */
export const TRAVEL_V4 = {
  FR: words('90.60 86.200'),
  ES: words('83.40 83.50'),
  IT: words('79.20 79.40'),
  GB: words('81.100 86.150'),
  PT: words('85.240'),
  AT: words('62.46'),
};
export const HOSTING = {
  ovh: words('51.68 51.75 51.77 137.74'),
  scaleway: words('51.15 51.158 163.172 62.210'),
  hetzner: words('88.198 78.46 5.9 136.243 176.9 178.63'),
  digitalocean: words('167.99 134.209'),
  aws: words('34.244'),
};
/** Residential and mobile networks far from the shop's customers. */
export const FAR = {
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
export const PROXIES = [
  ...Object.values(FAR).flat(),
  ...Object.values(TRAVEL_V4).flat(),
  ...HOSTING.ovh,
  ...HOSTING.digitalocean,
  ...HOSTING.aws,
];

export function v4In(rng: Rng, prefix: string): string {
  return `${prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A customer's /64 under a two-group prefix. */
export function v6Net(rng: Rng, prefix: string): string {
  return `${prefix}:${rng.int(0, 0xffff).toString(16)}:${(rng.int(0, 0xfff) << 4).toString(16)}`;
}

/** A privacy address in a /64: a new interface identifier every day (RFC 8981). */
export function v6Privacy(net: string, customer: number, day: number): string {
  const groups = [1, 2, 3, 4].map((i) => (mix(customer, day, i) & 0xffff).toString(16));
  return `${net}:${groups.join(':')}`;
}
