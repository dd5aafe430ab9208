/** The stores of the profiles and decisions tables on DynamoDB, as the consumer and the rights routes build them. */
import type { DynamoClient } from '../../src/shared/aws.ts';
import type { RetryPolicy } from '../../src/shared/dynamo/batch.ts';
import { DynamoDecisionLog } from '../../src/shared/dynamo/decisions.ts';
import { DynamoProfileStore } from '../../src/shared/dynamo/profiles.ts';
import { DynamoSubjectData } from '../../src/shared/dynamo/subject-data.ts';
import type { TableRole } from '../../src/shared/tables.ts';

export interface StoreOptions {
  /** The processing clock (epoch ms). Default `Date.now`. */
  now?: () => number;
  unprocessedRetry?: RetryPolicy;
}

/** The profile store, decision log and subject data on DynamoDB over `tables`. */
export function dynamoStores(
  client: DynamoClient,
  tables: Pick<Record<TableRole, string>, 'profiles' | 'decisions'>,
  options: StoreOptions = {},
) {
  const { now, unprocessedRetry } = options;
  const retry = unprocessedRetry ? { unprocessedRetry } : {};
  const clock = now ? { now } : {};
  return {
    profiles: new DynamoProfileStore({ client, table: tables.profiles, ...clock, ...retry }),
    decisions: new DynamoDecisionLog({ client, table: tables.decisions, ...clock, ...retry }),
    subjects: new DynamoSubjectData({ client, table: tables.profiles, ...retry }),
  };
}
