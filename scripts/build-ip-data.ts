/**
 * Builds the IP data tables (geolocation, hosting and crawler networks) into
 * the build cache, or into the directory given, when their sources changed.
 * `npm ci` runs it (postinstall); `npm run build:ip-data [dir]` runs it by hand.
 */
import { ensureIpData } from '../src/ip-data-builder/build.ts';

const { dir, built, files } = ensureIpData(process.argv[2], (line) => console.error(line));
if (!built) {
  const sizes = Object.entries(files).map(([f, bytes]) => `${f} ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  console.error(`ip data: up to date in ${dir} (${sizes.join(', ')})`);
}
