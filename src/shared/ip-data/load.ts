import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, readEnv } from '../env.ts';
import { type Column, type Container, openContainer } from './container.ts';
import type { RangeTable4, RangeTable6 } from './range-table.ts';

/*
 * The IP data tables at run time: opened on first use (their headers read,
 * their pages read as lookups touch them: `container.ts`) from the
 * directory `VIGIL_IP_DATA_DIR` names (a Lambda function's package, where
 * `cdk synth` put them), else from the build cache of this checkout
 * (`node_modules/.cache/vigil/ip-data`, filled by `npm ci`). Nothing here
 * builds them: see `build.ts`.
 */

/** The geolocation table's file name. */
export const GEO_FILE = 'geo.bin';
/** The network tables' file name. */
export const NETWORKS_FILE = 'networks.bin';
/** The autonomous-system table's file name. */
export const ASN_FILE = 'asn.bin';

/**
 * The directory the tables are read from.
 *
 * @example
 * ```ts
 * ipDataDir(); // → '/var/task/ip-data' on Lambda
 * ```
 */
export function ipDataDir(): string {
  return (
    readEnv(ENV.ipDataDir) ??
    fileURLToPath(new URL('../../../node_modules/.cache/vigil/ip-data', import.meta.url))
  );
}

function open(file: string): Container {
  const path = join(ipDataDir(), file);
  try {
    return openContainer(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `IP data tables not found at ${path}: run \`npm run build:ip-data\` (npm ci does), ` +
          `or point ${ENV.ipDataDir} at them`,
        { cause: error },
      );
    }
    throw error;
  }
}

function table4(container: Container, name: string): RangeTable4 {
  return {
    starts: container.column(`${name}.starts`, Uint32Array),
    owners: container.column(`${name}.owners`, Uint32Array),
  };
}

function table6(container: Container, name: string): RangeTable6 {
  return {
    startHi: container.column(`${name}.startHi`, Uint32Array),
    startLo: container.column(`${name}.startLo`, Uint32Array),
    owners: container.column(`${name}.owners`, Uint32Array),
  };
}

/** The geolocation table: ranges owned by answers, and the answers' columns. */
export interface GeoTables {
  readonly source: string;
  readonly v4: RangeTable4;
  readonly v6: RangeTable6;
  readonly countries: readonly string[];
  /** Per answer: index into `countries`. */
  readonly country: Column;
  /** Per answer: latitude and longitude x 100. */
  readonly lat: Column;
  readonly lon: Column;
  /** Per answer: accuracy radius, km (0: none given). */
  readonly area: Column;
  /** The file the table is read from, its size, and how much of it has been read so far. */
  readonly file: Container['file'];
}

/** `load` on the first call, its value on every later one. */
function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

/**
 * The geolocation table (a file of about 30 MB), opened on first call.
 *
 * @example
 * ```ts
 * const { v4, v6 } = geoTables();
 * ```
 */
export const geoTables = once((): GeoTables => {
  const container = open(GEO_FILE);
  const meta = container.meta as { source: string; countries: string[] };
  return {
    source: meta.source,
    v4: table4(container, 'v4'),
    v6: table6(container, 'v6'),
    countries: meta.countries,
    country: container.column('answer.country', Uint16Array),
    lat: container.column('answer.lat', Int16Array),
    lon: container.column('answer.lon', Int16Array),
    area: container.column('answer.area', Uint16Array),
    file: container.file,
  };
});

/** What `networks.ts` needs beside the arrays. */
export interface NetworkMeta {
  hostingOwners: { name: string; asn: number }[];
  crawlerNames: string[];
  info: {
    hosting: { source: string; generatedAt: string; asns: number; ranges: number };
    crawlers: { source: string; recordedAt: string; ranges: number };
  };
}

/** The hosting and crawler network tables and their owners. */
export interface NetworkTables extends NetworkMeta {
  readonly hosting4: RangeTable4;
  readonly hosting6: RangeTable6;
  readonly crawlers4: RangeTable4;
  readonly crawlers6: RangeTable6;
}

/**
 * The hosting and crawler network tables, opened on first call.
 *
 * @example
 * ```ts
 * const { hosting4, hostingOwners } = networkTables();
 * ```
 */
export const networkTables = once((): NetworkTables => {
  const container = open(NETWORKS_FILE);
  return {
    ...(container.meta as NetworkMeta),
    hosting4: table4(container, 'hosting4'),
    hosting6: table6(container, 'hosting6'),
    crawlers4: table4(container, 'crawlers4'),
    crawlers6: table6(container, 'crawlers6'),
  };
});

/** What the autonomous-system table holds beside the arrays. */
export interface AsnMeta {
  source: string;
  ranges: { v4: number; v6: number };
}

/** The autonomous-system tables: ranges owned by their AS number. */
export interface AsnTables extends AsnMeta {
  readonly v4: RangeTable4;
  readonly v6: RangeTable6;
}

/**
 * The autonomous-system tables (a file of about 5 MB), opened on first call.
 *
 * @example
 * ```ts
 * const { v4, v6 } = asnTables();
 * ```
 */
export const asnTables = once((): AsnTables => {
  const container = open(ASN_FILE);
  return {
    ...(container.meta as AsnMeta),
    v4: table4(container, 'v4'),
    v6: table6(container, 'v6'),
  };
});
