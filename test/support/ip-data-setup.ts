import { ensureIpData } from '../../src/ip-data-builder/build.ts';

/**
 * Vitest global setup: the IP data tables, built from the current sources
 * before any test reads them (a no-op unless a data set, geoip-lite or the
 * builder changed since `npm ci`).
 */
export default function setup(): void {
  ensureIpData(undefined, (line) => console.log(line));
}
