/**
 * The `deadLetters` table (`pk` = `dl#<sha256>`): the consumer writes dead letters
 * ({@link DynamoDeadLetterWriter}); operators list them and erasure deletes a subject's
 * ({@link DynamoDeadLetters}). The full sealed records are in the record store
 * (src/shared/sealed-records.ts), the items only name them.
 */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  DEAD_LETTER_RETENTION_DAYS,
  type DeadLetter,
  type DeadLetterWriter,
  type SubjectDeadLetters,
} from '../ports/dead-letters.ts';
import type { BlobStore } from '../ports/blobs.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import { runLimited } from '../run-limited.ts';
import { type RecordSealer, recordKey } from '../sealed-records.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { type RetryPolicy, batchDeleteAll, batchWriteAll } from './batch.ts';
import { ENV } from '../env.ts';

/**
 * A dead letter as its table item holds it: bounded whatever the record's size. The full
 * sealed record is in the record store under `record`.
 */
export type StoredDeadLetter = Omit<DeadLetter, 'sealed'> & {
  pk: string;
  /** The blob key of the full sealed record; absent when none was kept (no sealer). */
  record?: string;
  [TTL_ATTRIBUTE]: number;
};

interface DynamoDeadLetterWriterOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** Where the full sealed records go; needed when a letter has one. */
  records?: BlobStore;
  /** The processing clock, epoch ms (TTL). Default `Date.now`. */
  now?: () => number;
  /** How batch writes left unprocessed are sent again. Default `UNPROCESSED_RETRY` (./batch.ts). */
  unprocessedRetry?: RetryPolicy;
}

/**
 * Dead letters in the `deadLetters` table, `pk` = `dl#<sha256>`, kept {@link DEAD_LETTER_RETENTION_DAYS}:
 * each full sealed record is put in `records` first (S3, or a folder locally; the bucket expires
 * it after the same days), then the item, bounded whatever the record's size, with the record's
 * key. An item never names a record that is not there yet, and a retried batch writes both again.
 */
export class DynamoDeadLetterWriter implements DeadLetterWriter {
  constructor(readonly options: DynamoDeadLetterWriterOptions) {}
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

/**
 * The dead letters: the items in the `deadLetters` table and the full sealed records in the
 * record store, read and deleted together (`vigil dead-letters`, erasure).
 *
 * @example
 * ```ts
 * const letters = new DynamoDeadLetters({ client, table: tables.deadLetters, records: deadLetterRecordsFromEnv() });
 * for (const l of await letters.list()) console.log(l.sha256, l.reason);
 * ```
 */
export class DynamoDeadLetters implements SubjectDeadLetters {
  constructor(
    readonly options: {
      client: DynamoDBDocumentClient;
      table: string;
      /** Where the full sealed records are; needed to read or delete a letter that has one. */
      records?: BlobStore;
      /** Opens sealed records; needed for erasure (the records attributed to no one are searched). */
      sealer?: RecordSealer;
      /** The clock, epoch ms (which letters have expired). Default `Date.now`. */
      now?: () => number;
    },
  ) {}

  /** Every unexpired dead letter (DynamoDB deletes expired items late, dynalite never), oldest first. */
  async list(): Promise<StoredDeadLetter[]> {
    return (await this.#scan({})).filter((l) => this.#live(l));
  }

  /** The dead letter of this record, strongly consistent. */
  async get(sha256: string): Promise<StoredDeadLetter | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.table, Key: { pk: `dl#${sha256}` }, ConsistentRead: true }),
    );
    return Item && this.#live(Item as StoredDeadLetter) ? (Item as StoredDeadLetter) : undefined;
  }

  /** The full sealed record of a dead letter, or `undefined` when none was kept. */
  async sealedRecord(letter: StoredDeadLetter): Promise<string | undefined> {
    if (letter.record === undefined) return undefined;
    return (await this.#records().get(letter.record))?.toString('utf8');
  }

  /** The dead letters attributed to a subject, expired or not (index `bySubject`, eventually consistent). */
  async ofSubject(subject: SubjectPseudonym): Promise<StoredDeadLetter[]> {
    const letters: StoredDeadLetter[] = [];
    const pages = paginateQuery(
      { client: this.options.client },
      {
        TableName: this.options.table,
        IndexName: 'bySubject',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'subject' },
        ExpressionAttributeValues: { ':s': subject },
      },
    );
    for await (const page of pages) letters.push(...((page.Items ?? []) as StoredDeadLetter[]));
    return letters;
  }

  /**
   * The dead letters no subject could be derived from (not JSON, no string customerId), expired
   * or not: an expired item is still there until DynamoDB's TTL deletes it.
   */
  async unattributed(): Promise<StoredDeadLetter[]> {
    return this.#scan({
      FilterExpression: 'attribute_not_exists(#s)',
      ExpressionAttributeNames: { '#s': 'subject' },
    });
  }

  /**
   * Deletes dead letters: each one's record first, then its item, so that a failure part way
   * leaves items that still lead to whatever is left (a retry finds and finishes them).
   */
  async remove(letters: readonly StoredDeadLetter[]): Promise<void> {
    const keys = letters.flatMap((l) => (l.record === undefined ? [] : [l.record]));
    if (keys.length > 0) await Promise.all(keys.map((key) => this.#records().delete(key)));
    await batchDeleteAll(
      this.options.client,
      this.options.table,
      letters.map((l) => l.pk),
    );
  }

  /**
   * Erasure: deletes the subject's dead letters, those attributed to its pseudonym and those
   * without a subject whose sealed record (opened with the sealer) holds the customer id as a
   * JSON string. Reads the whole table for the latter (a consistent Scan): it holds a week of
   * invalid records at most. @returns how many were deleted.
   */
  async eraseSubject(subject: SubjectPseudonym, customerId: string): Promise<number> {
    const { sealer } = this.options;
    if (!sealer) throw new Error('dead letters: erasure needs the sealer to search unattributed records');
    const [own, unattributed] = await Promise.all([this.ofSubject(subject), this.unattributed()]);
    const needle = Buffer.from(JSON.stringify(customerId));
    const mentioning: StoredDeadLetter[] = [];
    for (const letter of unattributed) {
      const sealed = (await this.sealedRecord(letter)) ?? letter.excerpt;
      if (sealed !== undefined && sealer.open(sealed).includes(needle)) mentioning.push(letter);
    }
    await this.remove([...own, ...mentioning]);
    return own.length + mentioning.length;
  }

  async #scan(filter: {
    FilterExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
  }): Promise<StoredDeadLetter[]> {
    const letters: StoredDeadLetter[] = [];
    const pages = paginateScan(
      { client: this.options.client },
      { TableName: this.options.table, ConsistentRead: true, ...filter },
    );
    for await (const page of pages) letters.push(...((page.Items ?? []) as StoredDeadLetter[]));
    return letters.sort((a, b) => a.arrivedAt - b.arrivedAt);
  }

  #records(): BlobStore {
    const { records } = this.options;
    if (!records) {
      throw new Error(`dead letters: no record store (set ${ENV.deadLetterBucket} or ${ENV.deadLetterDir})`);
    }
    return records;
  }

  #live(letter: StoredDeadLetter): boolean {
    return letter[TTL_ATTRIBUTE] > (this.options.now ?? Date.now)() / 1000;
  }
}
