import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchDynamo, startBenchDynamo } from '../../bench/bench-dynamo.ts';
import { type FunctionBundle, synthBundles } from '../../bench/bundle-synth.ts';
import { measureInit } from '../../bench/bundles.ts';
import { IP_DATA_DIR, IP_DATA_FILES } from '../../infra/lambda.ts';
import { ipDataDir } from '../../src/shared/ip-data/load.ts';

// The one synthesis with bundling of the suite (esbuild plus copies of the IP data) and the one
// local DynamoDB (tables of stage dev) the functions' first requests go to: shared by every test here.
let outdir: string;
let bundles: FunctionBundle[];
let consumer: FunctionBundle;
let dynamo: BenchDynamo;
beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'vigil-bundle-test-'));
  // The score's budget as long as the context allows: these tests check that a bundle reads
  // DynamoDB and finds its data, not how fast (the bench does); a cold process on a busy machine
  // can take longer than the default 150 ms for its first read, and would answer degraded.
  bundles = synthBundles(outdir, { scoreBudgetMs: 10_000 });
  consumer = bundles.find((b) => b.name === 'vigil-dev-consume-events')!;
  dynamo = await startBenchDynamo();
}, 180_000);
afterAll(async () => {
  await dynamo?.close();
  rmSync(outdir, { recursive: true, force: true });
});

/** An API function's first answer. */
type ApiAnswer = { statusCode: number; body: string };

/** The contract event in the consumer's one-record Kinesis batch. */
function eventOf(kinesisEvent: unknown): { eventId: string; type: string } {
  const { Records } = kinesisEvent as { Records: { kinesis: { data: string } }[] };
  return JSON.parse(Buffer.from(Records[0]!.kinesis.data, 'base64').toString('utf8')) as {
    eventId: string;
    type: string;
  };
}

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

  it('starts in a fresh process from its own folder and consumes a batch of one login into DynamoDB', async () => {
    // Prepare
    const bundle = consumer;

    // Act
    const init = measureInit(bundle, { endpoint: dynamo.endpoint, runs: 2 });

    // Assess: each run's login decided and stored (with the IP data tables read for its address)
    expect(init.firstResult).toEqual({ batchItemFailures: [] });
    const login = eventOf(init.firstEvent);
    expect(login.type).toBe('login');
    const { Item } = await dynamo
      .client()
      .send(new GetCommand({ TableName: dynamo.tables.decisions, Key: { pk: login.eventId } }));
    expect(JSON.parse(String(Item?.d))).toMatchObject({ eventId: login.eventId, eventType: 'login' });
    expect(init.rssMiB).toBeLessThan(200);
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

  it('score an order in a fresh process against DynamoDB, not degraded, with geo data found beside the bundle', () => {
    // Prepare
    const score = bundles.find((b) => b.fn === 'score-order')!;

    // Act
    const init = measureInit(score, { endpoint: dynamo.endpoint, runs: 1 });

    // Assess
    const answer = init.firstResult as ApiAnswer;
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body).toMatchObject({ eventId: 'bench-init-1', decision: expect.any(String) });
    expect(body).not.toHaveProperty('degraded');
    expect(init.rssMiB).toBeLessThan(200);
  });

  it('score an order in a fresh process, degraded when DynamoDB refuses', () => {
    // Prepare: port 9 (discard) on loopback: nothing listens, the connection is refused at once
    const score = bundles.find((b) => b.fn === 'score-order')!;

    // Act
    const init = measureInit(score, { endpoint: 'http://127.0.0.1:9', runs: 1 });

    // Assess
    const answer = init.firstResult as ApiAnswer;
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      eventId: 'bench-init-1',
      degraded: true,
      failPolicy: 'open',
    });
  });

  it('start without geo data where none is shipped: each other function answers a caller its route allows from DynamoDB, the authorizer names an API key caller', () => {
    // Prepare: 404 where the request names an id nothing has
    const others = bundles.filter((b) => !['consume-events', 'score-order'].includes(b.fn));
    const notFound = ['get-alert', 'dispose-alert', 'get-rights-request', 'remove-entry'];

    // Act
    const answers = others.map(
      (b) => [b.fn, measureInit(b, { endpoint: dynamo.endpoint, runs: 1 })] as const,
    );

    // Assess
    expect(answers.map(([fn]) => fn)).toEqual(
      expect.arrayContaining([...notFound, 'list-alerts', 'list-audit', 'export-subject', 'erase-subject']),
    );
    for (const [fn, init] of answers) {
      const result = init.firstResult as Partial<ApiAnswer> & { context?: { role?: string } };
      if (fn === 'authorize-request') expect(result.context).toEqual({ role: 'order-flow' });
      else expect([fn, result.statusCode]).toEqual([fn, notFound.includes(fn) ? 404 : 200]);
      expect(init.rssMiB).toBeLessThan(150);
    }
  });

  it('answer the privacy service as the signer of an AWS_IAM route, and write its audit entry', async () => {
    // Prepare
    const exportSubject = bundles.find((b) => b.fn === 'export-subject')!;

    // Act
    const init = measureInit(exportSubject, { endpoint: dynamo.endpoint, runs: 1 });

    // Assess
    const answer = init.firstResult as ApiAnswer;
    expect(answer.statusCode).toBe(200);
    const { Items = [] } = await dynamo.client().send(new ScanCommand({ TableName: dynamo.tables.audit }));
    expect(Items).toContainEqual(
      expect.objectContaining({ principalId: 'privacy-service:bench', action: 'subject.export' }),
    );
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
