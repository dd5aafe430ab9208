import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolveConfig } from '/work/main/src/shared/config.ts';
import { Detector } from '/work/main/src/shared/detector.ts';
import { InMemoryProfileStore } from '/work/main/src/shared/profile/memory-store.ts';
import { Pseudonymiser } from '/work/main/src/shared/pseudonymise.ts';
const lines = readFileSync('/tmp/ev/events.ndjson', 'utf8').split('\n').filter(Boolean);
const d = new Detector({
  store: new InMemoryProfileStore(),
  pseudonymiser: new Pseudonymiser({ version: 'v1', secret: randomBytes(32) }),
  config: resolveConfig(),
});
const t0 = performance.now();
for (const l of lines) {
  const v = await d.process(JSON.parse(l));
  JSON.stringify(v);
}
console.log((lines.length / ((performance.now() - t0) / 1000)).toFixed(0), 'ev/s');
