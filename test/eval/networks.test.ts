import { describe, expect, it } from 'vitest';
import { POOLS, ipv4In, ipv6In, ipv6PrefixIn } from '../../src/eval/networks.ts';
import { Random } from '../../src/eval/random.ts';
import { locate } from '../../src/shared/geo.ts';
import { parseClientIp } from '../../src/shared/ip.ts';

describe('address pools', () => {
  const rng = new Random('networks-test');

  it.each(Object.values(POOLS).filter((p) => 'country' in p))('$name geolocates in its country', (pool) => {
    // Act
    const countries = Array.from({ length: 40 }, () => locate(parseClientIp(ipv4In(rng, pool))!)?.country);

    // Assess
    expect(countries.filter((c) => c === pool.country).length).toBeGreaterThanOrEqual(36);
  });

  it('gives public IPv6 addresses inside the household prefix', () => {
    // Prepare
    const prefix = ipv6PrefixIn(rng, POOLS.kpn)!;

    // Act
    const address = ipv6In(rng, prefix);

    // Assess
    expect(parseClientIp(address)?.range).toBe('public');
    expect(parseClientIp(address)?.version).toBe(6);
    expect(address.startsWith(`${prefix}:`)).toBe(true);
    expect(locate(parseClientIp(address)!)?.country).toBe('NL');
  });
});
