import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { table4, table6 } from './build-ranges.ts';
import type { Range } from './build-ranges.ts';
import type { ContainerArray } from '../shared/ip-data/container.ts';
import type { AsnMeta } from '../shared/ip-data/load.ts';

/*
 * The autonomous-system table of `asn.ts`, from the devDependency
 * `@ip-location-db/asn` (RouteViews, the five RIRs and DB-IP's IP to ASN Lite,
 * CC BY 4.0): `asn-ipv4-num.csv` and `asn-ipv6-num.csv`, one range per line as
 * `first,last,asn,"organisation"` with the addresses as decimal integers. The
 * owner column holds the AS number itself, so the table needs no list of owners;
 * organisation names are left out (tens of thousands of them, read at every
 * cold start for a label nothing decides on).
 */

/** The data set's files inside the package. */
const ASN_FILES = ['asn-ipv4-num.csv', 'asn-ipv6-num.csv'] as const;

/**
 * The ranges of one CSV, sorted, with any overlap cut off the later range: the data set merges
 * several registries and a few ranges overlap (at /64 granularity, more of the IPv6 ones do);
 * the first one listed keeps the addresses.
 */
function ranges<T extends number | bigint>(text: string, parse: (decimal: string) => T): Range<T>[] {
  const out: Range<T>[] = [];
  for (const line of text.split('\n')) {
    const [first, last, asn] = line.split(',', 3);
    if (!first || !last || !asn) continue;
    const n = Number(asn);
    if (!Number.isInteger(n) || n < 0 || n >= 0xffff_ffff)
      throw new Error(`asn data: bad AS number in a range`);
    out.push([parse(first), parse(last), n]);
  }
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept: Range<T>[] = [];
  for (const range of out) {
    const previous = kept.at(-1);
    if (previous && range[0] <= previous[1]) {
      if (range[1] <= previous[1]) continue;
      const end = previous[1];
      range[0] = (typeof end === 'bigint' ? end + 1n : (end as number) + 1) as T;
    }
    kept.push(range);
  }
  return kept;
}

/**
 * Builds the IPv4 and IPv6 AS tables from the package directory `dir`.
 *
 * @example
 * ```ts
 * const { meta, arrays } = buildAsnTables(dirname(require.resolve('@ip-location-db/asn/package.json')), 'v2.3');
 * ```
 */
export function buildAsnTables(
  dir: string,
  source: string,
): { meta: AsnMeta; arrays: Record<string, ContainerArray> } {
  const [v4File, v6File] = ASN_FILES.map((f) => readFileSync(join(dir, f), 'utf8'));
  const v4 = table4(ranges(v4File!, Number));
  // The table keeps IPv6 at /64 granularity: the upper 64 bits of each bound.
  const v6 = table6(ranges(v6File!, (d) => BigInt(d) >> 64n));
  return {
    meta: { source, ranges: { v4: v4.starts.length, v6: v6.startHi.length } },
    arrays: {
      'v4.starts': v4.starts,
      'v4.owners': v4.owners,
      'v6.startHi': v6.startHi,
      'v6.startLo': v6.startLo,
      'v6.owners': v6.owners,
    },
  };
}
