import { TwoGenerationCache } from './cache.ts';
import { Address6 } from 'ip-address';

/**
 * Where an address sits in the address space, as far as a web shop cares:
 * only `public` addresses say anything about who is on the other end.
 *
 * - `private`: RFC 1918 IPv4, IPv6 unique-local `fc00::/7` and the deprecated site-local `fec0::/10`.
 * - `loopback`: `127.0.0.0/8`, `::1`.
 * - `link-local`: `169.254.0.0/16`, `fe80::/10`.
 * - `reserved`: every other special-purpose block that never appears as an internet client
 *   (unspecified, documentation, CGNAT `100.64.0.0/10`, benchmarking, multicast, `240.0.0.0/4`,
 *   and IPv6 outside the global-unicast `2000::/3` …); see {@link classifyV4} and {@link classifyV6}.
 */
export type IpRange = 'public' | 'private' | 'loopback' | 'link-local' | 'reserved';

/** A client address in one canonical spelling, with the network it belongs to. */
export interface ClientIp {
  /**
   * Canonical text: IPv4 dotted quad; IPv6 compressed lower-case (RFC 5952).
   * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, also `::ffff:0102:0304`) becomes the plain IPv4.
   */
  address: string;
  version: 4 | 6;
  /** The /24 (IPv4) or /48 (IPv6) prefix in CIDR text, e.g. `145.53.12.0/24`, `2a02:a448:50bf::/48`. */
  network: string;
  range: IpRange;
}

/**
 * Longest possible IPv6 text without a zone or prefix length:
 * `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`. Anything longer is rejected
 * before it reaches the (comparatively expensive) IPv6 parser.
 */
const MAX_IPV6_TEXT = 45;

/**
 * Parses the client address of an event.
 *
 * Accepts exactly what `node:net` `isIP` accepts (the event contract's test),
 * except IPv6 zone identifiers: `fe80::1%eth0` is rejected, because a zone
 * (RFC 4007 §11) only means something on the host that wrote it, never for a
 * client seen at the edge, and dropping it silently would merge different
 * addresses. Also rejected: surrounding whitespace (no trimming is done),
 * prefix lengths (`1.2.3.4/24`), IPv4 octets with leading zeros (`01.2.3.4`,
 * ambiguous: octal to `inet_aton`, decimal to most other parsers), and the
 * short IPv4 forms `inet_aton` allows (`1.2.3`).
 *
 * Runs on every event, so plain dotted quads and `::ffff:a.b.c.d` take a
 * hand-written path (a few tens of ns); other IPv6 text is parsed and
 * validated by `ip-address` (about 2 µs).
 *
 * @param text - IPv4 or IPv6 address text as received.
 * @returns the canonical address, its /24 or /48 network and its range, or
 * `undefined` when `text` is not a valid IPv4 or IPv6 address.
 *
 * @example
 * ```ts
 * parseClientIp('::ffff:145.53.12.7');
 * // → { address: '145.53.12.7', version: 4, network: '145.53.12.0/24', range: 'public' }
 * parseClientIp('2A02:A448:50BF:0000:0000:0000:0000:0001');
 * // → { address: '2a02:a448:50bf::1', version: 6, network: '2a02:a448:50bf::/48', range: 'public' }
 * parseClientIp('fe80::1%eth0'); // → undefined
 * ```
 */
export function parseClientIp(text: string): ClientIp | undefined {
  const v4 = dottedQuad(text, 0);
  if (v4 >= 0) return ipv4(v4, text);
  if (text.length > MAX_IPV6_TEXT || text.indexOf(':') === -1) return undefined;
  if (hasMappedPrefix(text)) {
    const mapped = dottedQuad(text, MAPPED_PREFIX_LENGTH);
    if (mapped >= 0) return ipv4(mapped, text.slice(MAPPED_PREFIX_LENGTH));
  }
  const known = recentV6.get(text);
  if (known !== undefined) return known ?? undefined;
  return recentV6.set(text, slowIpv6(text) ?? null) ?? undefined;
}

/**
 * Full IPv6 parsing (ip-address) costs microseconds, and a client sends many
 * requests from one address: recent answers are kept (null: not an address).
 */
const recentV6 = new TwoGenerationCache<string, ClientIp | null>(20_000);

/**
 * The 32-bit value of canonical dotted-quad text (as in {@link ClientIp.address}),
 * or `undefined` when it is not one. For range lookups that already hold a `ClientIp`.
 */
export function ipv4ToUint32(address: string): number | undefined {
  const n = dottedQuad(address, 0);
  return n >= 0 ? n : undefined;
}

/**
 * The first 64 bits of all-hex IPv6 text (such as {@link ClientIp.address}) as two
 * unsigned 32-bit halves, or `undefined` for any other text. Written for lookups
 * at /64 granularity; cheaper than a full parse because it only reads what it needs.
 */
