import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoClient } from '../aws.ts';
import {
  type EntityLists,
  type EntityRef,
  type EntryId,
  InvalidListCursorError,
  LIST_CURSOR,
  LIST_NAMES,
  type ListEntry,
  type ListFilter,
  type ListPage,
  cursorAfter,
  entryIdOf,
  unexpired,
} from '../ports/entity-lists.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { type RetryPolicy, UNPROCESSED_RETRY, batchGetAll } from './batch.ts';
import { type Item, withoutKeys } from './items.ts';

/** The one partition of the `byCreated` index. */
const ALL_ENTRIES = 'entry';
/** Query requests per page at most: a page over many expired or filtered-out entries ends early, with a cursor. */
export const MAX_LIST_QUERIES_PER_PAGE = 10;

export interface DynamoEntityListsOptions {
  /** From `dynamoClient()` (src/shared/aws.ts). */
  client: DynamoClient;
  /** The lists table's name, from `tableNames(stage)` (src/shared/tables.ts). */
  table: string;
  /** How what DynamoDB leaves of a batch read unprocessed is sent again. Default {@link UNPROCESSED_RETRY}. */
  unprocessedRetry?: RetryPolicy;
}

/**
 * The DynamoDB adapter of the entity lists: one item per entry in the lists table, `pk` = its
 * id, `ttl` = its expiry (epoch seconds). DynamoDB deletes an expired item within days, not at
 * once (and dynalite never), so every read leaves expired entries out itself:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
 *
 * @example
 * ```ts
 * const lists = new DynamoEntityLists({ client: dynamoClient(), table: tableNames('prod').lists });
 * await lists.lookup([{ kind: 'ip', entity }], Date.now());
 * ```
 */
export class DynamoEntityLists implements EntityLists {
  readonly #client: DynamoClient;
  readonly #table: string;
  readonly #retry: RetryPolicy;

  constructor(options: DynamoEntityListsOptions) {
    this.#client = options.client;
    this.#table = options.table;
    this.#retry = options.unprocessedRetry ?? UNPROCESSED_RETRY;
  }

  /** Both lists' items of every entity in one BatchGetItem (per 100 keys). */
  async lookup(entities: readonly EntityRef[], now: number): Promise<ListEntry[]> {
    if (entities.length === 0) return [];
    const ids = entities.flatMap(({ kind, entity }) =>
      LIST_NAMES.map((list) => entryIdOf({ list, kind, entity })),
    );
    const items = await batchGetAll(this.#client, this.#table, [...new Set(ids)], this.#retry);
    return items.map(toEntry).filter((entry) => unexpired(entry, now));
  }

  async put(entry: ListEntry): Promise<void> {
    const id = entryIdOf(entry);
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          pk: id,
          gsi1pk: ALL_ENTRIES,
          gsi1sk: `${entry.createdAt}#${id}`,
          ...entry,
          [TTL_ATTRIBUTE]: Math.ceil(Date.parse(entry.expiresAt) / 1000),
        },
      }),
    );
  }

  async remove(entryId: EntryId, now: number): Promise<ListEntry | undefined> {
    const { Attributes } = await this.#client.send(
      new DeleteCommand({ TableName: this.#table, Key: { pk: entryId }, ReturnValues: 'ALL_OLD' }),
    );
    const entry = Attributes ? toEntry(Attributes) : undefined;
    return entry && unexpired(entry, now) ? entry : undefined;
  }

  /**
   * Reads `byCreated` newest first, the filter and the expiry applied by DynamoDB
   * (FilterExpression, after `Limit` counted the items read), at most
   * {@link MAX_LIST_QUERIES_PER_PAGE} requests per page.
   */
  async list(filter: ListFilter, now: number, limit: number, cursor?: string): Promise<ListPage> {
    let start = cursor === undefined ? undefined : startKeyOf(cursor);
    const entries: ListEntry[] = [];
    for (let request = 0; request < MAX_LIST_QUERIES_PER_PAGE; request++) {
      const page = await this.#client.send(
        new QueryCommand(queryInput(this.#table, filter, now, limit - entries.length, start)),
      );
      for (const item of page.Items ?? []) entries.push(toEntry(item));
      start = page.LastEvaluatedKey;
      if (entries.length >= limit) {
        return { entries, cursor: cursorAfter(entries.at(-1)!) };
      }
      if (!start) return { entries };
    }
    return { entries, cursor: start!.gsi1sk as string };
  }
}

function queryInput(table: string, filter: ListFilter, now: number, limit: number, start: Item | undefined) {
  const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
  const values: Record<string, string> = { ':all': ALL_ENTRIES, ':now': new Date(now).toISOString() };
  const conditions = ['#expiresAt > :now'];
  for (const field of ['list', 'kind'] as const) {
    const value = filter[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    conditions.push(`#${field} = :${field}`);
  }
  return {
    TableName: table,
    IndexName: 'byCreated',
    KeyConditionExpression: 'gsi1pk = :all',
    FilterExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: limit,
    ExclusiveStartKey: start,
  };
}

/** The index position a cursor names (validated: a cursor is only ever a key this listing gave). */
function startKeyOf(cursor: string): Item {
  const match = LIST_CURSOR.exec(cursor);
  if (!match) throw new InvalidListCursorError();
  return { pk: match[2], gsi1pk: ALL_ENTRIES, gsi1sk: cursor };
}

const toEntry = (item: Item): ListEntry =>
  withoutKeys(item, ['pk', 'gsi1pk', 'gsi1sk', TTL_ATTRIBUTE]) as unknown as ListEntry;
