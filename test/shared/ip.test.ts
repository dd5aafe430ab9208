import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipv4ToUint32, ipv6Prefix64, parseClientIp } from '../../src/shared/ip.ts';
import type { IpRange } from '../../src/shared/ip.ts';

describe('parseClientIp: canonical text', () => {
  it('keeps a plain dotted quad and derives its /24', () => {
    // Prepare
    const text = '145.53.12.7';

    // Act
    const ip = parseClientIp(text);

    // Assess
    expect(ip).toEqual({ address: '145.53.12.7', version: 4, network: '145.53.12.0/24', range: 'public' });
  });

  it.each([
    ['::ffff:145.53.12.7', 'dotted mapped form'],
    ['::FFFF:145.53.12.7', 'upper-case mapped form'],
    ['::ffff:9135:0c07', 'hex mapped form'],
    ['0:0:0:0:0:ffff:145.53.12.7', 'uncompressed mapped form'],
  ])('turns IPv4-mapped IPv6 %s (%s) into the plain IPv4', (text) => {
    // Prepare
    const expected = { address: '145.53.12.7', version: 4, network: '145.53.12.0/24', range: 'public' };

    // Act
    const ip = parseClientIp(text);

    // Assess
    expect(ip).toEqual(expected);
  });

  it('compresses a zero-padded IPv6 address (RFC 5952)', () => {
    // Prepare
    const text = '2001:0db8:85a3:0000:0000:8a2e:0370:7334';

    // Act
    const ip = parseClientIp(text);

    // Assess
    expect(ip?.address).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(ip?.version).toBe(6);
    expect(ip?.network).toBe('2001:db8:85a3::/48');
  });

  it.each([
    ['2A02:A448:50BF:0:0:0:0:1', '2a02:a448:50bf::1'], // lower case
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal zero runs
    ['2001:db8:0:0:0:1:0:0', '2001:db8::1:0:0'], // longest zero run wins
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a lone zero group stays
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::1.2.3.4', '::102:304'], // deprecated IPv4-compatible: stays IPv6, no dotted tail
  ])('writes %s as %s', (text, expected) => {
    // Prepare
    const input = text;

    // Act
    const ip = parseClientIp(input);

    // Assess
    expect(ip?.address).toBe(expected);
    expect(parseClientIp(expected)?.address).toBe(expected);
  });

  it.each([
    ['2a02:a448:50bf:12:34::7', '2a02:a448:50bf::/48'],
    ['2a02:a448:0:12::7', '2a02:a448::/48'],
    ['2a02:0:50bf::1', '2a02:0:50bf::/48'],
    ['::1', '::/48'],
    ['10.1.2.3', '10.1.2.0/24'],
    ['::ffff:0a01:0203', '10.1.2.0/24'],
  ])('gives %s the network %s', (text, network) => {
    // Prepare
    const input = text;

    // Act
    const ip = parseClientIp(input);

    // Assess
    expect(ip?.network).toBe(network);
  });
});

describe('parseClientIp: rejected text', () => {
  it.each([
    [' 1.2.3.4', 'leading space: no trimming'],
    ['1.2.3.4 ', 'trailing space'],
    ['1.2.3', 'short inet_aton form'],
    ['256.1.1.1', 'octet out of range'],
    ['1.2.3.4.5', 'five octets'],
    ['01.2.3.4', 'leading zero (octal to inet_aton)'],
    ['1..2.3', 'empty octet'],
    ['1.2.3.4/24', 'prefix length'],
    ['2001:db8::/32', 'IPv6 prefix length'],
    ['fe80::1%eth0', 'zone identifier: only meaningful on the host that wrote it'],
    ['::ffff:1.2.3', 'short mapped IPv4'],
    ['::ffff:01.2.3.4', 'mapped IPv4 with leading zero'],
    ['1::2::3', 'two elisions'],
    ['1:2:3:4:5:6:7:8:9', 'nine groups'],
    ['12345::', 'five hex digits'],
    ['g::1', 'not hex'],
    ['', 'empty'],
    ['localhost', 'a name'],
    ['::ffff:1.2.3.4'.padEnd(60, '0'), 'overlong'],
  ])('rejects %j (%s)', (text) => {
    // Prepare
    const input = text;

    // Act
    const ip = parseClientIp(input);

    // Assess
    expect(ip).toBeUndefined();
  });

  it('accepts what the event contract accepts (node:net isIP without zones) on a sample of edge cases', () => {
    // Prepare
    const samples = [
      '0.0.0.0',
      '255.255.255.255',
      '1:2:3:4:5:6:7::',
      '::1:2:3:4:5:6:7',
      '1:2:3:4:5:6:1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::ffff:1.2.3.4',
      '1::2:3:4:5:6:7:8',
      '00.1.2.3',
      ':1::',
      '1:',
      '1::',
      'fe80::1%1',
      '::ffff:255.255.255.256',
    ];

    // Act
    const accepted = samples.map((s) => parseClientIp(s) !== undefined);

    // Assess
    expect(accepted).toEqual(samples.map((s) => isIP(s) !== 0 && !s.includes('%')));
  });
});

