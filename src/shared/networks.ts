import crawlerData from './data/crawler-networks.json' with { type: 'json' };
import hostingData from './data/hosting-networks.json' with { type: 'json' };
import { ipv4ToUint32, ipv6Prefix64 } from './ip.ts';
import type { ClientIp } from './ip.ts';

/** Who operates the network an address is in. */
export interface NetworkOwner {
  kind: 'hosting' | 'crawler';
  /**
   * Provider (`OVH`, `AWS`, …) or crawler: the published list that holds the
   * address (`googlebot`, `google-special-crawler`, `google-user-triggered-fetcher`,
   * `bingbot`), or {@link GOOGLE_NETWORK} for the rest of Google's own network.
   */
  name: string;
  /** The autonomous system the range is announced from (hosting only). */
  asn?: number;
}

/*
 * Both data sets are turned into sorted, non-overlapping range tables once, at
 * module load: IPv4 bounds in Uint32Arrays, IPv6 bounds as the high and low
 * 32-bit halves of their first 64 bits (nothing finer than a /64 identifies a
 * client network). A lookup is one binary search: O(log n), no allocation
 * beyond the result.
 *
 * The two questions overlap on purpose: some Googlebot ranges and all of
 * Google's user-triggered fetchers lie in Google Cloud space and the Bingbot
 * ranges in Azure space, so a verified crawler often is in a hosting network
 * too. Ask verifiedCrawler() first.
 */

/** Sorted, non-overlapping IPv4 ranges, each pointing at an owner. */
interface Table4 {
  starts: Uint32Array;
  ends: Uint32Array;
  owners: Uint16Array;
}

/** Sorted, non-overlapping IPv6 ranges at /64 granularity, each pointing at an owner. */
interface Table6 {
  startHi: Uint32Array;
  startLo: Uint32Array;
  endHi: Uint32Array;
  endLo: Uint32Array;
  owners: Uint16Array;
}

/** A range before it goes into a table: bounds as numbers (IPv4) or 64-bit bigint prefixes (IPv6). */
type Range<T extends number | bigint> = [start: T, end: T, owner: number];

function fail(what: string): never {
  throw new Error(`src/shared/data: ${what}`);
}

/**
 * Sorts by start and merges overlapping or touching ranges of one owner;
 * overlapping ranges of different owners are a data error.
 */
function normalise<T extends number | bigint>(
  ranges: Range<T>[],
  touches: (end: T, start: T) => boolean,
): Range<T>[] {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range<T>[] = [];
  for (const range of ranges) {
    if (range[0] > range[1]) fail(`range ends before it starts: ${String(range[0])}-${String(range[1])}`);
    const last = out[out.length - 1];
    if (last !== undefined && touches(last[1], range[0])) {
      if (last[2] === range[2]) {
        if (range[1] > last[1]) last[1] = range[1];
        continue;
      }
      if (range[0] <= last[1]) fail(`overlapping ranges of different owners at ${String(range[0])}`);
    }
    out.push([range[0], range[1], range[2]]);
  }
  return out;
}

function table4(ranges: Range<number>[]): Table4 {
  const sorted = normalise(ranges, (end, start) => start <= end + 1);
  const table: Table4 = {
    starts: new Uint32Array(sorted.length),
    ends: new Uint32Array(sorted.length),
    owners: new Uint16Array(sorted.length),
  };
  sorted.forEach(([start, end, owner], i) => {
    table.starts[i] = start;
    table.ends[i] = end;
    table.owners[i] = owner;
  });
  return table;
}

function table6(ranges: Range<bigint>[]): Table6 {
  const sorted = normalise(ranges, (end, start) => start <= end + 1n);
  const n = sorted.length;
  const table: Table6 = {
    startHi: new Uint32Array(n),
    startLo: new Uint32Array(n),
    endHi: new Uint32Array(n),
    endLo: new Uint32Array(n),
    owners: new Uint16Array(n),
  };
  sorted.forEach(([start, end, owner], i) => {
    table.startHi[i] = Number(start >> 32n);
    table.startLo[i] = Number(start & 0xffffffffn);
    table.endHi[i] = Number(end >> 32n);
    table.endLo[i] = Number(end & 0xffffffffn);
    table.owners[i] = owner;
  });
  return table;
}

/** Index of the range holding `n`, or -1. */
function find4(table: Table4, n: number): number {
  const { starts } = table;
  // Last range whose start is <= n.
  let lo = 0;
  let hi = starts.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= n) {
      at = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return at >= 0 && table.ends[at]! >= n ? at : -1;
}

