#!/usr/bin/env node
/**
 * Builds src/shared/data/hosting-networks.json: the address ranges announced by
 * a curated list of hosting, cloud and VPS networks (autonomous systems), for
 * `hostingNetwork()` in src/shared/networks.ts.
 *
 * Usage (npm-script ready, run from the repository root):
 *
 *   node scripts/build-hosting-networks.mjs
 *
 * Input: the IP-to-ASN tables of the devDependency @ip-location-db/asn
 * (asn-ipv4-num.csv, asn-ipv6-num.csv; columns start,end,asn,org with
 * inclusive numeric bounds), built from RouteViews, the five RIRs' delegation
 * files (via the NRO) and DB-IP's ASN Lite, CC BY 4.0. Refresh by updating that
 * package and re-running this script; `generatedAt` is the dataset date taken
 * from the package version (2.3.YYYYMMDDHH).
 *
 * Output ranges are sorted by start and do not overlap; adjacent or
 * overlapping ranges of the same AS are merged. IPv4 ranges are [start, end,
 * asn] with 32-bit unsigned numbers. IPv6 ranges are kept at /64 granularity
 * (nothing finer identifies a client network): [start, end, asn] where start
 * and end are the first 64 bits of the bounds as 16 hex digits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asnRows, datasetPackage, root } from './asn-dataset.mjs';

/**
 * Hosting, cloud and VPS autonomous systems, with the provider name reported
 * to rules. Chosen for: where automated traffic, credential stuffing and
 * commercial VPN exits against a Dutch shop come from (big clouds, cheap
 * European VPS and dedicated-server hosts, Dutch datacentres).
 *
 * Deliberately left out:
 * - AS15169 (Google): Google's own services, not customer machines: Googlebot
 *   (66.249.64.0/19) and other Google crawlers, and the Gmail image proxy and
 *   Translate fetchers that act for real users. Some older Google Cloud
 *   customer space is still announced from AS15169, so a few GCP addresses
 *   are missed; flagging Googlebot and proxies as "hosting" would be worse.
 *   Google Cloud customer space proper is AS396982.
 * - AS13335 (Cloudflare), AS20940 (Akamai), AS54113 (Fastly): CDNs whose
 *   ranges also carry consumer traffic (Cloudflare WARP, iCloud Private
 *   Relay egress); they need a relay notion of their own, not "hosting".
 * - Shared web hosting (GoDaddy, Bluehost, …): rarely a client, mostly a
 *   compromised site; not worth the size.
 */
const HOSTING_ASNS = {
  // Big clouds
  16509: 'AWS',
  14618: 'AWS',
  8987: 'AWS', // Amazon Data Services Ireland (eu-west-1)
  396982: 'Google Cloud',
  8075: 'Microsoft Azure', // also carries Bing crawlers and some Microsoft services
  31898: 'Oracle Cloud',
  36351: 'IBM Cloud',
  45102: 'Alibaba Cloud',
  37963: 'Alibaba Cloud',
  132203: 'Tencent Cloud',
  45090: 'Tencent Cloud',
  55990: 'Huawei Cloud',
  136907: 'Huawei Cloud',
  // VPS and dedicated-server hosts
  14061: 'DigitalOcean',
  16276: 'OVH',
  24940: 'Hetzner',
  213230: 'Hetzner', // Hetzner Cloud
  212317: 'Hetzner', // Hetzner US
  63949: 'Linode', // Akamai Connected Cloud
  20473: 'Vultr', // The Constant Company / Choopa
  12876: 'Scaleway', // formerly Online SAS
  51167: 'Contabo',
  141995: 'Contabo',
  40021: 'Contabo',
  60781: 'Leaseweb',
  28753: 'Leaseweb',
  30633: 'Leaseweb',
  7203: 'Leaseweb',
  59253: 'Leaseweb',
  9009: 'M247', // hosts many commercial VPN exits
  8560: 'IONOS',
  8972: 'Host Europe',
  197540: 'netcup',
  47583: 'Hostinger',
  60068: 'DataCamp', // CDN77; many VPN exits
  212238: 'DataCamp',
  62240: 'Clouvider',
  29802: 'Hivelocity',
  8100: 'QuadraNet',
  36352: 'ColoCrossing', // now HostPapa
  53667: 'FranTech', // BuyVM
  21859: 'Zenlayer',
  63023: 'GTHost',
  23470: 'ReliableSite',
  42831: 'UK Dedicated Servers',
  200019: 'AlexHost',
  201814: 'MEVSPACE',
  42473: 'Anexia',
  49505: 'Selectel',
  9123: 'Timeweb',
  135377: 'UCloud',
  // Dutch datacentres and hosts
  49981: 'WorldStream',
  50673: 'Serverius',
  43350: 'NForce',
  60404: 'Liteserver', // The Infrastructure Group
  206264: 'Amarutu',
  202425: 'IP Volume',
  212477: 'RoyaleHosting',
  58061: 'Scalaxy',
  51396: 'Pfcloud',
};

