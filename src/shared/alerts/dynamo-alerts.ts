import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { TTL_ATTRIBUTE } from '../tables.ts';
import {
  ALERT_STATUSES,
  type AlertFilter,
  AlertNotFoundError,
  type AlertPage,
  type AlertRecord,
  type AlertRepository,
  type AlertStatus,
  AlreadyDisposedError,
  type Disposition,
  InvalidCursorError,
  matches,
} from './model.ts';

type Item = Record<string, unknown>;

/** The index that lists alerts by status and event time (`src/shared/tables.ts`). */
const INDEX = 'gsi1';
/** Items read per Query request. */
const QUERY_PAGE = 100;
/** Query requests per status partition and listing page: a very selective filter answers a short page and a cursor. */
const MAX_QUERIES_PER_PAGE = 10;

/** Where a status partition's listing stands: from the newest, after an index key, or done. */
const PositionSchema = z.union([
  z.object({ at: z.literal('start') }),
  z.object({ at: z.literal('done') }),
  z.object({
    at: z.literal('after'),
    key: z.object({ pk: z.string(), gsi1pk: z.string(), gsi1sk: z.string() }),
  }),
]);
type Position = z.infer<typeof PositionSchema>;
const CursorSchema = z.partialRecord(z.enum(ALERT_STATUSES), PositionSchema);
type Cursor = z.infer<typeof CursorSchema>;

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(text: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError();
  }
}

const indexKey = (item: Item) => ({
  pk: item.pk as string,
  gsi1pk: item.gsi1pk as string,
  gsi1sk: item.gsi1sk as string,
});

/** A stored item as an AlertRecord (the table's own key and index attributes left out). */
function toRecord(item: Item): AlertRecord {
  const rest = { ...item };
  for (const name of ['pk', 'gsi1pk', 'gsi1sk', TTL_ATTRIBUTE]) delete rest[name];
  return { ...(rest as Omit<AlertRecord, 'expiresAt'>), expiresAt: item[TTL_ATTRIBUTE] as number };
}

/**
 * Alerts in the `alerts` table, as the stream consumer's `DynamoAlertWriter` writes them
 * (`pk` = alertId, `gsi1pk` = `status#<status>`, `gsi1sk` = ISO event time), read and disposed
 * of by the analysts' APIs.
 *
 * **Listing** queries `gsi1` newest first, one status partition per status asked for (both
 * when the filter names none), merging them by event time. The cursor keeps where each
 * partition stands (its last index key returned, or done), so pages never repeat or skip an
 * alert whichever partition it came from. Filters other than status and time are applied to
 * the items read (a FilterExpression would cost the same reads and cannot look inside the
 * list of reasons); at most {@link MAX_QUERIES_PER_PAGE} requests per partition and page, so a
 * very selective filter answers a short (even empty) page with a cursor rather than reading
 * the table in one request.
 *
 * **Disposition** is one conditional UpdateItem: `status` from `open` to `closed`, `gsi1pk` with
 * it (the alert moves to the closed partition of the index), and the disposition. The
 * pipeline's writer only creates `status` and `gsi1pk` when missing, so a redelivered event
 * never reopens a closed alert.
 *
 * @example
 * ```ts
 * const alerts = new DynamoAlertRepository({ client: dynamoClient(), table: tableNames('prod').alerts });
 * const page = await alerts.list({ status: 'open', minScore: 80 }, 25);
 * ```
 */
