import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import geoip from 'geoip-lite';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/demo/random.ts';
import { locate } from '../../src/shared/geo.ts';
import type { GeoFacts } from '../../src/shared/geo.ts';
import { parseClientIp } from '../../src/shared/ip.ts';
import { geoTables } from '../../src/shared/ip-data/load.ts';

/*
 * The compact geolocation table against its source: geoip-lite's own lookup
 * on the full databases, projected the way locate() did before the table
 * existed (country, coordinates rounded to 2 decimals, accuracy radius with a
 * 1000 km default).
 */

const DATA = join(dirname(createRequire(import.meta.url).resolve('geoip-lite/package.json')), 'data');

/** What locate() answered from geoip-lite directly. */
function reference(query: string | number): GeoFacts | undefined {
  const found = geoip.lookup(query as string);
  if (found === null || !found.country) return undefined;
  const [lat, lon] = found.ll as [number | null, number | null];
  if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  const area = (found as { area?: number }).area;
  return {
    country: found.country,
    // +0: the table stores no negative zero.
    lat: Math.round(lat * 100) / 100 + 0,
    lon: Math.round(lon * 100) / 100 + 0,
    accuracyKm: typeof area === 'number' && area > 0 ? area : 1000,
  };
}

const quad = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const hex64 = (n: bigint): string => n.toString(16).padStart(16, '0').match(/.{4}/g)!.join(':');

/** The addresses where `locate` and geoip-lite disagree, with both answers. */
function disagreements(addresses: Iterable<string>, query: (text: string) => string | number) {
  const found: { address: string; table: GeoFacts | undefined; geoip: GeoFacts | undefined }[] = [];
  let compared = 0;
  for (const address of addresses) {
    const ip = parseClientIp(address);
    if (ip?.range !== 'public') continue;
    compared++;
    const table = locate(ip);
    const expected = reference(query(address));
    if (JSON.stringify(table) !== JSON.stringify(expected)) found.push({ address, table, geoip: expected });
  }
  return { compared, found };
}

describe('the geolocation table', () => {
  it('answers as geoip-lite does for 100,000 random IPv4 addresses', () => {
    // Prepare
    // Seeded, so that a failure can be replayed.
    const next = mulberry32(1);
    const addresses = Array.from({ length: 100_000 }, () => quad(Math.floor(next() * 2 ** 32)));

    // Act
    const { compared, found } = disagreements(addresses, (a) => a);

    // Assess
    expect(compared).toBeGreaterThan(75_000);
    expect(found.slice(0, 5)).toEqual([]);
  });

  it('answers as geoip-lite does on both sides of every 40th range boundary', () => {
    // Prepare
    const { starts } = geoTables().v4;
    const addresses: string[] = [];
    for (let i = 1; i < starts.length; i += 40) addresses.push(quad(starts.at(i)! - 1), quad(starts.at(i)!));

    // Act
    const { compared, found } = disagreements(addresses, (a) => a);

    // Assess
    expect(compared).toBeGreaterThan(100_000);
    expect(found.slice(0, 5)).toEqual([]);
  });

  it('answers as geoip-lite does for IPv6 addresses in 50,000 of its ranges, nested ranges aside', () => {
    // Prepare: geoip-lite's 48-byte IPv6 records, start and end as their first 64 bits.
    const data = readFileSync(join(DATA, 'geoip-city6.dat'));
    const records = data.length / 48;
    const bounds = (i: number) => [data.readBigUInt64BE(i * 48), data.readBigUInt64BE(i * 48 + 16)] as const;
    // geoip-lite's binary search finds either of two nested ranges: those are checked below.
    const nested = new Uint8Array(records);
    for (let i = 0, outer = -1; i < records; i++) {
      if (outer >= 0 && bounds(i)[0] <= bounds(outer)[1]) nested[i] = nested[outer] = 1;
      else outer = i;
    }
    const next = mulberry32(2);
    const addresses: string[] = [];
    while (addresses.length < 50_000) {
      const i = Math.floor(next() * records);
      if (nested[i]) continue;
      const [start, end] = bounds(i);
      const offset = BigInt(Math.floor(next() * Number(end - start + 1n)));
      addresses.push(`${hex64(start + (offset > end - start ? end - start : offset))}:1:2:3:4`);
    }

    // Act
    const { compared, found } = disagreements(addresses, (a) => a);

    // Assess
    expect(compared).toBeGreaterThan(45_000);
    expect(found.slice(0, 5)).toEqual([]);
  });

  it('gives a range nested in another its own answer, and the outer range the rest', () => {
    // Prepare: geoip-lite's 2001:550::/48 (Virginia) holds ranges from 2001:550:0:1::/64 to its
    // end (the US at large): the outer range keeps 2001:550::/64.
    const inner = parseClientIp('2001:550:0:ffff::1')!;
    const outer = parseClientIp('2001:550::1')!;

    // Act
    const [a, b] = [locate(inner), locate(outer)];

    // Assess
    expect(a).toMatchObject({ country: 'US', lat: 37.75, lon: -97.82 });
    expect(b).toMatchObject({ country: 'US', lat: 38.89, lon: -77.04 });
  });

  it('is a fraction of the size of geoip-lite city databases', () => {
    // Prepare
    const table = geoTables();
    const geoipBytes = ['geoip-city.dat', 'geoip-city6.dat', 'geoip-city-names.dat']
      .map((f) => readFileSync(join(DATA, f)).length)
      .reduce((a, b) => a + b);

    // Act
    const tableBytes = table.file.bytes;

    // Assess
    expect(tableBytes).toBeLessThan(geoipBytes / 4);
  });
});
