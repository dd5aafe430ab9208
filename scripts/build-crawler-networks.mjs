#!/usr/bin/env node
/**
 * Maintains src/shared/data/crawler-networks.json, the data behind
 * `verifiedCrawler()` in src/shared/networks.ts, and generates its one derived
 * entry, `google-network`.
 *
 * Usage (npm-script ready, run from the repository root):
 *
 *   node scripts/build-crawler-networks.mjs [--import NAME=FILE]... [--google-cloud FILE]
 *
 * Without options it regenerates `google-network` from the lists already in
 * the file. To refresh a published list, download it and import it:
 *
 *   --import googlebot=googlebot.json
 *   --import google-special-crawler=special-crawlers.json
 *   --import google-user-triggered-fetcher=user-triggered-fetchers.json
 *   --import bingbot=bingbot.json
 *   --google-cloud cloud.json              (https://www.gstatic.com/ipranges/cloud.json)
 *
 * An imported file (the publishers' format: `creationTime` and `prefixes` of
 * `ipv4Prefix` / `ipv6Prefix`) replaces that entry's prefixes and creationTime
 * verbatim, in the publisher's order.
 *
 * Why `google-network` exists. Google's "Verifying Googlebot and other Google
 * crawlers" accepts a request as Google's when EITHER its address is in one
 * of the published lists OR its reverse DNS, confirmed forward, ends in
 * googlebot.com, google.com or googleusercontent.com. Vigil scores offline
 * and cannot resolve names, and googleusercontent.com is Google Cloud
 * customers (anyone), so only googlebot.com and google.com count for us. Their
 * offline stand-in is "announced by Google's own network, AS15169 (Google
 * LLC)", whose addresses resolve to google.com names: the Gmail image proxy,
 * Translate and Feedfetcher-style fetchers, and crawlers missing from the
 * lists. Not AS396982 (Google Cloud), which is customer space.
 *
 * AS15169 still announces some Google Cloud customer space, so `google-network`
 * is computed as:
 *
 *   AS15169 ranges (devDependency @ip-location-db/asn, as in build-hosting-networks.mjs)
 *   − every published crawler list in the file (they win: their owner names are more precise)
 *   − Google Cloud customer ranges (the file's `googleCloud` block, from cloud.json)
 *
 * so its ranges never overlap another entry (the table builder in networks.ts
 * rejects overlapping ranges of different owners) and contain no customer
 * space Google documents. IPv6 works at /64 granularity, as the lookups do.
 * `generatedAt` is the ASN dataset date (package version 2.3.YYYYMMDDHH), so
 * re-running without changes rewrites the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { asnRows, datasetPackage, root } from './asn-dataset.mjs';

const GOOGLE_ASN = 15169;
const DERIVED = 'google-network';

const dataFile = join(root, 'src', 'shared', 'data', 'crawler-networks.json');

// ---------------------------------------------------------------------------
// Addresses. IPv4 as bigint 0 … 2^32-1; IPv6 as the first 64 bits (bigint),
// the granularity of the lookups. Ranges are [start, end], inclusive.

function parse4(text) {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new Error(`bad IPv4 address ${text}`);
  }
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

/** The 128-bit value of plain hexadecimal IPv6 text (no embedded IPv4, no zone). */
function parse6(text) {
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address ${text}`);
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const missing = 8 - groups.reduce((n, g) => n + g.length, 0);
  if (halves.length === 1 ? missing !== 0 : missing < 1) throw new Error(`bad IPv6 address ${text}`);
  const all = halves.length === 1 ? groups[0] : [...groups[0], ...Array(missing).fill('0'), ...groups[1]];
  return all.reduce((n, g) => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new Error(`bad IPv6 address ${text}`);
    return (n << 16n) | BigInt(parseInt(g, 16));
  }, 0n);
}

/** CIDR text → [start, end] at lookup granularity; IPv6 prefixes longer than /64 widen to their /64. */
function cidrRange(cidr) {
  const [base = '', bits = ''] = cidr.split('/');
  const length = Number(bits);
  const v6 = base.includes(':');
  const width = v6 ? 128 : 32;
  if (!/^\d{1,3}$/.test(bits) || length > width) throw new Error(`bad CIDR ${cidr}`);
  const value = v6 ? parse6(base) : parse4(base);
  const hostBits = BigInt(width - length);
  if ((value >> hostBits) << hostBits !== value) throw new Error(`host bits set in ${cidr}`);
  if (!v6) return [value, value | ((1n << hostBits) - 1n)];
  const start = value >> 64n;
  const free = hostBits > 64n ? hostBits - 64n : 0n;
  return [start, start | ((1n << free) - 1n)];
}

/** Sorts and merges overlapping or touching ranges (ownership is not tracked). */
function merge(ranges) {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[1] + 1n) {
      if (end > last[1]) last[1] = end;
    } else {
      out.push([start, end]);
    }
  }
  return out;
}

/** `ranges` minus `holes`; both merged (sorted, disjoint). */
function subtract(ranges, holes) {
  const out = [];
  let h = 0;
  for (const [start0, end] of ranges) {
    let start = start0;
    while (h < holes.length && holes[h][1] < start) h++;
    for (let i = h; start <= end; i++) {
      if (i >= holes.length || holes[i][0] > end) {
        out.push([start, end]);
        break;
      }
      if (holes[i][0] > start) out.push([start, holes[i][0] - 1n]);
      start = holes[i][1] + 1n;
    }
  }
  return out;
}

const size = (ranges) => ranges.reduce((n, [s, e]) => n + e - s + 1n, 0n);

function text4(n) {
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join('.');
}

/** RFC 5952 text of a /64 prefix value (the low 64 bits are zero). */
function text6(prefix) {
  const groups = [48n, 32n, 16n, 0n].map((shift) => Number((prefix >> shift) & 0xffffn)).concat([0, 0, 0, 0]);
  // Longest run of at least two zero groups, the first one on a tie, becomes "::".
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

/** The fewest CIDR blocks covering exactly [start, end] in a `width`-bit space. */
function cidrs([start0, end], width, toText) {
  const out = [];
  for (let start = start0; start <= end;) {
    let block = start === 0n ? 1n << BigInt(width) : start & -start; // largest block aligned at start
    while (start + block - 1n > end) block >>= 1n;
    out.push(`${toText(start)}/${width - (block.toString(2).length - 1)}`);
    start += block;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Inputs

function parseArgs(argv) {
  const imports = new Map();
  let googleCloud;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--import') {
      const at = value.indexOf('=');
      if (at <= 0) throw new Error(`--import takes NAME=FILE, not ${value}`);
      imports.set(value.slice(0, at), value.slice(at + 1));
    } else if (flag === '--google-cloud') {
      googleCloud = value;
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  return { imports, googleCloud };
}

/** A publisher's file: `{ creationTime, prefixes: [{ ipv4Prefix } | { ipv6Prefix }, …] }`. */
function readPublished(file) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(json.prefixes)) throw new Error(`${file}: no prefixes array`);
  const ipv4 = json.prefixes.flatMap((p) => (typeof p.ipv4Prefix === 'string' ? [p.ipv4Prefix] : []));
  const ipv6 = json.prefixes.flatMap((p) => (typeof p.ipv6Prefix === 'string' ? [p.ipv6Prefix] : []));
  if (ipv4.length + ipv6.length !== json.prefixes.length)
    throw new Error(`${file}: prefix without an address`);
  for (const cidr of [...ipv4, ...ipv6]) cidrRange(cidr); // validate
  return { creationTime: json.creationTime ?? null, ipv4, ipv6 };
}

function importedFrom(file) {
  const today = new Date().toISOString().slice(0, 10);
  return { file: basename(file), note: `imported with scripts/build-crawler-networks.mjs on ${today}` };
}

/** The ranges one AS announces, from the numeric ip-location-db CSVs, merged. */
async function announced(asn) {
  const read = async (file, bound) => {
    const rows = [];
    for await (const [start, end] of asnRows(file, bound, (a) => a === asn)) rows.push([start, end]);
    return merge(rows);
  };
  return {
    v4: await read('asn-ipv4-num.csv', (t) => BigInt(t)),
    v6: await read('asn-ipv6-num.csv', (t) => BigInt(t) >> 64n),
  };
}

function datasetVersion() {
  const pkg = datasetPackage();
  const m = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(pkg.version);
  if (!m) throw new Error(`cannot read a date from @ip-location-db/asn version ${pkg.version}`);
  return { version: pkg.version, date: `${m[1]}-${m[2]}-${m[3]}` };
}

/** Fails when two published lists of different owners overlap: networks.ts would reject them. */
function checkDisjoint(crawlers) {
  for (const family of ['ipv4', 'ipv6']) {
    const all = crawlers
      .flatMap((c) => c[family].map((cidr) => [...cidrRange(cidr), c.name, cidr]))
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let last;
    for (const range of all) {
      if (last !== undefined && range[0] <= last[1] && range[2] !== last[2]) {
        throw new Error(`published lists overlap: ${last[3]} (${last[2]}) and ${range[3]} (${range[2]})`);
      }
      if (last === undefined || range[1] > last[1]) last = range;
    }
  }
}

// ---------------------------------------------------------------------------

async function main() {
  const { imports, googleCloud } = parseArgs(process.argv.slice(2));
  const data = JSON.parse(readFileSync(dataFile, 'utf8'));
  const published = data.crawlers.filter((c) => c.name !== DERIVED);

  for (const [name, file] of imports) {
    const crawler = published.find((c) => c.name === name);
    if (crawler === undefined) throw new Error(`--import: no crawler ${name} in the data file`);
    Object.assign(crawler, readPublished(file), { copiedFrom: importedFrom(file) });
  }
  if (googleCloud !== undefined) {
    const { creationTime, ipv4, ipv6 } = readPublished(googleCloud);
    Object.assign(data.googleCloud, { creationTime, copiedFrom: importedFrom(googleCloud), ipv4, ipv6 });
  }
  checkDisjoint(published);

  const { version, date } = datasetVersion();
  const own = await announced(GOOGLE_ASN);
  const holes = (family) => merge(published.flatMap((c) => c[family].map(cidrRange)));
  const cloud = (family) => merge(data.googleCloud[family].map(cidrRange));

  const result = {};
  const stats = [];
  for (const [family, key, width, toText] of [
    ['ipv4', 'v4', 32, text4],
    ['ipv6', 'v6', 64, text6],
  ]) {
    const afterLists = subtract(own[key], holes(family));
    const ranges = subtract(afterLists, cloud(family));
    result[family] = ranges.flatMap((r) => cidrs(r, width, toText));
    const unit = family === 'ipv4' ? 'addresses' : '/64s';
    stats.push(
      `${family}: AS${GOOGLE_ASN} ${own[key].length} ranges (${size(own[key])} ${unit}), ` +
        `published lists take ${size(own[key]) - size(afterLists)}, Google Cloud ${size(afterLists) - size(ranges)}; ` +
        `${size(ranges)} left in ${result[family].length} CIDRs`,
    );
  }

  const derived = {
    name: DERIVED,
    source: `AS${GOOGLE_ASN} (Google LLC) in @ip-location-db/asn ${version} (RouteViews, NRO RIR delegations, DB-IP ASN Lite; CC BY 4.0)`,
    description:
      "Offline stand-in for the reverse-DNS half of Google's crawler verification " +
      '(https://developers.google.com/search/docs/crawling-indexing/verifying-googlebot): addresses announced ' +
      "by Google's own network AS15169, which resolve to google.com names (Gmail image proxy, Translate, " +
      'user-triggered fetchers and crawlers missing from the lists above). Not AS396982 (Google Cloud). Minus ' +
      'every published list above (those name the crawler more precisely) and minus the Google Cloud customer ' +
      'ranges in `googleCloud` (their reverse DNS is googleusercontent.com: anyone can rent them). Broad: ' +
      'callers accept it only for a request whose user agent claims to be a Google crawler.',
    generatedBy: 'scripts/build-crawler-networks.mjs',
    generatedAt: date,
    ipv4: result.ipv4,
    ipv6: result.ipv6,
  };
  data.crawlers = [...published, derived];
  writeFileSync(dataFile, JSON.stringify(data, null, 2) + '\n');

  const bytes = readFileSync(dataFile).length;
  console.log(`crawler-networks.json: ${DERIVED} from dataset ${date}; ${(bytes / 1024).toFixed(0)} KiB`);
  for (const line of stats) console.log(`  ${line}`);
}

await main();
