import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { lowestFailure, toEventRecord } from '../../src/local/kinesis-event.ts';

const aRecord = (sequenceNumber: string): KinesisRecord => ({
  SequenceNumber: sequenceNumber,
  PartitionKey: 'C1',
  Data: Buffer.from('{"n":1}'),
  ApproximateArrivalTimestamp: new Date('2026-11-24T09:30:00.250Z'),
});

describe('lowestFailure', () => {
  const batch = ['9', '10', '11'].map(aRecord);

  it.each([
    ['no response', undefined, undefined],
    ['an empty list', { batchItemFailures: [] }, undefined],
    [
      'the lowest as a number, not as text',
      { batchItemFailures: [{ itemIdentifier: '11' }, { itemIdentifier: '9' }, { itemIdentifier: '10' }] },
      '9',
    ],
    ['invalid for a record not in the batch', { batchItemFailures: [{ itemIdentifier: '12' }] }, 'invalid'],
    ['invalid for an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }, 'invalid'],
  ])('answers %s', (_, response, expected) => {
    // Act
    const lowest = lowestFailure(batch, response);

    // Assess
    expect(lowest).toBe(expected);
  });
});

describe('toEventRecord', () => {
  it('shapes a record as Lambda hands it over', () => {
    // Prepare
    const source = {
      streamArn: 'arn:aws:kinesis:eu-central-1:000000000000:stream/s',
      region: 'eu-central-1',
      shardId: 'shardId-1',
    };

    // Act
    const record = toEventRecord(source, aRecord('42'));

    // Assess
    expect(record).toMatchObject({
      eventID: 'shardId-1:42',
      eventSourceARN: source.streamArn,
      awsRegion: 'eu-central-1',
      kinesis: {
        sequenceNumber: '42',
        partitionKey: 'C1',
        data: Buffer.from('{"n":1}').toString('base64'),
        approximateArrivalTimestamp: 1795512600.25,
      },
    });
  });
});
