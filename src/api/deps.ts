/**
 * The API functions' dependencies, built from the environment (the names in `src/shared/env.ts`)
 * once per cold start through `once` (`src/shared/once.ts`), as the consumer's are:
 *
 * - `VIGIL_STAGE` (table names `vigil-<stage>-…`) or `TABLE_PROFILES`, `TABLE_ALERTS`, `TABLE_AUDIT`, …;
 * - the pseudonymisation key, for the score endpoint, the rights routes and the listings' cursor
 *   signer (`loadPseudonymKey`): from Secrets Manager by
 *   `VIGIL_PSEUDONYM_SECRET_ARN` in AWS, so that the key is never an environment variable there,
 *   or `VIGIL_PSEUDONYM_KEY` (`<version>:<base64>`) in the local stack;
 * - `VIGIL_DETECTION_CONFIG` (JSON detection overrides, the consumer's), for the score endpoint;
 * - `VIGIL_DEAD_LETTER_BUCKET` (AWS) or `VIGIL_DEAD_LETTER_DIR` (local), for erasure: the dead
 *   letters' sealed records;
 * - `VIGIL_SCORE_BUDGET_MS` (default 150) and `VIGIL_SCORE_FAIL_POLICY` (`open`, the default, or `closed`);
 * - the AWS SDK's own variables (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB` locally).
 */
import { DynamoAlertRepository } from '../shared/dynamo/alerts-review.ts';
import { dynamoClient } from '../shared/aws.ts';
import { ENV, readEnv, readJsonEnv, tablesFromEnv } from '../shared/env.ts';
import { resolveConfig } from '../rules/config.ts';
import { DynamoProfileStore } from '../shared/dynamo/profiles.ts';
import { DynamoEntityLists } from '../shared/dynamo/entity-lists.ts';
import { DynamoSubjectData } from '../shared/dynamo/subject-data.ts';
import { Pseudonymiser } from '../shared/pseudonymise.ts';
import { DynamoReceiptStore } from '../shared/dynamo/receipts.ts';
import { DynamoSubjectAlerts } from '../shared/dynamo/alerts.ts';
import { SubjectRights } from '../rights/subject-rights.ts';
import { loadPseudonymKey } from '../shared/secrets.ts';
import type { AlertsDeps, ListingDeps } from './alerts.ts';
import { DynamoAuditLog } from '../shared/dynamo/audit.ts';
import { CursorSigner } from './cursors.ts';
import type { RightsDeps } from './rights.ts';
import type { ListsDeps } from './lists.ts';
import type { FailPolicy, ScoreDeps } from './score.ts';

/**
 * The score endpoint's dependencies. The DynamoDB client makes one attempt per request: a retry
 * would not fit in the budget, and a failed read just makes the answer degraded. A read still
 * running when its budget is over is abandoned on the wire too (`throwOnRequestTimeout`;
 * without it smithy's `requestTimeout` only logs a warning): otherwise it would keep one of
 * the client's sockets, and under a slow store the abandoned reads would queue ahead of the
 * new ones until every answer is degraded.
 *
 * @example
 * ```ts
 * const deps = await scoreDepsFromEnv();
 * await scoreOrder(body, deps);
 * ```
 */
export async function scoreDepsFromEnv(): Promise<ScoreDeps> {
  // Imported here, not at the top: score.ts brings the detector and the IP data it reads, which
  // the alerts functions, importing this module for alertsDepsFromEnv, neither need nor ship.
  const { DEFAULT_SCORE_BUDGET_MS } = await import('./score.ts');
  const budgetMs = Number(readEnv(ENV.scoreBudgetMs) ?? DEFAULT_SCORE_BUDGET_MS);
  if (!Number.isSafeInteger(budgetMs) || budgetMs < 1 || budgetMs > 10_000) {
    throw new Error(`vigil api: ${ENV.scoreBudgetMs}: expected a whole number of ms 1–10000`);
  }
  const failPolicy = readEnv(ENV.scoreFailPolicy) ?? 'open';
  if (failPolicy !== 'open' && failPolicy !== 'closed') {
    throw new Error(`vigil api: ${ENV.scoreFailPolicy}: expected open or closed`);
  }
  const config = resolveConfig(readJsonEnv(ENV.detectionConfig) ?? {});
  const key = await loadPseudonymKey();
  const client = dynamoClient({ maxAttempts: 1, requestTimeoutMs: budgetMs });
  const tables = tablesFromEnv();
  return {
    // The score reads profiles and never writes them (the stream counts the order).
    store: new DynamoProfileStore({ client, table: tables.profiles, writes: false }),
    lists: new DynamoEntityLists({ client, table: tables.lists }),
    pseudonymiser: new Pseudonymiser(key),
    config,
    budgetMs,
    failPolicy: failPolicy as FailPolicy,
  };
}

