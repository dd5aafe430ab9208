import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionBundle, measureInit, synthBundles } from '../../bench/bundles.ts';
import { IP_DATA_DIR, IP_DATA_FILES } from '../../infra/pipeline.ts';
import { ipDataDir } from '../../src/shared/ip-data/load.ts';

// The one synthesis with bundling of the suite (esbuild plus copies of the IP data): shared by every test here.
let outdir: string;
let bundles: FunctionBundle[];
let consumer: FunctionBundle;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'vigil-bundle-test-'));
  bundles = synthBundles(outdir);
  consumer = bundles.find((b) => b.name === 'vigil-dev-consume-events')!;
}, 180_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the consumer bundle (local esbuild, no Docker)', () => {
  it('is one ES module handler with the IP data tables beside it and nothing else', () => {
    // Prepare
    const files = readdirSync(consumer.dir).sort();

    // Act
    const data = readdirSync(join(consumer.dir, IP_DATA_DIR)).sort();

    // Assess
    expect(consumer.entry).toBe('index.mjs');
    expect(files).toEqual(['index.mjs', IP_DATA_DIR]);
    expect(data).toEqual([...IP_DATA_FILES].sort());
    for (const file of IP_DATA_FILES) {
      expect(statSync(join(consumer.dir, IP_DATA_DIR, file)).size).toBe(
        statSync(join(ipDataDir(), file)).size,
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

  it('starts in a fresh process from its own folder and handles an empty batch without reading IP data', () => {
    // Prepare
    const bundle = consumer;

    // Act
    const init = measureInit(bundle, 1);

    // Assess: the tables are read at the first lookup, not at import
    expect(init.rssMiB).toBeLessThan(100);
    expect(init.firstResult).toEqual({ batchItemFailures: [] });
  });
});

describe('the API bundles', () => {
  it('ship the IP data tables with the score function only', () => {
    // Prepare
    const api = bundles.filter((b) => b.fn !== 'consume-events');

    // Act
    const withGeo = api.filter((b) => readdirSync(b.dir).includes(IP_DATA_DIR)).map((b) => b.fn);

    // Assess
    expect(api.map((b) => b.fn)).toEqual(
      expect.arrayContaining(['score-order', 'authorize-request', 'list-alerts']),
    );
    expect(withGeo).toEqual(['score-order']);
    for (const bundle of api.filter((b) => b.fn !== 'score-order')) {
      expect(readdirSync(bundle.dir)).toEqual(['index.mjs']);
    }
  });

  it('score an order in a fresh process, degraded when DynamoDB refuses, with geo data found beside the bundle', () => {
    // Prepare
    const score = bundles.find((b) => b.fn === 'score-order')!;

    // Act
    const init = measureInit(score, 1);

    // Assess
    const answer = init.firstResult as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      eventId: 'bench-init-1',
      degraded: true,
      failPolicy: 'open',
    });
  });

  it('start without geo data where none is shipped: the other functions answer, the authorizer names an API key caller', () => {
    // Prepare
    const others = bundles.filter((b) => !['consume-events', 'score-order'].includes(b.fn));

    // Act
    const answers = others.map((b) => [b.fn, measureInit(b, 1)] as const);

    // Assess
    for (const [fn, init] of answers) {
      const result = init.firstResult as { statusCode?: number; context?: { role?: string } };
      if (fn === 'authorize-request') expect(result.context).toEqual({ role: 'order-flow' });
      else expect(result.statusCode).toBe(401);
      expect(init.rssMiB).toBeLessThan(150);
    }
  });

  it('keep the authorizer small: no route schemas, no zod, no geo data', () => {
    // Prepare
    const authorizer = bundles.find((b) => b.fn === 'authorize-request')!;

    // Act
    const { packageBytes } = authorizer;

    // Assess
    expect(packageBytes).toBeLessThan(100 * 1024);
  });
});
