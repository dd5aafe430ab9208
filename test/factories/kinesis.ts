/**
 * Kinesis stream records and Lambda events built from contract events (see
 * ./events.ts), as the Kinesis event source hands them to the consumer.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** The stream's arrival clock the records carry: an hour after the fixture events. */
export const ARRIVAL_MS = Date.parse('2026-11-24T09:30:00Z');

let sequence = 0;

/** A fresh sequence number, increasing like a shard's (49 + 54 digits, as Kinesis prints them). */
export function nextSequenceNumber(): string {
  sequence += 1;
  return `49${String(sequence).padStart(54, '0')}`;
}

/** The partition key a producer would use: customerId, else sessionId, else ip. */
function partitionKeyOf(data: unknown): string {
  if (typeof data !== 'object' || data === null) return 'unknown';
  const e = data as Record<string, unknown>;
  for (const field of ['customerId', 'sessionId', 'ip']) if (typeof e[field] === 'string') return e[field];
  return 'unknown';
}

/** The shard test records come from unless told: Lambda's `eventID` names it. */
export const TEST_SHARD = 'shardId-000000000000';

export interface RecordOptions {
  /** Default {@link TEST_SHARD}. */
  shard?: string;
  sequenceNumber?: string;
  partitionKey?: string;
  /** Epoch ms. Default {@link ARRIVAL_MS}. */
  arrivedAt?: number;
  /** The record data exactly as given (base64 text as sent), instead of encoding `data`. */
  rawBase64?: string;
}

/**
 * One Lambda Kinesis record carrying `data`: an event object (JSON-encoded), or a string
 * sent as it is (to build poison records: `'{"not json'`).
 */
export function aKinesisRecord(data: unknown, options: RecordOptions = {}): KinesisStreamRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const sequenceNumber = options.sequenceNumber ?? nextSequenceNumber();
  return {
    awsRegion: 'eu-central-1',
    eventID: `${options.shard ?? TEST_SHARD}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:eu-central-1:123456789012:stream/vigil-test-events',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/vigil-test-consumer',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: options.partitionKey ?? partitionKeyOf(data),
      sequenceNumber,
      data: options.rawBase64 ?? Buffer.from(text, 'utf8').toString('base64'),
      approximateArrivalTimestamp: (options.arrivedAt ?? ARRIVAL_MS) / 1000,
    },
  };
}

/** A Lambda Kinesis event (one shard's batch) of these records or events. */
export function aKinesisEvent(items: readonly (KinesisStreamRecord | unknown)[]): KinesisStreamEvent {
  return { Records: items.map((item) => (isKinesisRecord(item) ? item : aKinesisRecord(item))) };
}

function isKinesisRecord(item: unknown): item is KinesisStreamRecord {
  return typeof item === 'object' && item !== null && 'kinesis' in item && 'eventSource' in item;
}

/** The consumer's record shape: the handler's own mapping of a Lambda event. */
export { streamRecords as toStreamRecords } from '../../src/pipeline/stream-handler.ts';