const outFile = join(root, 'src', 'shared', 'data', 'hosting-networks.json');

const wantedRows = (file, parseBound) => asnRows(file, parseBound, (asn) => Object.hasOwn(HOSTING_ASNS, asn));

/** Sorts by start, drops overlaps between different ASes and merges touching ranges of one AS. */
function normalise(rows, one) {
  rows.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out = [];
  let clipped = 0;
  for (const [start0, end, asn] of rows) {
    let start = start0;
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[1] + one) {
      if (last[2] === asn) {
        if (end > last[1]) last[1] = end;
        continue;
      }
      if (start <= last[1]) {
        // Overlap between two ASes (the tables are flat, so only after /64 rounding): first one wins.
        clipped++;
        start = last[1] + one;
        if (start > end) continue;
      }
    }
    out.push([start, end, asn]);
  }
  return { ranges: out, clipped };
}

function datasetDate() {
  const pkg = datasetPackage();
  const m = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(pkg.version);
  if (!m) throw new Error(`cannot read a date from @ip-location-db/asn version ${pkg.version}`);
  return { version: pkg.version, date: `${m[1]}-${m[2]}-${m[3]}` };
}

async function main() {
  const { version, date } = datasetDate();

  const v4rows = [];
  for await (const row of wantedRows('asn-ipv4-num.csv', Number)) v4rows.push(row);
  const v4 = normalise(v4rows, 1);

  const v6rows = [];
  const top64 = (text) => BigInt(text) >> 64n;
  for await (const row of wantedRows('asn-ipv6-num.csv', top64)) v6rows.push(row);
  const v6 = normalise(v6rows, 1n);

  const seen = new Set([...v4.ranges, ...v6.ranges].map((r) => r[2]));
  const missing = Object.keys(HOSTING_ASNS).filter((asn) => !seen.has(Number(asn)));
  const hex64 = (n) => n.toString(16).padStart(16, '0');

  // One range per line: readable diffs when the dataset is refreshed.
  const header = {
    source:
      `@ip-location-db/asn ${version} (RouteViews, NRO RIR delegations, DB-IP ASN Lite; CC BY 4.0), ` +
      'curated hosting ASNs from scripts/build-hosting-networks.mjs',
    generatedAt: date,
    asns: Object.fromEntries(Object.entries(HOSTING_ASNS).map(([asn, name]) => [asn, name])),
  };
  const lines = [
    '{',
    ...Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    '  "v4": [',
    v4.ranges.map((r) => `    ${JSON.stringify(r)}`).join(',\n'),
    '  ],',
    '  "v6": [',
    v6.ranges.map(([s, e, asn]) => `    ${JSON.stringify([hex64(s), hex64(e), asn])}`).join(',\n'),
    '  ]',
    '}',
    '',
  ];
  writeFileSync(outFile, lines.join('\n'));

  console.log(
    `hosting-networks.json: dataset ${date}, ${Object.keys(HOSTING_ASNS).length} ASNs, ` +
      `${v4.ranges.length} IPv4 ranges (from ${v4rows.length}), ${v6.ranges.length} IPv6 ranges ` +
      `(from ${v6rows.length}), ${v4.clipped + v6.clipped} overlaps clipped`,
  );
  if (missing.length > 0) console.log(`warning: no ranges for AS ${missing.join(', ')}`);
}

await main();
