/**
 * The stream consumer's collaborators on DynamoDB at the fixtures' clock: the real profile store,
 * decision log and subject data (the subjects' controls), alert and dead-letter writers, the test key's pseudonymiser,
 * the default detection config. `overrides` replaces any of them (a sealer and a record store
 * for dead letters that keep their records, a log).
 */
import type { DynamoClient } from '../../src/shared/aws.ts';
import type { BlobStore } from '../../src/shared/ports/blobs.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import type { ConsumeDeps } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { testPseudonymiser } from './pipeline.ts';
import { FIXTURE_NOW_MS } from './events.ts';
import { dynamoStores } from './stores.ts';

export function consumerOnDynamo(
  client: DynamoClient,
  tables: Record<TableRole, string>,
  overrides: Omit<Partial<ConsumeDeps>, 'store' | 'decisions' | 'subjects'> & { records?: BlobStore } = {},
): ConsumeDeps & ReturnType<typeof dynamoStores> {
  const now = () => FIXTURE_NOW_MS;
  const { records, ...rest } = overrides;
  const stores = dynamoStores(client, tables, { now });
  return {
    ...stores,
    store: stores.profiles,
    pseudonymiser: testPseudonymiser(),
    config: resolveConfig(),
    alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
    deadLetters: new DynamoDeadLetterWriter({
      client,
      table: tables.deadLetters,
      now,
      ...(records ? { records } : {}),
    }),
    now,
    ...rest,
  };
}
