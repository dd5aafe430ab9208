import { describe, expect, it } from 'vitest';
import { streamRecords } from '../../src/pipeline/stream-handler.ts';
import { aLogin } from '../factories/events.ts';
import { aKinesisEvent, aKinesisRecord } from '../factories/kinesis.ts';

describe('streamRecords', () => {
  it('maps each Lambda record: the shard from its eventID, the arrival time in ms, the data as sent', () => {
    // Prepare
    const record = aKinesisRecord(aLogin(), {
      shard: 'shardId-000000000006',
      sequenceNumber: '49000000000000000000000000000000000000000000000000000007',
      partitionKey: 'customer-1',
      arrivedAt: 1_764_000_000_123,
    });

    // Act
    const [mapped] = streamRecords(aKinesisEvent([record]));

    // Assess
    expect(mapped).toEqual({
      shard: 'shardId-000000000006',
      sequenceNumber: '49000000000000000000000000000000000000000000000000000007',
      partitionKey: 'customer-1',
      data: record.kinesis.data,
      arrivedAt: 1_764_000_000_123,
    });
  });

  it('keeps the order of the batch', () => {
    // Prepare
    const records = [1, 2, 3].map(() => aKinesisRecord(aLogin()));

    // Act
    const mapped = streamRecords(aKinesisEvent(records));

    // Assess
    expect(mapped.map((r) => r.sequenceNumber)).toEqual(records.map((r) => r.kinesis.sequenceNumber));
  });
});