export function ipv6Prefix64(address: string): [hi: number, lo: number] | undefined {
  const groups = hexGroups(address);
  if (groups === undefined) return undefined;
  return [((groups[0]! << 16) | groups[1]!) >>> 0, ((groups[2]! << 16) | groups[3]!) >>> 0];
}

// ---------------------------------------------------------------------------
// IPv4

/**
 * Parses a strict dotted quad starting at `from` and running to the end of
 * `text`: four decimal octets 0–255 without leading zeros. Returns the
 * unsigned 32-bit value, or -1. No allocation, no regex: this is the hot path.
 */
function dottedQuad(text: string, from: number): number {
  const end = text.length;
  // Shortest is "0.0.0.0" (7), longest "255.255.255.255" (15).
  if (end - from < 7 || end - from > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function ipv4(n: number, canonical: string): ClientIp {
  // `canonical` passed dottedQuad, so it is already the canonical spelling.
  return {
    address: canonical,
    version: 4,
    network: canonical.slice(0, canonical.lastIndexOf('.')) + '.0/24',
    range: classifyV4(n),
  };
}

function dottedText(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Classifies an IPv4 address. Blocks follow the IANA IPv4 Special-Purpose
 * Address Registry (RFC 6890), https://www.iana.org/assignments/iana-ipv4-special-registry/,
 * plus multicast (RFC 5771) and the former class E space (RFC 1112 §4).
 * Special-purpose blocks that are globally reachable and can legitimately be a
 * peer (AS112 192.31.196.0/24 and 192.175.48.0/24, AMT 192.52.193.0/24) stay `public`.
 */
function classifyV4(n: number): IpRange {
  const a = n >>> 24;
  const b = (n >>> 16) & 255;
  const c = (n >>> 8) & 255;
  switch (a) {
    case 0: // 0.0.0.0/8 "this network", incl. unspecified 0.0.0.0 (RFC 791, RFC 1122 §3.2.1.3)
      return 'reserved';
    case 10: // 10.0.0.0/8 (RFC 1918)
      return 'private';
    case 100: // 100.64.0.0/10 shared address space for carrier-grade NAT (RFC 6598)
      return (b & 0xc0) === 64 ? 'reserved' : 'public';
    case 127: // 127.0.0.0/8 loopback (RFC 1122 §3.2.1.3)
      return 'loopback';
    case 169: // 169.254.0.0/16 link-local (RFC 3927)
      return b === 254 ? 'link-local' : 'public';
    case 172: // 172.16.0.0/12 (RFC 1918)
      return (b & 0xf0) === 16 ? 'private' : 'public';
    case 192:
      if (b === 168) return 'private'; // 192.168.0.0/16 (RFC 1918)
      if (b === 0 && c === 0) return 'reserved'; // 192.0.0.0/24 IETF protocol assignments (RFC 6890)
      if (b === 0 && c === 2) return 'reserved'; // 192.0.2.0/24 TEST-NET-1 (RFC 5737)
      if (b === 88 && c === 99) return 'reserved'; // 192.88.99.0/24 deprecated 6to4 relay anycast (RFC 7526)
      return 'public';
    case 198:
      if ((b & 0xfe) === 18) return 'reserved'; // 198.18.0.0/15 benchmarking (RFC 2544)
      if (b === 51 && c === 100) return 'reserved'; // 198.51.100.0/24 TEST-NET-2 (RFC 5737)
      return 'public';
    case 203: // 203.0.113.0/24 TEST-NET-3 (RFC 5737)
      return b === 0 && c === 113 ? 'reserved' : 'public';
  }
  // 224.0.0.0/4 multicast (RFC 5771); 240.0.0.0/4 reserved (RFC 1112 §4) incl. 255.255.255.255 broadcast (RFC 919)
  return a >= 224 ? 'reserved' : 'public';
}

// ---------------------------------------------------------------------------
// IPv6

const MAPPED_PREFIX_LENGTH = '::ffff:'.length;

/** True when `text` starts with `::ffff:` in any letter case. */
function hasMappedPrefix(text: string): boolean {
  return (
    text.charCodeAt(0) === 58 &&
    text.charCodeAt(1) === 58 &&
    (text.charCodeAt(2) | 0x20) === 102 &&
    (text.charCodeAt(3) | 0x20) === 102 &&
    (text.charCodeAt(4) | 0x20) === 102 &&
    (text.charCodeAt(5) | 0x20) === 102 &&
    text.charCodeAt(6) === 58
  );
}

function slowIpv6(text: string): ClientIp | undefined {
  // ip-address accepts a zone ("%eth0") and a prefix length ("/64"); neither is a client address.
  if (text.indexOf('%') !== -1 || text.indexOf('/') !== -1) return undefined;
  let parsed: Address6;
  try {
    parsed = new Address6(text);
  } catch {
    return undefined;
  }
  // parsedAddress holds the eight groups as hex text, with an embedded dotted quad already converted.
  const hex = parsed.parsedAddress;
  if (hex.length !== 8) return undefined;
  const g: number[] = new Array<number>(8);
  for (let i = 0; i < 8; i++) {
    const v = hexGroup(hex[i]!);
    if (v < 0) return undefined;
    g[i] = v;
  }
  // IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2) in a spelling the fast path did not catch
  // (hex groups, upper-case, 0:0:0:0:0:ffff:…): it is the IPv4 client, so treat it as one.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const n = ((g[6]! << 16) | g[7]!) >>> 0;
    return ipv4(n, dottedText(n));
  }
  return {
    address: formatV6(g),
    version: 6,
    network: formatV6([g[0]!, g[1]!, g[2]!, 0, 0, 0, 0, 0]) + '/48',
    range: classifyV6(g),
  };
}

/** The value of one to four hex digits, or -1. */
function hexGroup(text: string): number {
  const n = text.length;
  if (n < 1 || n > 4) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * RFC 5952 §4 text: lower-case hex without leading zeros, the longest run of
 * two or more zero groups (the first one on a tie) shortened to `::`.
 */
function formatV6(g: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  // Plain concatenation: this runs on every IPv6 event, and map/join allocate.
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLength - 1;
      continue;
    }
    if (i > 0 && i !== bestStart + bestLength) out += ':';
    out += g[i]!.toString(16);
  }
  return out;
}

/**
 * Classifies an IPv6 address. Only `2000::/3` is allocated as global unicast
 * (IANA IPv6 Address Space, https://www.iana.org/assignments/ipv6-address-space/);
 * all else is special. Blocks follow the IANA IPv6 Special-Purpose Address Registry
 * (RFC 6890), https://www.iana.org/assignments/iana-ipv6-special-registry/.
 */
function classifyV6(g: readonly number[]): IpRange {
  const g0 = g[0]!;
  if ((g0 & 0xe000) === 0x2000) {
    if (g0 === 0x2001) {
      const g1 = g[1]!;
      if (g1 === 0x0db8) return 'reserved'; // 2001:db8::/32 documentation (RFC 3849)
      if (g1 === 0x0002 && g[2] === 0) return 'reserved'; // 2001:2::/48 benchmarking (RFC 5180)
      if ((g1 & 0xfff0) === 0x0010) return 'reserved'; // 2001:10::/28 ORCHID, deprecated (RFC 4843)
      // The rest of 2001::/23 (Teredo 2001::/32, AMT, AS112, ORCHIDv2, DETs) can be a real peer.
    }
    if (g0 === 0x3fff && (g[1]! & 0xf000) === 0) return 'reserved'; // 3fff::/20 documentation (RFC 9637)
    return 'public'; // incl. 6to4 2002::/16, a real (if rare) client
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local (RFC 4193)
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10 (RFC 4291 §2.5.6)
  // fec0::/10 site-local is deprecated (RFC 3879) but was exactly "private", so call it that.
  if ((g0 & 0xffc0) === 0xfec0) return 'private';
  if (g0 === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0 && g[6] === 0) {
    if (g[7] === 1) return 'loopback'; // ::1 (RFC 4291 §2.5.3)
  }
  // Unspecified :: (RFC 4291 §2.5.2), deprecated IPv4-compatible ::/96, NAT64 64:ff9b::/96 and
  // 64:ff9b:1::/48 (RFC 6052, RFC 8215), discard 100::/64 (RFC 6666), SRv6 5f00::/16 (RFC 9602),
  // multicast ff00::/8 (RFC 4291 §2.7), and space IANA lists as "Reserved by IETF".
  return 'reserved';
}

/**
 * Eight groups from IPv6 text made only of hex digits and colons with at most
 * one `::`, as {@link formatV6} writes it; `undefined` for anything else
 * (including embedded dotted quads, which canonical text never has).
 */
function hexGroups(text: string): number[] | undefined {
  const groups: number[] = [];
  let gap = -1;
  let value = 0;
  let digits = 0;
  const end = text.length;
  if (end < 2 || end > 39) return undefined;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */) {
      if (i + 1 < end && text.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return undefined;
        if (digits > 0) groups.push(value);
        else if (i !== 0) return undefined;
        gap = groups.length;
        i++;
      } else {
        if (digits === 0) return undefined;
        groups.push(value);
      }
      value = 0;
      digits = 0;
      continue;
    }
    const d = hexDigit(c);
    if (d < 0 || digits === 4) return undefined;
    value = value * 16 + d;
    digits++;
  }
  if (digits > 0) groups.push(value);
  else if (gap !== groups.length || text.charCodeAt(end - 2) !== 58) return undefined; // trailing single ':'
  if (gap < 0) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  return groups;
}
