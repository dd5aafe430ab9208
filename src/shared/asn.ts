import type { ClientIp } from './ip.ts';
import { asnTables } from './ip-data/load.ts';
import { NONE, ownerOf } from './ip-data/range-table.ts';

/**
 * The autonomous system that announces a public `ip` (its AS number), from the table built out
 * of `@ip-location-db/asn` (`ip-data-builder/build-asn.ts`); `undefined` for an address no AS
 * announces and for every non-public one. One binary search over a paged table: the first call
 * opens the file (its header), lookups read the few pages they touch.
 *
 * @example
 * ```ts
 * autonomousSystem(parseClientIp('145.53.12.7')!); // → 1136 (KPN)
 * ```
 */
export function autonomousSystem(ip: ClientIp): number | undefined {
  const { v4, v6 } = asnTables();
  const asn = ownerOf(ip, v4, v6);
  return asn === NONE ? undefined : asn;
}
