import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { statusPartitionOf } from '../alerts/partitions.ts';
import type { BlobStore } from '../blobs.ts';
import { type RetryPolicy, batchWriteAll } from '../dynamo/batch.ts';
import { runLimited } from '../run-limited.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { recordKey, type StoredDeadLetter } from './dead-letters.ts';
import { ALERT_RETENTION_DAYS, type Alert, type AlertWriter } from '../ports/alerts.ts';
import { DEAD_LETTER_RETENTION_DAYS, type DeadLetter, type DeadLetterWriter } from '../ports/dead-letters.ts';

/** Alerts in memory, by alertId (tests, replay). */
export class InMemoryAlertWriter implements AlertWriter {
  readonly alerts = new Map<string, Alert>();
  async write(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) this.alerts.set(alert.alertId, alert);
  }
}

/** Dead letters in memory, by SHA-256 (tests, replay). */
export class InMemoryDeadLetterWriter implements DeadLetterWriter {
  readonly letters = new Map<string, DeadLetter>();
  async write(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters) this.letters.set(letter.sha256, letter);
  }
}

interface DynamoWriterOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** The processing clock, epoch ms (TTL). Default `Date.now`. */
  now?: () => number;
  /** How batch writes left unprocessed are sent again. Default `UNPROCESSED_RETRY` (src/shared/dynamo/batch.ts). */
  unprocessedRetry?: RetryPolicy;
}

/**
 * Alerts in the `alerts` table: `pk` = alertId, `gsi1pk` = `status#<status>#<shard>` (the write shard
 * of src/shared/alerts/partitions.ts, from the alertId), `gsi1sk` = event time.
 *
 * Each alert is written with its own UpdateItem rather than a BatchWriteItem put: a redelivered
 * batch writes its alerts again, and a put would replace the whole item, resetting an analyst's
 * disposition to `open`. The update sets the decision's fields (the same values again) and only
 * creates `status`, `gsi1pk` and `ttl` when they are missing (`if_not_exists`), so the first
 * write opens the alert and later ones never touch what the analysts changed.
 * Alerts are a few percent of the events, so one request each costs little.
 */
export class DynamoAlertWriter implements AlertWriter {
  constructor(readonly options: DynamoWriterOptions & { concurrency?: number }) {}
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
 * Dead letters in the `deadLetters` table, `pk` = `dl#<sha256>`, kept {@link DEAD_LETTER_RETENTION_DAYS}:
 * each full sealed record is put in `records` first (S3, or a folder locally; the bucket expires
 * it after the same days), then the item, bounded whatever the record's size, with the record's
 * key. An item never names a record that is not there yet, and a retried batch writes both again.
 */
export class DynamoDeadLetterWriter implements DeadLetterWriter {
  constructor(readonly options: DynamoWriterOptions & { records?: BlobStore }) {}
  async write(letters: readonly DeadLetter[]): Promise<void> {
    const ttl = Math.floor((this.options.now ?? Date.now)() / 1000) + DEAD_LETTER_RETENTION_DAYS * 86_400;
    const items: StoredDeadLetter[] = [];
    const puts: (() => Promise<void>)[] = [];
    for (const { sealed, ...letter } of letters) {
      const item: StoredDeadLetter = { pk: `dl#${letter.sha256}`, ...letter, [TTL_ATTRIBUTE]: ttl };
      if (sealed !== undefined) {
        const records = this.options.records;
        if (!records) throw new Error('dead letters: a sealed record needs a record store');
        item.record = recordKey(letter.sha256);
        puts.push(() => records.put(item.record!, sealed));
      }
      items.push(item);
    }
    await runLimited(puts, 8);
    await batchWriteAll(this.options.client, this.options.table, items, this.options.unprocessedRetry);
  }
}
