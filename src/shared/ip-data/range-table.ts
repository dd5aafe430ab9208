import { ipv4ToUint32, ipv6Prefix64 } from '../ip.ts';
import type { ClientIp } from '../ip.ts';
import type { Column } from './container.ts';

/*
 * Address ranges as sorted starts, each owning the addresses up to the next
 * start: a gap between two ranges is a start owned by NONE. A lookup is one
 * binary search, O(log n), with no allocation. IPv6 is kept at /64
 * granularity (the high and low 32-bit halves of the first 64 bits): nothing
 * finer identifies a client network, and every range of the data sets used
 * here starts and ends on a /64. The columns are typed arrays where the
 * tables are built, and columns read page by page from a file where they are
 * looked up (`container.ts`).
 */

/** The owner of the addresses in no range. */
export const NONE = 0xffff_ffff;

/** IPv4 ranges: `owners[i]` owns `starts[i]` up to `starts[i + 1] - 1`. */
export interface RangeTable4<C extends Column = Column> {
  readonly starts: C;
  readonly owners: C;
}

/** IPv6 ranges at /64 granularity: `owners[i]` owns `startHi[i]:startLo[i]` up to the next start. */
export interface RangeTable6<C extends Column = Column> {
  readonly startHi: C;
  readonly startLo: C;
  readonly owners: C;
}

/**
 * The last index below `length` for which `atOrBefore` holds, or -1: a binary search over a
 * sorted column, `atOrBefore(i)` being "start i is at or before the address".
 */
function lastAtOrBefore(length: number, atOrBefore: (i: number) => boolean): number {
  let lo = 0;
  let hi = length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrBefore(mid)) {
      at = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return at;
}

/**
 * The owner of the range holding the IPv4 address `n`, or {@link NONE}.
 *
 * @example
 * ```ts
 * owner4({ starts: Uint32Array.of(0, 256), owners: Uint32Array.of(NONE, 7) }, 300); // → 7
 * ```
 */
export function owner4(table: RangeTable4, n: number): number {
  const { starts } = table;
  const at = lastAtOrBefore(starts.length, (i) => starts.at(i)! <= n);
  return at < 0 ? NONE : table.owners.at(at)!;
}

/**
 * The owner of the range holding the /64 `hi:lo`, or {@link NONE}.
 *
 * @example
 * ```ts
 * owner6(table, 0x2a02a448, 0x50bf0000);
 * ```
 */
export function owner6(table: RangeTable6, hi: number, lo: number): number {
  const { startHi, startLo } = table;
  const at = lastAtOrBefore(startHi.length, (i) => {
    const h = startHi.at(i)!;
    return h < hi || (h === hi && startLo.at(i)! <= lo);
  });
  return at < 0 ? NONE : table.owners.at(at)!;
}

/**
 * The owner of the range holding a public `ip` in one of the two tables;
 * {@link NONE} for an address in no range and for every non-public address.
 *
 * @example
 * ```ts
 * ownerOf(parseClientIp('145.53.12.7')!, geo.v4, geo.v6);
 * ```
 */
export function ownerOf(ip: ClientIp, v4: RangeTable4, v6: RangeTable6): number {
  if (ip.range !== 'public') return NONE;
  if (ip.version === 4) {
    const n = ipv4ToUint32(ip.address);
    return n === undefined ? NONE : owner4(v4, n);
  }
  const prefix = ipv6Prefix64(ip.address);
  return prefix === undefined ? NONE : owner6(v6, prefix[0], prefix[1]);
}
