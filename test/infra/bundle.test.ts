import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionBundle, measureInit, synthBundles } from '../../bench/bundles.ts';
import { GEO_DATA_DIR, GEO_DATA_FILES } from '../../infra/pipeline.ts';

// The one synthesis with bundling of the suite (esbuild plus a 140 MB copy of geo data): shared by every test here.
let outdir: string;
let consumer: FunctionBundle;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'vigil-bundle-test-'));
  const bundles = synthBundles(outdir);
  consumer = bundles.find((b) => b.name === 'vigil-dev-consume-events')!;
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const GEO_SOURCE = join(dirname(createRequire(import.meta.url).resolve('geoip-lite/package.json')), 'data');

describe('the consumer bundle (local esbuild, no Docker)', () => {
  it('is one ES module handler with geoip-lite city data beside it and nothing else', () => {
    // Prepare
    const files = readdirSync(consumer.dir).sort();

    // Act
    const geo = readdirSync(join(consumer.dir, GEO_DATA_DIR)).sort();

    // Assess
    expect(consumer.entry).toBe('index.mjs');
    expect(files).toEqual([GEO_DATA_DIR, 'index.mjs']);
    expect(geo).toEqual([...GEO_DATA_FILES].sort());
    for (const file of GEO_DATA_FILES) {
      expect(statSync(join(consumer.dir, GEO_DATA_DIR, file)).size).toBe(
        statSync(join(GEO_SOURCE, file)).size,
      );
    }
  });

  it('keeps the handler small and the package within the Lambda limit', () => {
    // Prepare
    const lambdaUnzippedLimit = 250 * 2 ** 20;

    // Act
    const { codeBytes, packageBytes } = consumer;

    // Assess
    expect(codeBytes).toBeLessThan(4 * 2 ** 20);
    expect(packageBytes).toBeLessThan(lambdaUnzippedLimit);
  });

  it('starts in a fresh process from its own folder: geo data found through GEODATADIR, an empty batch handled', () => {
    // Prepare
    const bundle = consumer;

    // Act
    const init = measureInit(bundle, 1);

    // Assess: geoip-lite holds the city databases in memory, so the process is well above a bare Node.js
    expect(init.rssMiB).toBeGreaterThan(150);
    expect(init.firstResult).toEqual({ batchItemFailures: [] });
  });
});
