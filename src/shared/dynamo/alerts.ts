/**
 * The `alerts` table: `pk` = alertId, `gsi1pk` = `status#<status>#<shard>`, `gsi1sk` = event time,
 * the sparse index `bySubject` by the subject's pseudonym. The consumer writes alerts here
 * ({@link DynamoAlertWriter}), the rights service reads and erases a subject's
 * ({@link DynamoSubjectAlerts}), the analysts list and dispose of them (`./alerts-review.ts`).
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoClient } from '../aws.ts';
import {
  ALERT_RETENTION_DAYS,
  type Alert,
  type AlertStatus,
  type AlertWriter,
  type SubjectAlerts,
} from '../ports/alerts.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import { runLimited } from '../run-limited.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { type RetryPolicy, batchDeleteAll, batchGetAll } from './batch.ts';
import { type Item, withoutKeys } from './items.ts';

/**
 * Write shards of each status partition of the alerts' `gsi1` index. Every new alert is open, so
 * without sharding a wave of alerts writes to ONE index partition (`status#open`), which DynamoDB
 * caps at 1,000 write units per second; a throttled index write back-pressures the base table
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations),
 * so the consumer would stall. The event time as sort key only grows, so DynamoDB's split for
 * heat cannot spread the writes either. 32 shards take 32,000 write units per second, 1 to 2 per
 * alert item (see docs/capacity.md); the listing pays with one Query per shard and status.
 */
export const ALERT_STATUS_SHARDS = 32;

/** The write shard of an alert, from its id: the same for its whole life (a disposition keeps it). */
export function statusShard(alertId: string): number {
  return createHash('sha256').update(alertId).digest().readUInt32BE(0) % ALERT_STATUS_SHARDS;
}

/** The `gsi1pk` of an alert's status partition: `status#<status>#<shard>`. */
export function statusPartition(status: AlertStatus, shard: number): string {
  return `status#${status}#${shard}`;
}

/** The `gsi1pk` of an alert with this status. */
export const statusPartitionOf = (status: AlertStatus, alertId: string): string =>
  statusPartition(status, statusShard(alertId));

/** The table's own attributes of an alert item: its key, its `gsi1` keys and its expiry. */
export const ALERT_ITEM_KEYS = ['pk', 'gsi1pk', 'gsi1sk', TTL_ATTRIBUTE] as const;

interface DynamoAlertWriterOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** The processing clock, epoch ms (TTL). Default `Date.now`. */
  now?: () => number;
  /** UpdateItem requests in flight at most. Default 16. */
  concurrency?: number;
}

/**
 * The consumer's alerts into the `alerts` table (the write shard of `gsi1pk` from the alertId).
 *
 * Each alert is written with its own UpdateItem rather than a BatchWriteItem put: a redelivered
 * batch writes its alerts again, and a put would replace the whole item, resetting an analyst's
 * disposition to `open`. The update sets the decision's fields (the same values again) and only
 * creates `status`, `gsi1pk` and `ttl` when they are missing (`if_not_exists`), so the first
 * write opens the alert and later ones never touch what the analysts changed.
 * Alerts are a few percent of the events, so one request each costs little.
 */
export class DynamoAlertWriter implements AlertWriter {
  constructor(readonly options: DynamoAlertWriterOptions) {}
  async write(alerts: readonly Alert[]): Promise<void> {
    const ttl = Math.floor((this.options.now ?? Date.now)() / 1000) + ALERT_RETENTION_DAYS * 86_400;
    const tasks = alerts.map((alert) => async () => {
      const { status, ...fields } = alert;
      const names: Record<string, string> = {
        '#status': 'status',
        '#gsi1pk': 'gsi1pk',
        '#ttl': TTL_ATTRIBUTE,
      };
      const values: Record<string, unknown> = {
        ':status': status,
        ':gsi1pk': statusPartitionOf(status, alert.alertId),
        ':ttl': ttl,
      };
      const sets = ['#status = if_not_exists(#status, :status)', '#gsi1pk = if_not_exists(#gsi1pk, :gsi1pk)'];
      sets.push('#ttl = if_not_exists(#ttl, :ttl)');
      Object.entries({ ...fields, gsi1sk: alert.occurredAt }).forEach(([name, value], i) => {
        names[`#f${i}`] = name;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.table,
          Key: { pk: alert.alertId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    });
    await runLimited(tasks, this.options.concurrency ?? 16);
  }
}

/**
 * A subject's alerts in the alerts table: by key for the subject's own event ids (strongly
 * consistent), and through the sparse `bySubject` index for the rest (eventually consistent: an
 * alert written a moment ago may not be listed there yet).
 *
 * @example
 * ```ts
 * const alerts = new DynamoSubjectAlerts({ client: dynamoClient(), table: tables.alerts });
 * await alerts.eraseSubject(subject); // how many were deleted
 * ```
 */
export class DynamoSubjectAlerts implements SubjectAlerts {
  constructor(
    readonly options: {
      client: DynamoClient;
      table: string;
      /** How batch reads and deletes left unprocessed are sent again. Default `UNPROCESSED_RETRY`. */
      unprocessedRetry?: RetryPolicy;
    },
  ) {}

  async ofSubject(subject: SubjectPseudonym, eventIds: readonly string[]): Promise<Item[]> {
    const byId = new Map<string, Item>();
    const keep = (item: Item) => byId.set(item.pk as string, withoutKeys(item, ALERT_ITEM_KEYS));
    // By key, strongly consistent: the alerts of the subject's own events, however new.
    const { client, table, unprocessedRetry } = this.options;
    const byKey = await batchGetAll(client, table, eventIds, unprocessedRetry);
    for (const item of byKey) if (item.subject === subject) keep(item);
    let start: Item | undefined;
    do {
      const page = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.table,
          IndexName: 'bySubject',
          KeyConditionExpression: '#s = :s',
          ExpressionAttributeNames: { '#s': 'subject' },
          ExpressionAttributeValues: { ':s': subject },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) keep(item);
      start = page.LastEvaluatedKey;
    } while (start);
    return [...byId.values()];
  }

  async eraseSubject(subject: SubjectPseudonym, eventIds: readonly string[]): Promise<number> {
    const ids = (await this.ofSubject(subject, eventIds)).map((a) => a.alertId as string);
    await batchDeleteAll(this.options.client, this.options.table, ids, this.options.unprocessedRetry);
    return ids.length;
  }
}
