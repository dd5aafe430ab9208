import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { innermostWins, table4, table6 } from './build-ranges.ts';
import type { Range } from './build-ranges.ts';
import type { ContainerArray } from '../shared/ip-data/container.ts';
import { NONE } from '../shared/ip-data/range-table.ts';

/*
 * The geolocation table, derived from geoip-lite's city databases (GeoLite2
 * data, shipped in the npm package) and holding only what `locate()` answers:
 * country, coordinates rounded to 2 decimals, accuracy radius. Neighbouring
 * ranges that answer the same merge, and each distinct answer is stored
 * once: 31 MB instead of 146 MB, read without parsing, a page at a time
 * where lookups look (`container.ts`).
 *
 * geoip-lite 1.4's record layouts (lib/geoip.js): `geoip-city.dat` holds
 * 24-byte IPv4 records (start, end, location id, latitude and longitude
 * x 10^4, accuracy radius in km; big-endian), `geoip-city6.dat` 48-byte IPv6
 * records (start and end as 16 bytes each, then the same four fields), and
 * `geoip-city-names.dat` 88-byte locations whose first 2 bytes are the
 * country code. A location id of 0xFFFFFFFF means "no location".
 * test/ip-data-builder/build-geo.test.ts checks the result against geoip-lite's
 * own lookup.
 */

const V4_RECORD = 24;
const V6_RECORD = 48;
const LOCATION_RECORD = 88;
const NO_LOCATION = 0xffff_ffff;

/** The geolocation table's arrays and meta, ready for `writeContainer`. */
export interface GeoTableData {
  meta: { source: string; countries: string[] };
  arrays: Record<string, ContainerArray>;
}

/**
 * Builds the geolocation table from geoip-lite's data directory.
 *
 * @example
 * ```ts
 * const { meta, arrays } = buildGeoTable('node_modules/geoip-lite/data', 'geoip-lite 1.4.10');
 * ```
 */
export function buildGeoTable(dataDir: string, source: string): GeoTableData {
  const names = readFileSync(join(dataDir, 'geoip-city-names.dat'));
  const countries: string[] = [];
  const countryIndex = new Map<string, number>();
  /** Per location id, the index of its country code in `countries` (NONE: no code). */
  const countryOf = new Uint32Array(names.length / LOCATION_RECORD).fill(NONE);
  for (let location = 0; location < countryOf.length; location++) {
    // geoip-lite reads the code as UTF-8 and cuts it at the first NUL.
    const at = location * LOCATION_RECORD;
    const code = names.toString('utf8', at, at + 2).split('\u0000')[0]!;
    if (code === '') continue;
    if (!countryIndex.has(code)) countryIndex.set(code, countries.push(code) - 1);
    countryOf[location] = countryIndex.get(code)!;
  }
  const answers = new Map<number, number>();
  const answer = { country: [] as number[], lat: [] as number[], lon: [] as number[], area: [] as number[] };

  /** The index of the answer a record gives, or NONE for one without a location. */
  function answerOf(record: Buffer, at: number): number {
    const location = record.readUInt32BE(at);
    if (location === NO_LOCATION) return NONE;
    const country = countryOf[location] ?? NONE;
    if (country === NONE) return NONE;
    // The rounding locate() did on geoip-lite's answer, done once here: same expression, same result.
    const lat = Math.round((record.readInt32BE(at + 4) / 10_000) * 100);
    const lon = Math.round((record.readInt32BE(at + 8) / 10_000) * 100);
    const area = record.readUInt32BE(at + 12);
    if (Math.abs(lat) > 9_000 || Math.abs(lon) > 18_000 || area > 1_023) {
      throw new Error(`geoip-lite data: location out of range (${lat / 100}, ${lon / 100}, ${area} km)`);
    }
    // 10 + 15 + 16 + 10 bits: one exact number per distinct answer.
    const key = ((country * 32_768 + lat + 9_000) * 65_536 + lon + 18_000) * 1_024 + area;
    let index = answers.get(key);
    if (index === undefined) {
      index = answer.country.push(country) - 1;
      answer.lat.push(lat);
      answer.lon.push(lon);
      answer.area.push(area);
      answers.set(key, index);
    }
    return index;
  }

  function* ranges4(): Generator<Range<number>> {
    const data = readFileSync(join(dataDir, 'geoip-city.dat'));
    if (data.length % V4_RECORD !== 0)
      throw new Error('geoip-lite data: geoip-city.dat is not whole records');
    for (let at = 0; at < data.length; at += V4_RECORD) {
      yield [data.readUInt32BE(at), data.readUInt32BE(at + 4), answerOf(data, at + 8)];
    }
  }

  function* ranges6(): Generator<Range<bigint>> {
    const data = readFileSync(join(dataDir, 'geoip-city6.dat'));
    if (data.length % V6_RECORD !== 0)
      throw new Error('geoip-lite data: geoip-city6.dat is not whole records');
    for (let at = 0; at < data.length; at += V6_RECORD) {
      // Every range starts and ends on a /64: keep the first 64 bits of each bound.
      if (data.readBigUInt64BE(at + 8) !== 0n || data.readBigUInt64BE(at + 24) !== 0xffff_ffff_ffff_ffffn) {
        throw new Error('geoip-lite data: an IPv6 range does not start and end on a /64');
      }
      yield [data.readBigUInt64BE(at), data.readBigUInt64BE(at + 16), answerOf(data, at + 32)];
    }
  }

  // geoip-lite's IPv6 data nests some ranges inside others (its own binary search then finds
  // either); the innermost, most specific one wins here.
  const v4 = table4(innermostWins(ranges4()));
  const v6 = table6(innermostWins(ranges6()));
  return {
    meta: { source, countries },
    arrays: {
      'v4.starts': v4.starts,
      'v4.owners': v4.owners,
      'v6.startHi': v6.startHi,
      'v6.startLo': v6.startLo,
      'v6.owners': v6.owners,
      'answer.country': Uint16Array.from(answer.country),
      'answer.lat': Int16Array.from(answer.lat),
      'answer.lon': Int16Array.from(answer.lon),
      'answer.area': Uint16Array.from(answer.area),
    },
  };
}
