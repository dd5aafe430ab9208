import geoip from 'geoip-lite';
import { ipv4ToUint32 } from './ip.ts';
import type { ClientIp } from './ip.ts';
import { TwoGenerationCache } from './cache.ts';

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
 * Accuracy radius assumed when geoip-lite gives none (0 or missing): wide
 * enough that an impossible-travel check will not fire on a location that
 * may be no better than a country's centre.
 */
const DEFAULT_ACCURACY_KM = 1000;

/**
 * Country, coarse coordinates and accuracy of a public address, from the
 * geoip-lite database (GeoLite2-derived, bundled with the package and loaded
 * synchronously when this module is first imported).
 *
 * @returns `undefined` for non-public addresses and for addresses geoip-lite
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
  // A number skips geoip-lite's own isIP check and text-to-number conversion for IPv4.
  const found = geoip.lookup(ip.version === 4 ? (ipv4ToUint32(ip.address) ?? ip.address) : ip.address);
  // Records without a location id come back with an empty country and null coordinates.
  if (found === null || !found.country) return undefined;
  const [lat, lon] = found.ll as [number | null, number | null];
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    return undefined;
  }
  const area = found.area as number | undefined;
  return {
    country: found.country,
    lat: round2(lat),
    lon: round2(lon),
    accuracyKm: typeof area === 'number' && area > 0 ? area : DEFAULT_ACCURACY_KM,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Re-exported for the callers of this module; the rules import it from `distance.ts`, which does not
 * load geoip-lite's 140 MB at import, so that functions that only need the rules (the alerts API)
 * ship and load no geo data.
 */
export { distanceKm } from './distance.ts';
