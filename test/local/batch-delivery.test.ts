/**
 * Batch delivery on its own, records in memory and no waits: what the poller tests against
 * kinesalite (test/local/poller.test.ts) check end to end, here one decision at a time.
 */
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BatchDelivery, type DeliveryOptions, type FailedRecords } from '../../src/local/batch-delivery.ts';

const SHARD = 'shardId-000000000000';
const records = (count: number): KinesisRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    SequenceNumber: String(100 + i),
    PartitionKey: 'k',
    Data: Buffer.from(`{"n":${i}}`),
    ApproximateArrivalTimestamp: new Date(0),
  }));

/** A delivery whose handler answers with `respond`; every wait returns at once. */
function aDelivery(
  respond: (event: KinesisStreamEvent) => KinesisStreamBatchResponse | void,
  overrides: Partial<DeliveryOptions> = {},
) {
  const failures: FailedRecords[] = [];
  const invocations: string[][] = [];
  const options: DeliveryOptions = {
    handler: async (event) => {
      invocations.push(event.Records.map((r) => r.kinesis.sequenceNumber));
      return respond(event);
    },
    onFailure: (failure) => void failures.push(failure),
    bisectBatchOnError: false,
    maxRetries: 1,
    retryDelayMs: 0,
    counters: { batches: 0, records: 0, retries: 0, failures: 0 },
    isRunning: () => true,
    sleep: async () => {},
    ...overrides,
  };
  const delivery = new BatchDelivery(options, {
    streamArn: 'arn:aws:kinesis:::stream/s',
    region: 'eu-central-1',
  });
  return { delivery, failures, invocations, counters: options.counters };
}

describe('BatchDelivery', () => {
  it('asks for a re-read at the failed record, then gives up on the rest of the batch after the retries', async () => {
    // Prepare
    const batch = records(4);
    const { delivery, failures, counters } = aDelivery(() => ({
      batchItemFailures: [{ itemIdentifier: '102' }],
    }));

    // Act
    const first = await delivery.deliver(SHARD, batch);
    const second = await delivery.deliver(SHARD, batch.slice(2));

    // Assess
    expect(first).toEqual({ kind: 'restart', sequenceNumber: '102' });
    expect(second).toEqual({ kind: 'done' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'partial batch failure', attempts: 2 });
    expect(failures[0]!.records.map((r) => r.sequenceNumber)).toEqual(['102', '103']);
    expect(counters).toMatchObject({ batches: 2, records: 2, failures: 2 });
  });

  it('leaves a failed batch unacknowledged when the poller is stopping', async () => {
    // Prepare
    const { delivery, failures, counters } = aDelivery(
      () => {
        throw new Error('table not found');
      },
      { maxRetries: -1, isRunning: () => false },
    );

    // Act
    const outcome = await delivery.deliver(SHARD, records(3));

    // Assess
    expect(outcome).toEqual({ kind: 'stopped' });
    expect(failures).toEqual([]);
    expect(counters).toMatchObject({ batches: 1, records: 0, failures: 0 });
  });

  it('retries each half of a bisected batch on its own, the first invocation of a half counting as a retry', async () => {
    // Prepare
    const { delivery, failures, invocations, counters } = aDelivery(
      (event) => {
        if (event.Records.some((r) => r.kinesis.sequenceNumber === '100')) throw new Error('poison record');
      },
      { bisectBatchOnError: true },
    );

    // Act
    const outcome = await delivery.deliver(SHARD, records(2));

    // Assess
    expect(outcome).toEqual({ kind: 'done' });
    expect(invocations).toEqual([['100', '101'], ['100'], ['101']]);
    expect(failures.map((f) => [f.reason, f.attempts])).toEqual([['poison record', 2]]);
    expect(counters).toMatchObject({ batches: 3, retries: 2, records: 1, failures: 1 });
  });
});
