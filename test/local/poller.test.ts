/**
 * The local event-source poller against kinesalite: Lambda's Kinesis
 * semantics (batching, per-shard order, partial batch response, bisect on
 * error, retry limit then on-failure) with recording handlers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileCheckpoints } from '../../src/local/checkpoints.ts';
import { type PutRecord, putRecordsAll } from '../../src/shared/kinesis.ts';
import { type FailedRecords, KinesisPoller, type PollerOptions } from '../../src/local/poller.ts';
import { type LocalKinesis, startKinesalite } from '../support/kinesalite.ts';

let local: LocalKinesis;
let streamCount = 0;
let dir: string;
const pollers: KinesisPoller[] = [];

beforeAll(async () => {
  local = await startKinesalite();
  dir = mkdtempSync(join(tmpdir(), 'vigil-poller-'));
});
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await local.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh stream with `shards` shards. */
async function aStream(shards = 1): Promise<string> {
  const name = `vigil-poller${++streamCount}-events`;
  await local.createStream(name, shards);
  return name;
}

/** `count` records `{"n":i}` under `keys` partition keys in turn. */
function records(count: number, keys = ['k']): PutRecord[] {
  return Array.from({ length: count }, (_, n) => ({
    partitionKey: keys[n % keys.length]!,
    data: Buffer.from(JSON.stringify({ n })),
  }));
}

const decode = (r: KinesisStreamRecord): { n: number } =>
  JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { n: number };

/** A handler that records every invocation; `respond` decides the outcome of each. */
function recorder(respond: (event: KinesisStreamEvent) => KinesisStreamBatchResponse | void = () => {}) {
  const invocations: KinesisStreamRecord[][] = [];
  const handler = async (event: KinesisStreamEvent) => {
    invocations.push(event.Records);
    return respond(event);
  };
  return { invocations, handler };
}

async function poll(
  stream: string,
  options: Omit<PollerOptions, 'client' | 'streamName'>,
): Promise<KinesisPoller> {
  const poller = new KinesisPoller({
    client: local.client(),
    streamName: stream,
    idleDelayMs: 20,
    retryDelayMs: 1,
    ...options,
  });
  pollers.push(poller);
  await poller.start();
  return poller;
}

