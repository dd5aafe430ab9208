// The @ip-location-db/asn dataset (a devDependency), shared by the scripts that build
// src/shared/data/: where it is, which version, and a stream of its rows.
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const datasetDir = join(root, 'node_modules', '@ip-location-db', 'asn');

/** The dataset's package.json (its version dates the data). */
export const datasetPackage = () => JSON.parse(readFileSync(join(datasetDir, 'package.json'), 'utf8'));

/**
 * Streams one of the numeric CSVs (`asn-ipv4-num.csv`, `asn-ipv6-num.csv`),
 * yielding `[start, end, asn]` for the rows whose AS `wanted(asn)` accepts,
 * with the bounds converted by `parseBound`.
 */
export async function* asnRows(file, parseBound, wanted) {
  const lines = createInterface({ input: createReadStream(join(datasetDir, file)), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    // start,end,asn,org: only the first three fields matter; the org name may hold quoted commas.
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a < 0 || b < 0 || c < 0) throw new Error(`${file}: malformed line: ${line}`);
    const asn = Number(line.slice(b + 1, c));
    if (!wanted(asn)) continue;
    yield [parseBound(line.slice(0, a)), parseBound(line.slice(a + 1, b)), asn];
  }
}
