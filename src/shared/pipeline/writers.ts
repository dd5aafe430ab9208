import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Outcome } from '../../rules/decide.ts';
import type { Reason } from '../../rules/rule.ts';
import type { EventType } from '../contract/events.ts';
import type { BlobStore } from '../blobs.ts';
import type { Pseudonym, SubjectPseudonym } from '../pseudonymise.ts';
import { runLimited } from '../run-limited.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { recordKey, type StoredDeadLetter } from './dead-letters.ts';

/** BatchWriteItem takes at most 25 items per request. */
const BATCH_WRITE_MAX_ITEMS = 25;
/**
 * Dead letters are kept a week: long enough to notice (the dead-letter metric and alarm), fix
 * and redrive, short because a sealed dead letter still holds a record with personal data.
 */
export const DEAD_LETTER_RETENTION_DAYS = 7;
/**
 * Alerts are kept 90 days for the analysts (a placeholder until the alert APIs issue settles
 * the retention with the privacy policy).
 */
export const ALERT_RETENTION_DAYS = 90;

/** A review or deny decision, for the analysts: pseudonymous, with its full explanation. */
export interface Alert {
  /** The eventId. */
  alertId: string;
  decision: Exclude<Outcome, 'allow'>;
  score: number;
  reasons: Reason[];
  rulesetVersion: string;
  eventType: EventType;
  /** Event time, ISO 8601 UTC. */
  occurredAt: string;
  subject?: SubjectPseudonym;
  /** The pseudonyms of the entities the event involved. */
  entities: Partial<
    Record<
      'ip' | 'network' | 'device' | 'client' | 'userAgent' | 'username' | 'payment' | 'address',
      Pseudonym
    >
  >;
  status: 'open';
}

/**
 * An invalid stream record. It holds no raw record in clear: the record is personal data
 * (customer ids, IPs, user agents), and a dead-letter place must not become a readable copy of
 * the stream. The SHA-256 lets a producer-side copy be matched to it; `sealed`, when the consumer
 * has a sealer, is the record encrypted for a redrive (see `RecordSealer`), `excerpt` its first
 * `DEAD_LETTER_EXCERPT_BYTES` bytes sealed. The table item keeps everything but `sealed`,
 * which goes to the record store (see {@link DynamoDeadLetterWriter}): a record may be up to
 * 1 MiB, an item at most 400 KB.
 */
export interface DeadLetter {
  /** SHA-256 of the raw record bytes, hex. */
  sha256: string;
  /** The field-named reason (`order.amountMinor: expected integer ≥ 0`), never quoting a value. */
  reason: string;
  field: string;
  /** The event's own id when it was valid. */
  eventId?: string;
  /**
   * The keyed pseudonym of the record's customer id, when the record yields one (a string
   * `customerId` in it, even if other fields are invalid), so that erasure finds it.
   */
  subject?: SubjectPseudonym;
  sequenceNumber: string;
  /** The raw record's size, bytes. */
  size: number;
  /** The raw record, AES-256-GCM under a key derived from the pseudonymisation key. */
  sealed?: string;
  /** The raw record's first bytes, sealed likewise. */
  excerpt?: string;
  // No partition key, not even hashed: it is a customer id, session id or IP, and an
  // unkeyed hash of an IP or a customer number is reversed by trying them all.
  /** When the record reached the stream, epoch ms. */
  arrivedAt: number;
}

export interface AlertWriter {
  /** Writes the alerts; writing the same alert again leaves one item. */
  write(alerts: readonly Alert[]): Promise<void>;
}

export interface DeadLetterWriter {
  /** Writes the dead letters; the same record again leaves one item. */
  write(letters: readonly DeadLetter[]): Promise<void>;
}

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
}

/**
 * Alerts in the `alerts` table: `pk` = alertId, `gsi1pk` = `status#<status>`, `gsi1sk` = event time.
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
        ':gsi1pk': `status#${status}`,
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
    await batchWriteAll(this.options.client, this.options.table, items);
  }
}

/**
 * Puts items (each with a `pk`) with BatchWriteItem, 25 per request, the requests in parallel.
 * Items with the same `pk` are sent once (the last wins): DynamoDB rejects a request that
 * names a key twice. Items DynamoDB returns as `UnprocessedItems` (throttling) are sent again
 * with exponential backoff and full jitter, at most `attempts` requests per chunk, as AWS
 * recommends: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 *
 * @throws Error when items are still unprocessed after `attempts` requests.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  attempts = 8,
): Promise<void> {
  const unique = [...new Map(items.map((item) => [item.pk as string, item])).values()];
  await sendWrites(
    client,
    table,
    unique.map((Item) => ({ PutRequest: { Item } })),
    attempts,
  );
}

/**
 * Deletes items by `pk` with BatchWriteItem, as {@link batchWriteAll} puts them (each key once,
 * unprocessed deletes sent again with backoff). A missing item is no error.
 *
 * @throws Error when deletes are still unprocessed after `attempts` requests.
 */
export async function batchDeleteAll(
  client: DynamoDBDocumentClient,
  table: string,
  pks: readonly string[],
  attempts = 8,
): Promise<void> {
  const requests = [...new Set(pks)].map((pk) => ({ DeleteRequest: { Key: { pk } } }));
  await sendWrites(client, table, requests, attempts);
}

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** Sends write requests 25 per BatchWriteItem, in parallel, retrying what comes back unprocessed. */
async function sendWrites(
  client: DynamoDBDocumentClient,
  table: string,
  all: readonly WriteRequest[],
  attempts: number,
): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < all.length; i += BATCH_WRITE_MAX_ITEMS) {
    chunks.push(all.slice(i, i + BATCH_WRITE_MAX_ITEMS));
  }
  await Promise.all(
    chunks.map(async (chunk) => {
      let requests = chunk;
      for (let attempt = 1; ; attempt++) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteCommand({ RequestItems: { [table]: requests } }),
        );
        const left = UnprocessedItems?.[table] ?? [];
        if (left.length === 0) return;
        if (attempt >= attempts) {
          throw new Error(
            `BatchWriteItem ${table}: ${left.length} items unprocessed after ${attempts} requests`,
          );
        }
        requests = left;
        await sleep(Math.random() * Math.min(2_000, 50 * 2 ** attempt));
      }
    }),
  );
}
