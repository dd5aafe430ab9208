import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsnTables } from './build-asn.ts';
import { buildGeoTable } from './build-geo.ts';
import { buildNetworkTables } from './build-networks.ts';
import type { CrawlerData, HostingData } from './build-networks.ts';
import { writeContainer } from '../shared/ip-data/container.ts';
import { ASN_FILE, GEO_FILE, ipDataDir, NETWORKS_FILE } from '../shared/ip-data/load.ts';

/*
 * Builds the IP data tables (`load.ts` reads them) when their sources have
 * changed: `npm ci` (postinstall), `npm test` (global setup), `npm start`, the
 * bench and `cdk synth` (which copies them beside the bundles) all call
 * ensureIpData(), which costs a few hashes when nothing changed.
 */

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const MANIFEST = 'manifest.json';

const FILES = [GEO_FILE, NETWORKS_FILE, ASN_FILE] as const;

const versionOf = (packageJson: string): string =>
  (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** Where the tables come from: the geoip-lite and @ip-location-db/asn packages and the two committed data sets. */
function sources(): {
  geoipDir: string;
  geoipVersion: string;
  asnDir: string;
  asnVersion: string;
  hosting: string;
  crawlers: string;
} {
  const require = createRequire(import.meta.url);
  const geoipPackage = require.resolve('geoip-lite/package.json');
  const asnPackage = require.resolve('@ip-location-db/asn/package.json');
  return {
    geoipDir: join(dirname(geoipPackage), 'data'),
    geoipVersion: versionOf(geoipPackage),
    asnDir: dirname(asnPackage),
    asnVersion: versionOf(asnPackage),
    hosting: here('../shared/data/hosting-networks.json'),
    crawlers: here('../shared/data/crawler-networks.json'),
  };
}

/**
 * A hash of everything the tables are made from: the data sets, geoip-lite's
 * version and the checksums it ships of its databases, and this builder's
 * own code, so that a change to any of them rebuilds.
 */
function fingerprint(): string {
  const { geoipDir, geoipVersion, asnVersion, hosting, crawlers } = sources();
  const hash = createHash('sha256').update(`geoip-lite ${geoipVersion}\n@ip-location-db/asn ${asnVersion}\n`);
  for (const file of [
    join(geoipDir, 'city.checksum'),
    hosting,
    crawlers,
    ...[
      'build.ts',
      'build-asn.ts',
      'build-geo.ts',
      'build-networks.ts',
      'build-ranges.ts',
      '../shared/ip-data/container.ts',
    ].map((f) => here(f)),
  ]) {
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** What {@link ensureIpData} did. */
export interface IpDataBuild {
  readonly dir: string;
  /** False when the tables were already built from the current sources. */
  readonly built: boolean;
  readonly ms: number;
  /** Bytes per file written. */
  readonly files: Readonly<Record<string, number>>;
}

/**
 * Builds the IP data tables into `dir` unless they are there and were built
 * from the current sources. `progress` hears each step of a build (a full
 * build takes seconds).
 *
 * @example
 * ```ts
 * const { dir, built } = ensureIpData(); // → node_modules/.cache/vigil/ip-data
 * ```
 */
export function ensureIpData(dir = ipDataDir(), progress: (line: string) => void = () => {}): IpDataBuild {
  const t0 = performance.now();
  const print = fingerprint();
  const manifestPath = join(dir, MANIFEST);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      fingerprint?: string;
      files?: Record<string, number>;
    };
    if (manifest.fingerprint === print && FILES.every((f) => existsSync(join(dir, f)))) {
      return { dir, built: false, ms: performance.now() - t0, files: manifest.files ?? {} };
    }
  }
  mkdirSync(dir, { recursive: true });
  const source = sources();
  progress(`ip data: network tables from ${source.hosting} and ${source.crawlers}`);
  const networks = buildNetworkTables(
    JSON.parse(readFileSync(source.hosting, 'utf8')) as HostingData,
    JSON.parse(readFileSync(source.crawlers, 'utf8')) as CrawlerData,
  );
  writeContainer(join(dir, NETWORKS_FILE), networks.meta, networks.arrays);
  progress(`ip data: geolocation table from geoip-lite ${source.geoipVersion} (${source.geoipDir})`);
  const geo = buildGeoTable(source.geoipDir, `geoip-lite ${source.geoipVersion} (GeoLite2 data by MaxMind)`);
  writeContainer(join(dir, GEO_FILE), geo.meta, geo.arrays);
  progress(
    `ip data: autonomous-system table from @ip-location-db/asn ${source.asnVersion} (${source.asnDir})`,
  );
  const asn = buildAsnTables(
    source.asnDir,
    `@ip-location-db/asn ${source.asnVersion} (RouteViews, RIRs, DB-IP CC BY 4.0)`,
  );
  writeContainer(join(dir, ASN_FILE), asn.meta, asn.arrays);
  const files = Object.fromEntries(FILES.map((f) => [f, statSync(join(dir, f)).size] as const));
  // Written last: a build cut short leaves no manifest, and the next call builds again.
  writeFileSync(
    manifestPath,
    JSON.stringify({ fingerprint: print, builtAt: new Date().toISOString(), files }, null, 2),
  );
  const ms = performance.now() - t0;
  progress(`ip data: built in ${(ms / 1000).toFixed(1)} s into ${dir}`);
  return { dir, built: true, ms, files };
}