describe('KinesisPoller', () => {
  it('delivers every record once, in order, in batches of at most batchSize, shaped as Lambda does', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(250));
    const { invocations, handler } = recorder();

    // Act
    const poller = await poll(stream, { handler, batchSize: 100 });
    await poller.whenIdle();

    // Assess
    const delivered = invocations.flat();
    expect(delivered.map((r) => decode(r).n)).toEqual(Array.from({ length: 250 }, (_, n) => n));
    expect(invocations.every((batch) => batch.length <= 100)).toBe(true);
    expect(poller.counters).toMatchObject({ records: 250, retries: 0, failures: 0 });
    const first = delivered[0]!;
    expect(first).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      awsRegion: 'eu-central-1',
      eventSourceARN: expect.stringMatching(new RegExp(`^arn:aws:kinesis:.*:stream/${stream}$`)),
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'k' },
    });
    expect(first.eventID).toBe(`shardId-000000000000:${first.kinesis.sequenceNumber}`);
    expect(Math.abs(first.kinesis.approximateArrivalTimestamp - Date.now() / 1000)).toBeLessThan(60);
    const sequences = delivered.map((r) => BigInt(r.kinesis.sequenceNumber));
    expect(sequences.every((s, i) => i === 0 || s > sequences[i - 1]!)).toBe(true);
  });

  it('restarts a shard at the lowest failed sequence number of a partial batch response', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(10));
    let failed = false;
    const { invocations, handler } = recorder((event) => {
      const seventh = event.Records.find((r) => decode(r).n === 7);
      const fifth = event.Records.find((r) => decode(r).n === 5);
      if (failed || !seventh || !fifth) return;
      failed = true;
      // Both reported: the lowest (record 5) is the checkpoint.
      return {
        batchItemFailures: [
          { itemIdentifier: seventh.kinesis.sequenceNumber },
          { itemIdentifier: fifth.kinesis.sequenceNumber },
        ],
      };
    });

    // Act
    const poller = await poll(stream, { handler, batchSize: 100 });
    await poller.whenIdle();

    // Assess
    expect(invocations.map((batch) => batch.map((r) => decode(r).n))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [5, 6, 7, 8, 9],
    ]);
    expect(poller.counters).toMatchObject({ batches: 2, records: 10, failures: 0 });
  });

  it('bisects a batch that throws, and gives a poison record up to onFailure after maximumRetryAttempts', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(8));
    const { invocations, handler } = recorder((event) => {
      if (event.Records.some((r) => decode(r).n === 5)) throw new Error('poison record');
    });
    const failures: FailedRecords[] = [];

    // Act
    const poller = await poll(stream, {
      handler,
      batchSize: 8,
      bisectBatchOnError: true,
      maximumRetryAttempts: 2,
      onFailure: (f) => void failures.push(f),
    });
    await poller.whenIdle();

    // Assess
    const acknowledged = invocations.filter((batch) => !batch.some((r) => decode(r).n === 5));
    expect(acknowledged.flat().map((r) => decode(r).n)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(invocations.map((batch) => batch.map((r) => decode(r).n))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [4, 5],
      [4],
      [5],
      [5],
      [6, 7],
    ]);
    expect(failures).toHaveLength(1);
    const failure = failures[0]!;
    expect(failure).toMatchObject({ shardId: 'shardId-000000000000', reason: 'poison record', attempts: 3 });
    expect(failure.records).toHaveLength(1);
    expect(Object.keys(failure.records[0]!).sort()).toEqual([
      'approximateArrivalTimestamp',
      'sequenceNumber',
    ]);
    expect(poller.counters).toMatchObject({ records: 7, failures: 1 });
  });

  it('retries a whole failing batch without bisect, then hands all of it to onFailure', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(4));
    const { invocations, handler } = recorder((event) => {
      if (event.Records.some((r) => decode(r).n === 1)) throw new Error('boom');
    });
    const failures: FailedRecords[] = [];

    // Act
    const poller = await poll(stream, {
      handler,
      batchSize: 2,
      maximumRetryAttempts: 1,
      onFailure: (f) => void failures.push(f),
    });
    await poller.whenIdle();

    // Assess
    expect(invocations.map((batch) => batch.map((r) => decode(r).n))).toEqual([
      [0, 1],
      [0, 1],
      [2, 3],
    ]);
    expect(failures.map((f) => f.records.length)).toEqual([2]);
    expect(poller.counters).toMatchObject({ batches: 3, retries: 1, records: 2, failures: 2 });
  });

  it('gives records a handler keeps reporting as failed up to onFailure after maximumRetryAttempts', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(6));
    const { invocations, handler } = recorder((event) => {
      const third = event.Records.find((r) => decode(r).n === 3);
      if (third) return { batchItemFailures: [{ itemIdentifier: third.kinesis.sequenceNumber }] };
    });
    const failures: FailedRecords[] = [];

    // Act
    const poller = await poll(stream, {
      handler,
      batchSize: 5,
      maximumRetryAttempts: 1,
      onFailure: (f) => void failures.push(f),
    });
    await poller.whenIdle();

    // Assess
    expect(invocations.map((batch) => batch.map((r) => decode(r).n))).toEqual([
      [0, 1, 2, 3, 4],
      [3, 4, 5],
    ]);
    // As Lambda: the retried batch is given up on from its checkpoint to its end.
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'partial batch failure', attempts: 2 });
    expect(failures[0]!.records).toHaveLength(3);
    expect(poller.counters).toMatchObject({ records: 3, failures: 3 });
  });

  it('treats a batch item failure that names no record of the batch as a failure of the whole batch', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(3));
    let calls = 0;
    const { invocations, handler } = recorder(() =>
      ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : undefined,
    );

    // Act
    const poller = await poll(stream, { handler });
    await poller.whenIdle();

    // Assess
    expect(invocations.map((batch) => batch.map((r) => decode(r).n))).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(poller.counters).toMatchObject({ batches: 2, retries: 1, records: 3 });
  });

  it('stop() resolves once the batch in flight has finished', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(2));
    let release!: () => void;
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const poller = await poll(stream, {
      handler: async () => {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    await running;

    // Act
    const stopped = poller.stop();
    setTimeout(() => release(), 50);
    await stopped;

    // Assess
    expect(finished).toBe(true);
    expect(poller.counters).toMatchObject({ batches: 1, records: 2 });
  });

  it('keeps per-shard order across shards polled in parallel', async () => {
    // Prepare
    const stream = await aStream(4);
    const keys = Array.from({ length: 16 }, (_, i) => `customer-${i}`);
    await putRecordsAll(local.client(), stream, records(2_000, keys));
    const { invocations, handler } = recorder();

    // Act
    const poller = await poll(stream, { handler, batchSize: 50, maximumBatchingWindowMs: 20 });
    await poller.whenIdle();

    // Assess
    const delivered = invocations.flat();
    expect(delivered).toHaveLength(2_000);
    const shards = new Set(delivered.map((r) => r.eventID.split(':')[0]));
    expect(shards.size).toBeGreaterThan(1);
    for (const batch of invocations) expect(new Set(batch.map((r) => r.eventID.split(':')[0])).size).toBe(1);
    for (const key of keys) {
      const ns = delivered.filter((r) => r.kinesis.partitionKey === key).map((r) => decode(r).n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(ns).toHaveLength(125);
    }
  });

  it('starts at LATEST when asked, delivering only records put after the start', async () => {
    // Prepare
    const stream = await aStream(1);
    await putRecordsAll(local.client(), stream, records(3));
    const { invocations, handler } = recorder();
    const poller = await poll(stream, { handler, startingPosition: 'LATEST' });

    // Act
    await putRecordsAll(local.client(), stream, records(2));
    await poller.whenIdle();

    // Assess
    expect(invocations.flat().map((r) => decode(r).n)).toEqual([0, 1]);
  });

  it('resumes after its checkpoints: a restarted poller delivers only the records not done yet', async () => {
    // Prepare
    const stream = await aStream(2);
    const file = join(dir, `${stream}.json`);
    const keys = ['C1', 'C2', 'C3', 'C4'];
    await putRecordsAll(local.client(), stream, records(40, keys));
    const first = await poll(stream, { handler: recorder().handler, checkpoints: new FileCheckpoints(file) });
    await first.whenIdle();
    await first.stop();
    const later = records(50, keys).slice(40);
    await putRecordsAll(local.client(), stream, later);
    const { invocations, handler } = recorder();

    // Act
    const second = await poll(stream, { handler, checkpoints: new FileCheckpoints(file) });
    await second.whenIdle();

    // Assess
    expect(first.counters.records).toBe(40);
    const delivered = invocations.flat().map((r) => decode(r).n);
    expect(delivered.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 40 + i));
  });

  it('does not checkpoint a batch that stop() left unfinished: the next poller delivers it again', async () => {
    // Prepare
    const stream = await aStream(1);
    const file = join(dir, `${stream}.json`);
    await putRecordsAll(local.client(), stream, records(5));
    let invoked!: () => void;
    const failing = new Promise<void>((resolve) => (invoked = resolve));
    const first = await poll(stream, {
      checkpoints: new FileCheckpoints(file),
      handler: () => {
        invoked();
        return Promise.reject(new Error('down'));
      },
    });
    await failing;
    await first.stop();
    const { invocations, handler } = recorder();

    // Act
    const second = await poll(stream, { handler, checkpoints: new FileCheckpoints(file) });
    await second.whenIdle();

    // Assess
    expect(first.counters.records).toBe(0);
    expect(invocations.flat().map((r) => decode(r).n)).toEqual([0, 1, 2, 3, 4]);
  });
});
