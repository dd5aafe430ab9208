import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReceiptStore, RightsReceipt } from '../ports/receipts.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { withoutKeys } from './items.ts';

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
