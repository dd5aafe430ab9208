import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoClient } from '../aws.ts';
import type { Decision } from '../decision.ts';
import type { DecisionLog, LoggedDecision } from '../ports/decisions.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { type RetryPolicy, UNPROCESSED_RETRY, batchGetAll, batchWriteAll } from './batch.ts';
import type { Item } from './updates.ts';

export interface DynamoDecisionLogOptions {
  /** From `dynamoClient()` (src/shared/aws.ts). */
  client: DynamoClient;
  /** The decisions table's name, from `tableNames(stage)` (src/shared/tables.ts). */
  table: string;
  /** The processing clock (epoch ms) decisions expire by. Default `Date.now`. */
  now?: () => number;
  /** How what DynamoDB leaves of a batch read or write unprocessed is sent again. Default {@link UNPROCESSED_RETRY}. */
  unprocessedRetry?: RetryPolicy;
}

/**
 * The DynamoDB adapter of the decision log: one item per event in the decisions table, `pk` =
 * eventId, `d` = the decision as JSON text, `ttl` = when it may be forgotten. Reads are strongly
 * consistent: a redelivery may follow the first delivery's write within milliseconds.
 *
 * @example
 * ```ts
 * const decisions = new DynamoDecisionLog({ client: dynamoClient(), table: tableNames('prod').decisions });
 * const found = await decisions.findDecisions(['evt-1', 'evt-2']);
 * ```
 */
export class DynamoDecisionLog implements DecisionLog {
  readonly #client: DynamoClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #retry: RetryPolicy;

  constructor(options: DynamoDecisionLogOptions) {
    this.#client = options.client;
    this.#table = options.table;
    this.#now = options.now ?? Date.now;
    this.#retry = options.unprocessedRetry ?? UNPROCESSED_RETRY;
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { pk: eventId }, ConsistentRead: true }),
    );
    return Item && this.#live(Item) ? decisionOf(Item) : undefined;
  }

  async findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
    const items = await batchGetAll(this.#client, this.#table, [...new Set(eventIds)], this.#retry);
    return new Map(
      items.filter((item) => this.#live(item)).map((item) => [item.pk as string, decisionOf(item)]),
    );
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    await this.#client.send(
      new PutCommand({ TableName: this.#table, Item: toItem({ decision, expiresAt }) }),
    );
  }

  async saveDecisions(decisions: readonly LoggedDecision[]): Promise<void> {
    await batchWriteAll(this.#client, this.#table, decisions.map(toItem), this.#retry);
  }

  /** Expired but not yet deleted by TTL counts as gone. */
  #live(item: Item): boolean {
    return (item[TTL_ATTRIBUTE] as number) * 1000 > this.#now();
  }
}

const toItem = ({ decision, expiresAt }: LoggedDecision): Item => ({
  pk: decision.eventId,
  d: JSON.stringify(decision),
  [TTL_ATTRIBUTE]: expiresAt,
});

const decisionOf = (item: Item): Decision => JSON.parse(item.d as string) as Decision;
