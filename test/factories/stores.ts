/**
 * The stores of the profiles and decisions tables, as the consumer and the rights routes build
 * them: on DynamoDB over one stage's tables, or in memory (with the subject-data port for tests).
 */
import type { DynamoClient } from '../../src/shared/aws.ts';
import type { RetryPolicy } from '../../src/shared/dynamo/batch.ts';
import { DynamoDecisionLog } from '../../src/shared/dynamo/decisions.ts';
import { DynamoProfileStore } from '../../src/shared/dynamo/profiles.ts';
import { DynamoSubjectData } from '../../src/shared/dynamo/subject-data.ts';
import { InMemoryDecisionLog } from '../../src/shared/memory/decisions.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { InMemorySubjectData } from '../support/memory-subject-data.ts';

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

/** The in-memory profile store (with the subject-data port over it) and decision log. */
export function memoryStores(options: Pick<StoreOptions, 'now'> = {}) {
  const profiles = new InMemorySubjectData();
  return { profiles, subjects: profiles, decisions: new InMemoryDecisionLog(options) };
}
