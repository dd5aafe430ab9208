import type { ClientIp } from './ip.ts';
import { TwoGenerationCache } from './cache.ts';
import { geoTables } from './ip-data/load.ts';
import { NONE, ownerOf } from './ip-data/range-table.ts';

/** Where an address is, coarsely. */
export interface GeoFacts {
  /** ISO 3166-1 alpha-2 country code, e.g. `NL`. */
  country: string;
  /** Latitude, rounded to 2 decimals (about 1 km): city level is all IP geolocation can honestly give. */
  lat: number;
  /** Longitude, rounded to 2 decimals. */
  lon: number;
  /** Accuracy radius in km around lat/lon. */
  accuracyKm: number;
}

/**
 * Accuracy radius assumed when the data gives none (0 or missing): wide
 * enough that an impossible-travel check will not fire on a location that
 * may be no better than a country's centre.
 */
const DEFAULT_ACCURACY_KM = 1000;

/**
 * Country, coarse coordinates and accuracy of a public address, from
 * geoip-lite's city databases (GeoLite2 data, shipped in the npm package) as
 * the compact table `ip-data/build-geo.ts` derives from them, read on the
 * first call.
 *
 * @returns `undefined` for non-public addresses and for addresses the data
 * has no location for.
 *
 * @example
 * ```ts
 * locate(parseClientIp('145.53.12.7')!); // → { country: 'NL', lat: 52.21, lon: 6.96, accuracyKm: 100 }
 * ```
 */
export function locate(ip: ClientIp): GeoFacts | undefined {
  if (ip.range !== 'public') return undefined;
  const known = recent.get(ip.address);
  if (known !== undefined) return known ?? undefined;
  return recent.set(ip.address, lookup(ip) ?? null) ?? undefined;
}

/** Clients send many requests in a row: recent answers are kept (null: no location). */
const recent = new TwoGenerationCache<string, GeoFacts | null>(20_000);

function lookup(ip: ClientIp): GeoFacts | undefined {
  const table = geoTables();
  const at = ownerOf(ip, table.v4, table.v6);
  if (at === NONE) return undefined;
  const area = table.area.at(at)!;
  return {
    country: table.countries[table.country.at(at)!]!,
    lat: table.lat.at(at)! / 100,
    lon: table.lon.at(at)! / 100,
    accuracyKm: area > 0 ? area : DEFAULT_ACCURACY_KM,
  };
}

/**
 * Re-exported for the callers of this module; the rules import it from `distance.ts`, so that
 * functions that only need the rules (the alerts API) ship no geo data.
 */
export { distanceKm } from './distance.ts';
