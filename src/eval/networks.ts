import type { Random } from './random.ts';

/**
 * Address pools for the generated world, by the kind of network a client sits on. Each pool
 * lists real prefixes of its operators (RIPE NCC allocations), so that the detector's own IP data
 * places them as it would place real traffic: consumer ISPs and 4G carriers in the Netherlands
 * and Belgium, foreign consumer ISPs, security proxies, VPN and hosting providers, crawlers.
 * `country` is where the pool's addresses geolocate (checked by test/eval/networks.test.ts),
 * absent where they spread over several.
 */
export interface Pool {
  name: string;
  country?: string;
  v4: readonly string[];
  v6?: readonly string[];
}

export const POOLS = {
  kpn: { name: 'KPN', country: 'NL', v4: ['77.160.0.0/12', '145.53.0.0/16'], v6: ['2a02:a440::/26'] },
  ziggo: {
    name: 'Ziggo',
    country: 'NL',
    v4: ['84.24.0.0/13', '62.194.0.0/15', '86.80.0.0/12'],
    v6: ['2001:1c00::/23'],
  },
  odidoHome: { name: 'Odido thuis', country: 'NL', v4: ['84.104.0.0/14', '217.123.0.0/16'] },
  proximus: {
    name: 'Proximus',
    country: 'BE',
    v4: ['81.240.0.0/14', '91.176.0.0/13', '109.128.0.0/14'],
    v6: ['2a02:a03f::/32'],
  },
  telenet: { name: 'Telenet', country: 'BE', v4: ['84.192.0.0/13'], v6: ['2a02:1810::/28'] },
  mobileNl: { name: 'NL 4G', country: 'NL', v4: ['62.140.128.0/18', '31.160.0.0/15', '178.224.0.0/16'] },
  mobileBe: { name: 'BE 4G', country: 'BE', v4: ['178.144.0.0/16'] },
  business: { name: 'KPN Zakelijk', country: 'NL', v4: ['213.127.0.0/16'] },
  zscaler: { name: 'Zscaler', country: 'NL', v4: ['165.225.240.0/23', '147.161.172.0/23'] },
  privateRelay: {
    name: 'iCloud Private Relay',
    v4: ['104.28.40.0/24', '172.224.226.0/24'],
    v6: ['2a09:bac1::/32'],
  },
  vpn: {
    name: 'commercial VPN',
    v4: ['212.102.35.0/24', '185.107.56.0/24', '146.70.150.0/24', '185.206.224.0/24', '37.120.204.0/24'],
  },
  comcastUs: { name: 'Comcast', country: 'US', v4: ['73.0.0.0/8'] },
  nttJp: { name: 'NTT', country: 'JP', v4: ['60.32.0.0/13'] },
  hetzner: { name: 'Hetzner', country: 'DE', v4: ['138.201.0.0/16'], v6: ['2a01:4f8::/32'] },
  ovh: { name: 'OVH', v4: ['94.23.0.0/16'] },
  googlebot: { name: 'Googlebot', v4: ['66.249.66.0/27'] },
  bingbot: { name: 'bingbot', v4: ['157.55.39.0/24'] },
} as const satisfies Record<string, Pool>;

/** Consumer broadband, weighted by market share in this shop's two countries. */
export const HOME_NL: readonly Pool[] = [POOLS.kpn, POOLS.ziggo, POOLS.odidoHome];
export const HOME_BE: readonly Pool[] = [POOLS.proximus, POOLS.telenet];
/** What residential-proxy networks resell: consumer broadband and 4G in the target country. */
export const RESIDENTIAL: readonly Pool[] = [
  POOLS.kpn,
  POOLS.ziggo,
  POOLS.odidoHome,
  POOLS.proximus,
  POOLS.telenet,
  POOLS.mobileNl,
  POOLS.mobileBe,
];

/** A random IPv4 address in one of the pool's prefixes. */
export function ipv4In(rng: Random, pool: Pool): string {
  const [base, bits] = splitCidr(rng.pick(pool.v4));
  const parts = base.split('.').map(Number);
  const baseInt = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const span = 2 ** (32 - bits);
  // Avoid the network and broadcast addresses of a /24: a client never has them.
  const offset = 1 + Math.floor(rng.next() * (span - 2));
  const n = (baseInt + offset) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A random /64 household prefix in the pool (its first four groups), or undefined if it has no IPv6. */
export function ipv6PrefixIn(rng: Random, pool: Pool): string | undefined {
  if (!pool.v6) return undefined;
  const [base, bits] = splitCidr(rng.pick(pool.v6));
  const groups = expandV6(base).slice(0, 4);
  let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  const free = 64 - bits;
  value |= BigInt(Math.floor(rng.next() * 2 ** Math.min(free, 40))) & ((1n << BigInt(free)) - 1n);
  const out: string[] = [];
  for (let i = 3; i >= 0; i--) out.push(((value >> BigInt(16 * i)) & 0xffffn).toString(16));
  return out.join(':');
}

/** An address in a household /64: a fresh temporary address (RFC 8981), as phones and laptops use. */
export function ipv6In(rng: Random, prefix: string): string {
  return `${prefix}:${rng.hex(4)}:${rng.hex(4)}:${rng.hex(4)}:${rng.hex(4)}`.replace(/:0{1,3}/g, ':');
}

function splitCidr(cidr: string): [string, number] {
  const [base, bits] = cidr.split('/');
  return [base!, Number(bits)];
}

function expandV6(address: string): number[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const h = head ? head.split(':').map((g) => parseInt(g, 16)) : [];
  const t = tail ? tail.split(':').map((g) => parseInt(g, 16)) : [];
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}