/** Index of the range holding the /64 `hi:lo`, or -1. */
function find6(table: Table6, hi: number, lo: number): number {
  const { startHi, startLo } = table;
  let low = 0;
  let high = startHi.length - 1;
  let at = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const sh = startHi[mid]!;
    if (sh < hi || (sh === hi && startLo[mid]! <= lo)) {
      at = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (at < 0) return -1;
  const eh = table.endHi[at]!;
  return eh > hi || (eh === hi && table.endLo[at]! >= lo) ? at : -1;
}

/** Owner index of the range holding `ip` in one of the two tables, or -1. */
function lookup(ip: ClientIp, v4: Table4, v6: Table6): number {
  if (ip.range !== 'public') return -1;
  if (ip.version === 4) {
    const n = ipv4ToUint32(ip.address);
    if (n === undefined) return -1;
    const at = find4(v4, n);
    return at < 0 ? -1 : v4.owners[at]!;
  }
  const prefix = ipv6Prefix64(ip.address);
  if (prefix === undefined) return -1;
  const at = find6(v6, prefix[0], prefix[1]);
  return at < 0 ? -1 : v6.owners[at]!;
}

// ---------------------------------------------------------------------------
// Hosting: generated by scripts/build-hosting-networks.mjs

const HEX64 = /^[0-9a-f]{16}$/;

const hostingOwners: { name: string; asn: number }[] = [];
const hostingIndex = new Map<number, number>();
for (const [asn, name] of Object.entries(hostingData.asns as Record<string, string>)) {
  hostingIndex.set(Number(asn), hostingOwners.length);
  hostingOwners.push({ name, asn: Number(asn) });
}

function hostingOwner(asn: unknown): number {
  const owner = typeof asn === 'number' ? hostingIndex.get(asn) : undefined;
  return owner ?? fail(`hosting range of unlisted AS ${String(asn)}`);
}

const hosting4 = table4(
  (hostingData.v4 as unknown[][]).map(([start, end, asn]): Range<number> => {
    if (typeof start !== 'number' || typeof end !== 'number' || !(start >= 0 && end <= 0xffffffff)) {
      fail(`bad hosting IPv4 range ${String(start)}-${String(end)}`);
    }
    return [start, end, hostingOwner(asn)];
  }),
);

const hosting6 = table6(
  (hostingData.v6 as unknown[][]).map(([start, end, asn]): Range<bigint> => {
    if (typeof start !== 'string' || typeof end !== 'string' || !HEX64.test(start) || !HEX64.test(end)) {
      fail(`bad hosting IPv6 range ${String(start)}-${String(end)}`);
    }
    return [BigInt('0x' + start), BigInt('0x' + end), hostingOwner(asn)];
  }),
);

/**
 * The hosting, cloud or VPS provider whose network holds `ip`, from the ASN
 * ranges in `data/hosting-networks.json`; `undefined` for any other address,
 * including every non-public one.
 *
 * @example
 * ```ts
 * hostingNetwork(parseClientIp('94.23.107.166')!); // → { kind: 'hosting', name: 'OVH', asn: 16276 }
 * ```
 */
export function hostingNetwork(ip: ClientIp): NetworkOwner | undefined {
  const owner = hostingOwners[lookup(ip, hosting4, hosting6)];
  return owner && { kind: 'hosting', name: owner.name, asn: owner.asn };
}

// ---------------------------------------------------------------------------
// Crawlers: data/crawler-networks.json, maintained by scripts/build-crawler-networks.mjs
//
// Google's "Verifying Googlebot and other Google crawlers" accepts a request as
// Google's when EITHER its address is in one of the published lists (common
// crawlers googlebot.json, special-crawlers.json, user-triggered-fetchers.json)
// OR its forward-confirmed reverse DNS ends in googlebot.com, google.com or
// googleusercontent.com. The first half is the published entries below. The
// second cannot be done here (rules are pure and offline, no DNS), and
// googleusercontent.com is Google Cloud customers (anyone) anyway, so only
// googlebot.com and google.com count. Their stand-in is `google-network`: the
// ranges announced by Google's own network AS15169 (Google LLC, not AS396982
// Google Cloud), whose reverse DNS is mostly google.com, minus the published lists (which
// win: they name the crawler) and minus Google Cloud's documented customer
// ranges, some of which AS15169 still announces. The script does that
// subtraction, so no two owners overlap here.

/**
 * Owner name of the Google-network entry: an address Google itself operates
 * that is in none of the published crawler lists: Gmail image proxy, Translate,
 * the google-proxy fetchers of user-triggered-fetchers-google.json (a list not
 * recorded here), crawlers the lists miss, but also Google's public DNS.
 * Far broader than a crawler list: it verifies a request only together with a
 * user agent that claims to be a Google crawler, and that decision is the
 * caller's.
 */
export const GOOGLE_NETWORK = 'google-network';

const crawlerNames: string[] = [];
const crawler4: Range<number>[] = [];
const crawler6: Range<bigint>[] = [];
let crawlerPrefixes = 0;

for (const crawler of crawlerData.crawlers) {
  const owner = crawlerNames.push(crawler.name) - 1;
  for (const cidr of crawler.ipv4) {
    const [base = '', bits] = cidr.split('/');
    const start = ipv4ToUint32(base);
    const length = Number(bits);
    if (start === undefined || !Number.isInteger(length) || length < 8 || length > 32)
      fail(`bad CIDR ${cidr}`);
    const size = 2 ** (32 - length);
    if (start % size !== 0) fail(`host bits set in ${cidr}`);
    crawler4.push([start, start + size - 1, owner]);
    crawlerPrefixes++;
  }
  for (const cidr of crawler.ipv6) {
    const [base = '', bits] = cidr.split('/');
    const prefix = ipv6Prefix64(base);
    const length = Number(bits);
    if (prefix === undefined || !Number.isInteger(length) || length < 16 || length > 128)
      fail(`bad CIDR ${cidr}`);
    // Prefixes longer than /64 widen to their /64: lookups only resolve /64s.
    const hostBits = BigInt(Math.max(0, 64 - length));
    const start = (BigInt(prefix[0]) << 32n) | BigInt(prefix[1]);
    if ((start >> hostBits) << hostBits !== start) fail(`host bits set in ${cidr}`);
    crawler6.push([start, start | ((1n << hostBits) - 1n), owner]);
    crawlerPrefixes++;
  }
}

if (!crawlerNames.includes(GOOGLE_NETWORK)) fail(`crawler-networks.json has no ${GOOGLE_NETWORK} entry`);

const crawlers4 = table4(crawler4);
const crawlers6 = table6(crawler6);

/**
 * The crawler network that holds `ip`, from `data/crawler-networks.json`:
 * the published list that contains it (`googlebot`, `google-special-crawler`,
 * `google-user-triggered-fetcher`, `bingbot`), else {@link GOOGLE_NETWORK} for
 * the rest of Google's own network; `undefined` for any other address,
 * including Google Cloud customer space and every non-public address. Unlike a
 * user agent, this cannot be faked from outside those networks. Which owners
 * count for which claimed user agent is the caller's decision; accept
 * `google-network` only for a request claiming to be a Google crawler.
 *
 * @example
 * ```ts
 * verifiedCrawler(parseClientIp('66.249.66.1')!); // → { kind: 'crawler', name: 'googlebot' }
 * verifiedCrawler(parseClientIp('66.249.87.1')!); // → { kind: 'crawler', name: 'google-special-crawler' }
 * verifiedCrawler(parseClientIp('66.249.84.204')!); // → { kind: 'crawler', name: 'google-network' }
 * verifiedCrawler(parseClientIp('34.91.206.97')!); // → undefined (Google Cloud customer)
 * ```
 */
export function verifiedCrawler(ip: ClientIp): NetworkOwner | undefined {
  const name = crawlerNames[lookup(ip, crawlers4, crawlers6)];
  return name === undefined ? undefined : { kind: 'crawler', name };
}

/** Where the range data came from and how much of it there is, for status output and decision records. */
export const NETWORK_DATA_INFO: {
  hosting: { source: string; generatedAt: string; asns: number; ranges: number };
  crawlers: { source: string; recordedAt: string; ranges: number };
} = {
  hosting: {
    source: hostingData.source,
    generatedAt: hostingData.generatedAt,
    asns: hostingOwners.length,
    ranges: hostingData.v4.length + hostingData.v6.length,
  },
  crawlers: {
    source: crawlerData.crawlers.map((c) => `${c.name}: ${c.source}`).join('; '),
    recordedAt: crawlerData.recordedAt,
    ranges: crawlerPrefixes,
  },
};
