import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { EVENT_ID_PATTERN } from '../contract/events.ts';
import {
  ALERT_STATUSES,
  type AlertFilter,
  AlertNotFoundError,
  type AlertPage,
  type AlertRepository,
  type AlertStatus,
  AlreadyDisposedError,
  type Disposition,
  InvalidCursorError,
  type StoredAlert,
} from '../ports/alerts.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import {
  ALERT_ITEM_KEYS,
  ALERT_STATUS_SHARDS,
  statusPartition,
  statusPartitionOf,
  statusShard,
} from './alerts.ts';
import { type Item, withoutKeys } from './items.ts';

/** The index that lists alerts by status and event time (`src/shared/tables.ts`). */
const INDEX = 'gsi1';
/** Items read per Query request at most (the page size when it is smaller). */
const QUERY_PAGE = 100;
/**
 * Query requests per index partition (status and shard) and listing page: a very selective
 * filter answers a short page and a cursor rather than reading the table in one request.
 */
const MAX_QUERIES_PER_PAGE = 4;
/** `gsi1sk` as the writer stores it: the event time from `Date.prototype.toISOString`. */
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Where one index partition's listing stands: `s` from the newest, `d` done, or after the item
 * `[alertId, event time]` (its `gsi1pk` is the partition's own, so the cursor does not carry it).
 */
const PositionSchema = z.union([
  z.literal('s'),
  z.literal('d'),
  z.tuple([z.string().regex(EVENT_ID_PATTERN), z.string().regex(EVENT_TIME)]),
]);
type Position = z.infer<typeof PositionSchema>;
/** Per status asked for, the position of each of its shards (index = shard). */
const CursorSchema = z.strictObject(
  Object.fromEntries(
    ALERT_STATUSES.map((s) => [s, z.array(PositionSchema).length(ALERT_STATUS_SHARDS).optional()]),
  ) as Record<AlertStatus, z.ZodOptional<z.ZodArray<typeof PositionSchema>>>,
);
type Cursor = Partial<Record<AlertStatus, Position[]>>;

/** One index partition: a status and a write shard. */
interface Partition {
  status: AlertStatus;
  shard: number;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/**
 * The cursor of a listing, checked strictly so that no forged or stale one reaches DynamoDB
 * (which would answer a ValidationException): exactly the statuses of the filter, every shard's
 * position, each item in its own shard and within the filter's time range.
 *
 * @throws InvalidCursorError for anything else
 */
function decodeCursor(text: string, statuses: readonly AlertStatus[], filter: AlertFilter): Cursor {
  let cursor: Cursor;
  try {
    cursor = CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError();
  }
  const named = Object.keys(cursor).filter((s) => cursor[s as AlertStatus] !== undefined);
  if (named.length !== statuses.length || !statuses.every((s) => cursor[s])) throw new InvalidCursorError();
  for (const status of statuses) {
    cursor[status]!.forEach((position, shard) => {
      if (typeof position === 'string') return;
      const [alertId, at] = position;
      const inRange =
        (filter.from === undefined || at >= filter.from) && (filter.to === undefined || at <= filter.to);
      if (statusShard(alertId) !== shard || !inRange) throw new InvalidCursorError();
    });
  }
  return cursor;
}

/**
 * Whether an alert passes the filter's non-key conditions (status and time are the index's).
 *
 * @example
 * ```ts
 * matches(alert, { reason: 'BRUTE_FORCE', minScore: 50 }); // true when BRUTE_FORCE added points and the score is ≥ 50
 * ```
 */
function matches(alert: StoredAlert, filter: AlertFilter): boolean {
  if (filter.decision !== undefined && alert.decision !== filter.decision) return false;
  if (filter.eventType !== undefined && alert.eventType !== filter.eventType) return false;
  if (filter.minScore !== undefined && alert.score < filter.minScore) return false;
  if (filter.entity !== undefined && !sharesPseudonym(alert, filter.entity)) return false;
  if (
    filter.reason !== undefined &&
    !alert.reasons.some((r) => r.code === filter.reason && !r.shadow && !r.within)
  ) {
    return false;
  }
  return true;
}

/** Whether the alert's subject or one of its entities is this pseudonym. */
const sharesPseudonym = (alert: StoredAlert, pseudonym: string): boolean =>
  alert.subject === pseudonym || Object.values(alert.entities).includes(pseudonym as never);

/** The ExclusiveStartKey of a position after an item. */
const startKey = ({ status, shard }: Partition, [alertId, at]: [string, string]): Item => ({
  pk: alertId,
  gsi1pk: statusPartition(status, shard),
  gsi1sk: at,
});

const positionAfter = (item: Item): Position => [item.pk as string, item.gsi1sk as string];

/** The shards of each status partition: 0 … {@link ALERT_STATUS_SHARDS} - 1. */
const SHARDS = Array.from({ length: ALERT_STATUS_SHARDS }, (_, shard) => shard);

/** An item as a StoredAlert (the table's own key and index attributes left out). */
function toRecord(item: Item): StoredAlert {
  const rest = withoutKeys(item, ALERT_ITEM_KEYS) as Omit<StoredAlert, 'expiresAt'>;
  return { ...rest, expiresAt: item[TTL_ATTRIBUTE] as number };
}

/**
 * The analysts' side of the `alerts` table (./alerts.ts): alerts as the consumer's
 * `DynamoAlertWriter` writes them, listed, read and disposed of by the analysts' APIs. The write
 * shard of `gsi1pk` spreads a wave of open alerts over several index partitions; an alert keeps
 * it for life.
 *
 * **Listing** queries `gsi1` newest first, every shard of each status asked for (both when the
 * filter names none), merging them by event time. The cursor keeps where each partition stands
 * (after an item, or done), so pages never repeat or skip an alert whichever partition it came
 * from. Filters other than status and time are applied to the items read (a FilterExpression
 * would cost the same reads and cannot look inside the list of reasons); at most
 * {@link MAX_QUERIES_PER_PAGE} requests per partition and page, so a very selective filter
 * answers a short (even empty) page with a cursor rather than reading the table in one request.
 * Alerts written before the sharding (`gsi1pk` = `status#open`) are not listed: they are still
 * read by id, exported and erased by subject, and expire with their TTL.
 *
 * **Disposition** is one conditional UpdateItem: `status` from `open` to `closed`, `gsi1pk` with
 * it (the alert moves to the closed partition of its shard), and the disposition. The
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
    const partitions = statuses.flatMap((status) => SHARDS.map((shard) => ({ status, shard })));
    const cursor: Cursor = cursorText
      ? decodeCursor(cursorText, statuses, filter)
      : Object.fromEntries(statuses.map((s) => [s, SHARDS.map((): Position => 's')]));
    const positionOf = (p: Partition): Position => cursor[p.status]![p.shard]!;

    const reads = await Promise.all(partitions.map((p) => this.#read(p, positionOf(p), filter, limit)));
    // Merge newest first; take `limit`, counting how many each partition gave.
    const heads = reads.map(() => 0);
    const alerts: StoredAlert[] = [];
    while (alerts.length < limit) {
      // A partition that ran out of read items before its end (its query budget spent) may still
      // hold alerts newer than every other's next one: the page ends here, in order.
      if (reads.some((read, i) => heads[i] === read.items.length && read.resume !== 'd')) break;
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
    const next: Cursor = Object.fromEntries(statuses.map((s) => [s, [] as Position[]]));
    partitions.forEach((p, i) => {
      const { items, resume } = reads[i]!;
      const taken = heads[i]!;
      next[p.status]![p.shard] =
        taken === items.length
          ? resume
          : // Nothing taken from a partition whose matches are all newer-ranked elsewhere: it stays where it stood.
            taken === 0
            ? positionOf(p)
            : positionAfter(items[taken - 1]!);
    });
    const more = partitions.some((p) => next[p.status]![p.shard] !== 'd');
    return more ? { alerts, cursor: encodeCursor(next) } : { alerts };
  }

  async get(alertId: string): Promise<StoredAlert | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: alertId }, ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async dispose(alertId: string, disposition: Disposition): Promise<StoredAlert> {
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
            ':closedPk': statusPartitionOf('closed', alertId),
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

  async *each(range: Pick<AlertFilter, 'from' | 'to'>): AsyncIterable<StoredAlert> {
    for (const status of ALERT_STATUSES) {
      for (const shard of SHARDS) {
        let start: Item | undefined;
        do {
          const page = await this.#client.send(
            new QueryCommand({ ...this.#query({ status, shard }, range), ExclusiveStartKey: start }),
          );
          for (const item of page.Items ?? []) yield toRecord(item);
          start = page.LastEvaluatedKey;
        } while (start);
      }
    }
  }

  /** The Query of one index partition over an event-time range, newest first. */
  #query(partition: Partition, { from, to }: Pick<AlertFilter, 'from' | 'to'>): QueryCommandInput {
    const names: Record<string, string> = { '#p': 'gsi1pk' };
    const values: Record<string, unknown> = { ':p': statusPartition(partition.status, partition.shard) };
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
    partition: Partition,
    position: Position,
    filter: AlertFilter,
    limit: number,
  ): Promise<{ items: Item[]; resume: Position }> {
    if (position === 'd') return { items: [], resume: position };
    const items: Item[] = [];
    let start: Item | undefined = position === 's' ? undefined : startKey(partition, position);
    for (let request = 0; request < MAX_QUERIES_PER_PAGE; request++) {
      const page = await this.#client.send(
        new QueryCommand({
          ...this.#query(partition, filter),
          Limit: Math.min(QUERY_PAGE, limit),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) if (matches(toRecord(item), filter)) items.push(item);
      start = page.LastEvaluatedKey;
      if (!start) return { items, resume: 'd' };
      if (items.length >= limit) break;
    }
    return { items, resume: positionAfter(start!) };
  }
}
