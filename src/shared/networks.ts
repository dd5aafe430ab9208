import type { ClientIp } from './ip.ts';
import { type NetworkMeta, networkTables } from './ip-data/load.ts';
import { ownerOf } from './ip-data/range-table.ts';

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
 * Both data sets are checked, sorted and merged into range tables at build
 * time (`ip-data/build-networks.ts`) and read on first use: a lookup is one
 * binary search, O(log n), no allocation beyond the result.
 *
 * The two questions overlap on purpose: some Googlebot ranges and all of
 * Google's user-triggered fetchers lie in Google Cloud space and the Bingbot
 * ranges in Azure space, so a verified crawler often is in a hosting network
 * too. Ask verifiedCrawler() first.
 */

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
  const { hostingOwners, hosting4, hosting6 } = networkTables();
  const owner = hostingOwners[ownerOf(ip, hosting4, hosting6)];
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
  const { crawlerNames, crawlers4, crawlers6 } = networkTables();
  const name = crawlerNames[ownerOf(ip, crawlers4, crawlers6)];
  return name === undefined ? undefined : { kind: 'crawler', name };
}

/**
 * Where the range data came from and how much of it there is, for status output and decision records.
 *
 * @example
 * ```ts
 * networkDataInfo().hosting.asns; // → 60
 * ```
 */
export function networkDataInfo(): NetworkMeta['info'] {
  return networkTables().info;
}
