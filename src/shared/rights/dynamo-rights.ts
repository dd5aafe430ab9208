import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoClient } from '../aws.ts';
import { type RetryPolicy, batchDeleteAll, batchGetAll } from '../dynamo/batch.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import type { ReceiptStore, RightsReceipt } from '../ports/receipts.ts';
import type { SubjectAlerts } from '../ports/alerts.ts';

const RECEIPT_PREFIX = 'receipt#';
/**
 * Receipts are the record that a request was honoured (GDPR Art. 5(2), accountability): kept
 * three years, the time a complaint to the supervisory authority can reasonably take. They hold
 * the subject pseudonym and counts, nothing of the erased data.
 */
const RECEIPT_RETENTION_S = 3 * 365 * 86_400;

/**
 * Receipts of rights requests in the profiles table (`pk` = `receipt#<requestId>`), beside the
 * controls they concern.
 *
 * @example
 * ```ts
 * const receipts = new DynamoReceiptStore({ client: dynamoClient(), table: tables.profiles });
 * await receipts.findReceipt(requestId);
 * ```
 */
export class DynamoReceiptStore implements ReceiptStore {
  constructor(readonly options: { client: DynamoDBDocumentClient; table: string }) {}

  async saveReceipt(receipt: RightsReceipt): Promise<void> {
    const ttl = Math.floor(Date.parse(receipt.at) / 1000) + RECEIPT_RETENTION_S;
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.table,
        Item: { pk: RECEIPT_PREFIX + receipt.requestId, ...receipt, [TTL_ATTRIBUTE]: ttl },
      }),
    );
  }

  async findReceipt(requestId: string): Promise<RightsReceipt | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({
        TableName: this.options.table,
        Key: { pk: RECEIPT_PREFIX + requestId },
        ConsistentRead: true,
      }),
    );
    return Item && (withoutKeys(Item, ['pk', TTL_ATTRIBUTE]) as unknown as RightsReceipt);
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

  async ofSubject(
    subject: SubjectPseudonym,
    eventIds: readonly string[],
  ): Promise<Record<string, unknown>[]> {
    const byId = new Map<string, Record<string, unknown>>();
    const keep = (item: Record<string, unknown>) =>
      byId.set(item.pk as string, withoutKeys(item, ['pk', 'gsi1pk', 'gsi1sk', TTL_ATTRIBUTE]));
    // By key, strongly consistent: the alerts of the subject's own events, however new.
    const { client, table, unprocessedRetry } = this.options;
    const byKey = await batchGetAll(client, table, eventIds, unprocessedRetry);
    for (const item of byKey) if (item.subject === subject) keep(item);
    let start: Record<string, unknown> | undefined;
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

/** The item without its table's own bookkeeping attributes. */
function withoutKeys(item: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}