describe('parseClientIp: ranges', () => {
  it.each<[string, IpRange]>([
    ['10.0.0.1', 'private'], // RFC 1918
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.1', 'loopback'],
    ['169.254.10.20', 'link-local'],
    ['169.253.1.1', 'public'],
    ['100.64.0.1', 'reserved'], // CGNAT, RFC 6598
    ['100.127.255.255', 'reserved'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.0.2.15', 'reserved'], // TEST-NET-1
    ['198.51.100.7', 'reserved'], // TEST-NET-2
    ['203.0.113.200', 'reserved'], // TEST-NET-3
    ['192.0.0.8', 'reserved'],
    ['198.18.5.5', 'reserved'], // benchmarking
    ['198.19.255.255', 'reserved'],
    ['198.20.0.0', 'public'],
    ['0.0.0.0', 'reserved'],
    ['0.1.2.3', 'reserved'],
    ['224.0.0.1', 'reserved'], // multicast
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['145.53.12.7', 'public'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:7f00:1', 'loopback'],
    ['2001:db8::1', 'reserved'], // documentation, RFC 3849
    ['2001:db8:ffff::1', 'reserved'],
    ['3fff::1', 'reserved'], // documentation, RFC 9637
    ['2001:2::1', 'reserved'], // benchmarking
    ['fc00::1', 'private'], // ULA, RFC 4193
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'], // deprecated site-local
    ['::1', 'loopback'],
    ['::', 'reserved'], // unspecified
    ['ff02::1', 'reserved'], // multicast
    ['64:ff9b::102:304', 'reserved'], // NAT64
    ['100::1', 'reserved'], // discard-only
    ['2a02:a448:50bf::1', 'public'],
    ['2001:4860:4801:10::1', 'public'],
    ['2002:c000:204::1', 'public'], // 6to4
    ['2001::1', 'public'], // Teredo
  ])('classifies %s as %s', (text, range) => {
    // Prepare
    const input = text;

    // Act
    const ip = parseClientIp(input);

    // Assess
    expect(ip?.range).toBe(range);
  });
});

describe('numeric helpers', () => {
  it('reads canonical IPv4 text as an unsigned 32-bit number', () => {
    // Prepare
    const texts = ['0.0.0.0', '1.2.3.4', '255.255.255.255', '1.2.3'];

    // Act
    const values = texts.map(ipv4ToUint32);

    // Assess
    expect(values).toEqual([0, 0x01020304, 0xffffffff, undefined]);
  });

  it('reads the first 64 bits of hex IPv6 text', () => {
    // Prepare
    const texts = ['2a02:a448:50bf:12::1', '::', '1::', 'ffff:ffff:ffff:ffff::', '::ffff:1.2.3.4', '1:2'];

    // Act
    const prefixes = texts.map(ipv6Prefix64);

    // Assess
    expect(prefixes).toEqual([
      [0x2a02a448, 0x50bf0012],
      [0, 0],
      [0x00010000, 0],
      [0xffffffff, 0xffffffff],
      undefined,
      undefined,
    ]);
  });
});
