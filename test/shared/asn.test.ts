import { describe, expect, it } from 'vitest';
import { autonomousSystem } from '../../src/shared/asn.ts';
import { parseClientIp } from '../../src/shared/ip.ts';
import type { ClientIp } from '../../src/shared/ip.ts';

function ip(text: string): ClientIp {
  const parsed = parseClientIp(text);
  if (parsed === undefined) throw new Error(`test address ${text} does not parse`);
  return parsed;
}

describe('autonomousSystem', () => {
  it.each([
    ['145.53.12.7', 1136],
    ['94.23.107.166', 16276],
    ['8.8.8.8', 15169],
    ['2a02:a448:50bf::1', 1136],
    ['::ffff:94.23.107.166', 16276],
  ])('finds the AS that announces %s', (text, asn) => {
    // Prepare
    const address = ip(text);

    // Act
    const found = autonomousSystem(address);

    // Assess
    expect(found).toBe(asn);
  });

  it.each(['10.0.0.1', '192.168.1.20', '::1', 'fe80::1'])('has none for the non-public %s', (text) => {
    // Prepare
    const address = ip(text);

    // Act
    const found = autonomousSystem(address);

    // Assess
    expect(found).toBeUndefined();
  });
});