/**
 * The analysts' and the admin's routes' dependencies: alerts, audit trail, profiles (read only).
 *
 * @example
 * ```ts
 * const deps = once(alertsDepsFromEnv);
 * export const handler = apiHandler(ROUTES.getAlert, async ({ caller, params }) => getAlert(await deps(), caller, params.id));
 * ```
 */
export function alertsDepsFromEnv(): AlertsDeps {
  const names = tablesFromEnv();
  const client = dynamoClient();
  return {
    alerts: new DynamoAlertRepository({ client, table: names.alerts }),
    audit: new DynamoAuditLog({ client, table: names.audit }),
    store: new DynamoProfileStore({ client, table: names.profiles, writes: false }),
  };
}

/**
 * The listings' dependencies (`GET /v1/alerts`, `GET /v1/audit`): the alerts routes' and the
 * signer of their cursors, its key derived from the pseudonymisation key.
 *
 * @example
 * ```ts
 * const deps = once(listingDepsFromEnv);
 * export const handler = apiHandler(ROUTES.listAudit, async ({ query }) => listAudit(await deps(), query));
 * ```
 */
export async function listingDepsFromEnv(): Promise<ListingDeps> {
  return { ...alertsDepsFromEnv(), cursors: new CursorSigner(await loadPseudonymKey()) };
}

/**
 * The entity-list routes' dependencies: the lists, the audit trail, the pseudonymiser (entries
 * given by raw value) and the listing's cursor signer.
 *
 * @example
 * ```ts
 * const deps = once(listsDepsFromEnv);
 * export const handler = apiHandler(ROUTES.addEntry, async ({ caller, body }) => addEntry(await deps(), caller, body));
 * ```
 */
export async function listsDepsFromEnv(): Promise<ListsDeps> {
  const names = tablesFromEnv();
  const client = dynamoClient();
  const key = await loadPseudonymKey();
  return {
    lists: new DynamoEntityLists({ client, table: names.lists }),
    audit: new DynamoAuditLog({ client, table: names.audit }),
    pseudonymiser: new Pseudonymiser(key),
    cursors: new CursorSigner(key),
  };
}

/**
 * The customers'-rights routes' dependencies: the subject-data store (profiles), receipts,
 * the subject's alerts, the audit trail, and the pseudonymiser (the key as the score endpoint
 * reads it).
 *
 * @example
 * ```ts
 * const deps = once(rightsDepsFromEnv);
 * export const handler = apiHandler(ROUTES.eraseSubject, async ({ caller, params }) => eraseSubject(await deps(), caller, params.customerId));
 * ```
 */
export async function rightsDepsFromEnv(): Promise<RightsDeps> {
  const names = tablesFromEnv();
  const client = dynamoClient();
  const receipts = new DynamoReceiptStore({ client, table: names.profiles });
  const key = await loadPseudonymKey();
  // Imported here: the S3 client they bring is for the rights functions, not the alerts ones.
  const [{ DynamoDeadLetters }, { RecordSealer, deadLetterRecordsFromEnv }] = await Promise.all([
    import('../shared/dynamo/dead-letters.ts'),
    import('../shared/sealed-records.ts'),
  ]);
  // Only the erasure function is given the record store (it alone reads and deletes records).
  const records =
    readEnv(ENV.deadLetterBucket) || readEnv(ENV.deadLetterDir) ? deadLetterRecordsFromEnv() : undefined;
  const rights = new SubjectRights({
    store: new DynamoSubjectData({ client, table: names.profiles }),
    profiles: new DynamoProfileStore({ client, table: names.profiles }),
    receipts,
    alerts: new DynamoSubjectAlerts({ client, table: names.alerts }),
    deadLetters: new DynamoDeadLetters({
      client,
      table: names.deadLetters,
      sealer: new RecordSealer(key),
      ...(records ? { records } : {}),
    }),
    pseudonymiser: new Pseudonymiser(key),
    lists: new DynamoEntityLists({ client, table: names.lists }),
  });
  return { rights, receipts, audit: new DynamoAuditLog({ client, table: names.audit }) };
}
