/**
 * The local poller's side of the Lambda contract: a Kinesis record as Lambda hands it to the
 * function, and the function's partial batch response read as Lambda reads it.
 */
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';

/** Where the records of a batch come from. */
export interface RecordSource {
  streamArn: string;
  region: string;
  shardId: string;
}

/** Kinesis sequence numbers are decimal strings of up to 128 bits: compare as integers. */
const compareSequence = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * A record as Lambda hands it over:
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-event-example
 */
export function toEventRecord(source: RecordSource, r: KinesisRecord): KinesisStreamRecord {
  const sequenceNumber = r.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/vigil-local-consumer',
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

/**
 * The lowest sequence number in `batchItemFailures`, `invalid` when an entry does not name a
 * record of the batch (empty, or not in it), or undefined when nothing failed.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 */
export function lowestFailure(
  records: readonly KinesisRecord[],
  response: KinesisStreamBatchResponse | void,
): string | undefined {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return undefined;
  const inBatch = new Set(records.map((r) => r.SequenceNumber));
  let lowest: string | undefined;
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !inBatch.has(id)) return 'invalid';
    if (lowest === undefined || compareSequence(id, lowest) < 0) lowest = id;
  }
  return lowest;
}
