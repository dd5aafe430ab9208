import { resolveConfig } from '../rules/config.ts';
import { dynamoClient } from '../shared/aws.ts';
import { ENV, readEnv, readJsonEnv, tablesFromEnv } from '../shared/env.ts';
import { logger, metrics } from '../shared/observability.ts';
import { deadLetterRecordsFromEnv } from '../shared/sealed-records.ts';
import { DynamoDecisionLog } from '../shared/dynamo/decisions.ts';
import { DynamoProfileStore } from '../shared/dynamo/profiles.ts';
import { DynamoEntityLists } from '../shared/dynamo/entity-lists.ts';
import { DynamoSubjectData } from '../shared/dynamo/subject-data.ts';
import { Pseudonymiser } from '../shared/pseudonymise.ts';
import { loadPseudonymKey } from '../shared/secrets.ts';
import type { ConsumeDeps } from './consume.ts';
import { DynamoAlertWriter } from '../shared/dynamo/alerts.ts';
import { DynamoDeadLetterWriter } from '../shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../shared/sealed-records.ts';

/**
 * The consumer's collaborators, from the environment (the names in `src/shared/env.ts`): table
 * names from `VIGIL_STAGE` or `TABLE_*`, the pseudonymisation key from Secrets Manager
 * (`VIGIL_PSEUDONYM_SECRET_ARN`, AWS) or `VIGIL_PSEUDONYM_KEY` (local), the dead letters' record
 * store (`VIGIL_DEAD_LETTER_BUCKET`, AWS, or `VIGIL_DEAD_LETTER_DIR`, local), and the detection
 * config overrides from `VIGIL_DETECTION_CONFIG` (JSON, as `--rules` takes; the CDK stack
 * validates it at synthesis).
 *
 * @example
 * ```ts
 * const deps = once(consumeDepsFromEnv);
 * export const handler = streamHandler(deps);
 * ```
 */
export async function consumeDepsFromEnv(): Promise<ConsumeDeps> {
  const tables = tablesFromEnv();
  // Stages can share an account and region: this dimension keeps their metrics apart (the stack's
  // dashboard reads { service, stage }).
  const stage = readEnv(ENV.stage);
  if (stage) metrics.setDefaultDimensions({ stage });
  const config = resolveConfig(readJsonEnv(ENV.detectionConfig) ?? {});
  const key = await loadPseudonymKey();
  const pseudonymiser = new Pseudonymiser(key);
  const client = dynamoClient();
  return {
    store: new DynamoProfileStore({ client, table: tables.profiles }),
    decisions: new DynamoDecisionLog({ client, table: tables.decisions }),
    subjects: new DynamoSubjectData({ client, table: tables.profiles }),
    lists: new DynamoEntityLists({ client, table: tables.lists }),
    pseudonymiser,
    config,
    alerts: new DynamoAlertWriter({ client, table: tables.alerts }),
    deadLetters: new DynamoDeadLetterWriter({
      client,
      table: tables.deadLetters,
      records: deadLetterRecordsFromEnv(),
    }),
    sealer: new RecordSealer(key),
    log: logger,
  };
}
