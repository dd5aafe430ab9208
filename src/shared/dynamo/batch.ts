import { type AttributeValue, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pRetry, { type Options as RetryOptions } from 'p-retry';
import { unmarshallLossless } from '../map-keys.ts';
import type { DynamoClient } from '../aws.ts';
import type { Item } from './items.ts';

/** BatchGetItem takes at most 100 keys per request. */
const BATCH_GET_MAX_KEYS = 100;
/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_MAX_ITEMS = 25;

/**
 * How the part of a batch that DynamoDB left unprocessed is sent again (p-retry's options). Under
 * throttling (and, for reads, past 16 MB) BatchGetItem and BatchWriteItem succeed with part of the
 * batch left in `UnprocessedKeys` / `UnprocessedItems` instead of failing, so the SDK's own retry
 * never sees it; AWS advises sending that part again with exponential backoff:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 * `retries` counts the requests after the first.
 */
export type RetryPolicy = Pick<
  RetryOptions,
  'retries' | 'factor' | 'minTimeout' | 'maxTimeout' | 'randomize'
>;

/**
 * 8 requests, pauses from 50 ms doubling up to 2 s, each randomised (×1 to ×2) so that throttled
 * writers do not retry in step; about 7 s at worst, within a Lambda's time.
 * https://github.com/sindresorhus/p-retry#options
 */
export const UNPROCESSED_RETRY: RetryPolicy = {
  retries: 7,
  minTimeout: 50,
  factor: 2,
  maxTimeout: 2_000,
  randomize: true,
};

/** What a batch request left unprocessed: the one failure p-retry retries (SDK errors are the SDK's). */
class Unprocessed extends Error {
  override name = 'Unprocessed';
}

/**
 * Sends `first`, then whatever each answer leaves unprocessed, until nothing is left: p-retry
 * does the pausing and counting, the closure shrinks what is sent again.
 *
 * @throws Error naming `what` when some is still unprocessed after the policy's last request.
 */
async function untilProcessed<T>(
  first: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
  what: string,
  retry: RetryPolicy,
): Promise<void> {
  let pending = first;
  await pRetry(
    async (attempt) => {
      pending = await send(pending);
      if (pending.length > 0) {
        throw new Unprocessed(`${what}: ${pending.length} unprocessed after ${attempt} requests`);
      }
    },
    { ...retry, shouldRetry: ({ error }) => error instanceof Unprocessed },
  );
}

const chunked = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Reads items by partition key (`pk`), any number of them: BatchGetItem in requests of 100 keys
 * (in parallel), strongly consistent, through the client's {@link DynamoClient.reader} (the hot
 * read: see there why). Keys left unprocessed are asked again by `retry`.
 *
 * @throws Error when keys are still unprocessed after the policy's last request.
 */
export async function batchGetAll(
  client: Pick<DynamoClient, 'reader'>,
  table: string,
  pks: readonly string[],
  retry: RetryPolicy = UNPROCESSED_RETRY,
): Promise<Item[]> {
  const items: Item[] = [];
  await Promise.all(
    chunked(pks, BATCH_GET_MAX_KEYS).map((chunk) =>
      untilProcessed<Record<string, AttributeValue>>(
        chunk.map((pk) => ({ pk: { S: pk } })),
        async (keys) => {
          const out = await client.reader.send(
            new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [...keys], ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[table] ?? []) items.push(unmarshallLossless(item));
          return out.UnprocessedKeys?.[table]?.Keys ?? [];
        },
        `BatchGetItem on ${table}: keys`,
        retry,
      ),
    ),
  );
  return items;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

/** BatchWriteItem in requests of 25 (in parallel), what is left unprocessed sent again by `retry`. */
async function batchWrite(
  client: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
  retry: RetryPolicy,
): Promise<void> {
  await Promise.all(
    chunked(requests, BATCH_WRITE_MAX_ITEMS).map((chunk) =>
      untilProcessed(
        chunk,
        async (pending) => {
          const { UnprocessedItems } = await client.send(
            new BatchWriteCommand({ RequestItems: { [table]: [...pending] } }),
          );
          return (UnprocessedItems?.[table] ?? []) as WriteRequest[];
        },
        `BatchWriteItem on ${table}: items`,
        retry,
      ),
    ),
  );
}

/**
 * Puts items (each with a `pk`) with BatchWriteItem. Items with the same `pk` are sent once (the
 * last wins): DynamoDB rejects a request that names a key twice.
 *
 * @throws Error when items are still unprocessed after the policy's last request.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Item[],
  retry: RetryPolicy = UNPROCESSED_RETRY,
): Promise<void> {
  const unique = [...new Map(items.map((item) => [item.pk as string, item])).values()];
  await batchWrite(
    client,
    table,
    unique.map((Item) => ({ PutRequest: { Item } })),
    retry,
  );
}

/**
 * Deletes items by partition key (`pk`) with BatchWriteItem (a missing item is no error).
 *
 * @throws Error when deletes are still unprocessed after the policy's last request.
 */
export async function batchDeleteAll(
  client: DynamoDBDocumentClient,
  table: string,
  pks: readonly string[],
  retry: RetryPolicy = UNPROCESSED_RETRY,
): Promise<void> {
  const keys = [...new Set(pks)].map((pk) => ({ DeleteRequest: { Key: { pk } } }));
  await batchWrite(client, table, keys, retry);
}
