import { describe, expect, it } from 'vitest';
import type { DynamoClient } from '../../../src/shared/aws.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWriteAll } from '../../../src/shared/dynamo/batch.ts';
import { NO_PAUSE } from '../../support/faults.ts';

describe('batchGetAll', () => {
  /** A client whose reader answers BatchGetItem with `answer` (keys as DynamoDB sends them: `{ pk: { S } }`). */
  const aReader = (answer: (pks: string[]) => { served: string[]; unprocessed: string[] }) =>
    ({
      reader: {
        send: async (command: {
          input: { RequestItems: Record<string, { Keys: { pk: { S: string } }[] }> };
        }) => {
          const { served, unprocessed } = answer(command.input.RequestItems.t!.Keys.map((k) => k.pk.S));
          const marshalled = (pks: string[]) => pks.map((pk) => ({ pk: { S: pk } }));
          return {
            Responses: { t: marshalled(served) },
            UnprocessedKeys: unprocessed.length ? { t: { Keys: marshalled(unprocessed) } } : {},
          };
        },
      },
    }) as unknown as Pick<DynamoClient, 'reader'>;

  it('asks again for unprocessed keys, in requests of at most 100 keys', async () => {
    // Prepare
    const requests: string[][] = [];
    let withheld = false;
    const client = aReader((keys) => {
      requests.push(keys);
      // The first response leaves its last two keys unprocessed, as DynamoDB may under load.
      const answer = withheld
        ? { served: keys, unprocessed: [] }
        : { served: keys.slice(0, -2), unprocessed: keys.slice(-2) };
      withheld = true;
      return answer;
    });
    const pks = Array.from({ length: 150 }, (_, i) => `k${i}`);

    // Act
    const items = await batchGetAll(client, 't', pks, NO_PAUSE);

    // Assess
    expect(items.map((i) => i.pk).sort()).toEqual([...pks].sort());
    expect(requests.map((r) => r.length).sort((a, b) => a - b)).toEqual([2, 50, 100]);
  });

  it('gives up after the bounded number of requests', async () => {
    // Prepare
    const client = aReader(() => ({ served: [], unprocessed: ['a'] }));

    // Act
    const result = batchGetAll(client, 't', ['a'], { retries: 2, minTimeout: 0 });

    // Assess
    await expect(result).rejects.toThrow(/keys: 1 unprocessed after 3 requests/);
  });
});

describe('batchWriteAll', () => {
  it('leaves a failed request to the SDK, which retried it already: no request of its own again', async () => {
    // Prepare: a client whose every BatchWriteItem fails
    let sent = 0;
    const client = {
      send: async () => {
        sent++;
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      },
    } as unknown as DynamoDBDocumentClient;

    // Act
    const result = batchWriteAll(client, 't', [{ pk: 'a' }], NO_PAUSE);

    // Assess
    await expect(result).rejects.toThrow('throttled');
    expect(sent).toBe(1);
  });
});