export class DynamoAlertRepository implements AlertRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: { client: DynamoDBDocumentClient; table: string }) {
    this.#client = options.client;
    this.#table = options.table;
  }

  async list(filter: AlertFilter, limit: number, cursorText?: string): Promise<AlertPage> {
    const statuses: readonly AlertStatus[] = filter.status ? [filter.status] : ALERT_STATUSES;
    const cursor: Cursor = cursorText
      ? decodeCursor(cursorText)
      : Object.fromEntries(statuses.map((s) => [s, { at: 'start' }]));
    if (statuses.some((s) => cursor[s] === undefined)) throw new InvalidCursorError();

    const reads = await Promise.all(statuses.map((s) => this.#read(s, cursor[s]!, filter, limit)));
    // Merge newest first; take `limit`, counting how many each partition gave.
    const heads = reads.map(() => 0);
    const alerts: AlertRecord[] = [];
    while (alerts.length < limit) {
      let best = -1;
      reads.forEach((read, i) => {
        const item = read.items[heads[i]!];
        if (
          item &&
          (best < 0 || (item.gsi1sk as string) > (reads[best]!.items[heads[best]!]!.gsi1sk as string))
        ) {
          best = i;
        }
      });
      if (best < 0) break;
      alerts.push(toRecord(reads[best]!.items[heads[best]!++]!));
    }
    const next: Cursor = {};
    statuses.forEach((status, i) => {
      const { items, resume } = reads[i]!;
      const taken = heads[i]!;
      if (taken === items.length) next[status] = resume;
      // Nothing taken from a partition whose matches are all newer-ranked elsewhere: it stays where it stood.
      else if (taken === 0) next[status] = cursor[status]!;
      else next[status] = { at: 'after', key: indexKey(items[taken - 1]!) };
    });
    const more = statuses.some((s) => next[s]!.at !== 'done');
    return more ? { alerts, cursor: encodeCursor(next) } : { alerts };
  }

  async get(alertId: string): Promise<AlertRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: alertId }, ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async dispose(alertId: string, disposition: Disposition): Promise<AlertRecord> {
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: alertId },
          UpdateExpression: 'SET #status = :closed, #gsi1pk = :closedPk, #disposition = :d',
          ConditionExpression: 'attribute_exists(#pk) AND #status = :open',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#status': 'status',
            '#gsi1pk': 'gsi1pk',
            '#disposition': 'disposition',
          },
          ExpressionAttributeValues: {
            ':open': 'open',
            ':closed': 'closed',
            ':closedPk': 'status#closed',
            ':d': disposition,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      const existing = await this.get(alertId);
      if (!existing) throw new AlertNotFoundError(alertId);
      throw new AlreadyDisposedError(existing.disposition);
    }
  }

  async *each(range: Pick<AlertFilter, 'from' | 'to'>): AsyncIterable<AlertRecord> {
    for (const status of ALERT_STATUSES) {
      let start: Item | undefined;
      do {
        const page = await this.#client.send(
          new QueryCommand({ ...this.#query(status, range), ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) yield toRecord(item);
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }

  /** The Query of one status partition of the index over an event-time range, newest first. */
  #query(status: AlertStatus, { from, to }: Pick<AlertFilter, 'from' | 'to'>): QueryCommandInput {
    const names: Record<string, string> = { '#p': 'gsi1pk' };
    const values: Record<string, unknown> = { ':p': `status#${status}` };
    let condition = '#p = :p';
    if (from !== undefined || to !== undefined) {
      names['#s'] = 'gsi1sk';
      if (from !== undefined) values[':from'] = from;
      if (to !== undefined) values[':to'] = to;
      condition +=
        from !== undefined && to !== undefined
          ? ' AND #s BETWEEN :from AND :to'
          : from !== undefined
            ? ' AND #s >= :from'
            : ' AND #s <= :to';
    }
    return {
      TableName: this.#table,
      IndexName: INDEX,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    };
  }

  /**
   * Up to `limit` matching items of one partition from its position (maybe more, from the last
   * page read), and where to resume after the last item read: the next page, or done.
   */
  async #read(
    status: AlertStatus,
    position: Position,
    filter: AlertFilter,
    limit: number,
  ): Promise<{ items: Item[]; resume: Position }> {
    if (position.at === 'done') return { items: [], resume: position };
    const items: Item[] = [];
    let start: Item | undefined = position.at === 'after' ? position.key : undefined;
    for (let request = 0; request < MAX_QUERIES_PER_PAGE; request++) {
      const page = await this.#client.send(
        new QueryCommand({ ...this.#query(status, filter), Limit: QUERY_PAGE, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) if (matches(toRecord(item), filter)) items.push(item);
      start = page.LastEvaluatedKey;
      if (!start) return { items, resume: { at: 'done' } };
      if (items.length >= limit) break;
    }
    return { items, resume: { at: 'after', key: indexKey(start!) } };
  }
}
