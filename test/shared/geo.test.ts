import { describe, expect, it } from 'vitest';
import { distanceKm, locate } from '../../src/shared/geo.ts';
import { parseClientIp } from '../../src/shared/ip.ts';
import type { ClientIp } from '../../src/shared/ip.ts';

function ip(text: string): ClientIp {
  const parsed = parseClientIp(text);
  if (parsed === undefined) throw new Error(`test address ${text} does not parse`);
  return parsed;
}

const decimals = (x: number): number => (x.toString().split('.')[1] ?? '').length;

describe('locate', () => {
  it.each(['145.53.12.7', '86.82.118.110', '::ffff:86.82.118.110'])(
    'places the Dutch address %s in NL',
    (text) => {
      // Prepare
      const address = ip(text);

      // Act
      const geo = locate(address);

      // Assess
      expect(geo?.country).toBe('NL');
      // Inside the Netherlands' bounding box.
      expect(geo?.lat).toBeGreaterThan(50.7);
      expect(geo?.lat).toBeLessThan(53.6);
      expect(geo?.lon).toBeGreaterThan(3.3);
      expect(geo?.lon).toBeLessThan(7.3);
    },
  );

  it('rounds coordinates to two decimals and always gives a positive accuracy', () => {
    // Prepare
    const addresses = ['145.53.12.7', '86.82.118.110', '8.8.8.8', '2a02:a448:50bf::1', '51.15.103.162'].map(
      ip,
    );

    // Act
    const found = addresses.map(locate);

    // Assess
    for (const geo of found) {
      expect(geo).toBeDefined();
      expect(decimals(geo!.lat)).toBeLessThanOrEqual(2);
      expect(decimals(geo!.lon)).toBeLessThanOrEqual(2);
      expect(geo!.accuracyKm).toBeGreaterThan(0);
    }
  });

  it('locates an IPv6 address', () => {
    // Prepare
    const address = ip('2a02:a448:50bf::1');

    // Act
    const geo = locate(address);

    // Assess
    expect(geo?.country).toBe('NL');
  });

  it.each(['10.0.0.1', '192.168.1.1', '127.0.0.1', '100.64.1.1', '192.0.2.1', 'fd00::1', '::1', 'fe80::1'])(
    'gives nothing for the non-public address %s',
    (text) => {
      // Prepare
      const address = ip(text);

      // Act
      const geo = locate(address);

      // Assess
      expect(geo).toBeUndefined();
    },
  );
});

describe('distanceKm', () => {
  it('is zero for one point', () => {
    // Prepare
    const amsterdam = { lat: 52.37, lon: 4.9 };

    // Act
    const d = distanceKm(amsterdam, amsterdam);

    // Assess
    expect(d).toBe(0);
  });

  it('measures Amsterdam to London at about 358 km, either way round', () => {
    // Prepare
    const amsterdam = { lat: 52.37, lon: 4.9 };
    const london = { lat: 51.51, lon: -0.13 };

    // Act
    const there = distanceKm(amsterdam, london);
    const back = distanceKm(london, amsterdam);

    // Assess
    expect(there).toBeGreaterThan(350);
    expect(there).toBeLessThan(365);
    expect(back).toBeCloseTo(there, 9);
  });

  it('measures half the circumference between antipodes', () => {
    // Prepare
    const a = { lat: 0, lon: 0 };
    const b = { lat: 0, lon: 180 };

    // Act
    const d = distanceKm(a, b);

    // Assess
    expect(d).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('crosses the date line the short way', () => {
    // Prepare
    const west = { lat: 0, lon: 179.5 };
    const east = { lat: 0, lon: -179.5 };

    // Act
    const d = distanceKm(west, east);

    // Assess
    expect(d).toBeGreaterThan(110);
    expect(d).toBeLessThan(112);
  });
});
