import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { dynamoClient } from '../src/shared/aws.ts';
import { resolveConfig } from '../src/rules/config.ts';
import { logger, metrics } from '../src/shared/observability.ts';
import { type ConsumeDeps, consumeBatch, shardOfEventId } from '../src/pipeline/consume.ts';
import { deadLetterRecordsFromEnv, RecordSealer } from '../src/shared/sealed-records.ts';
import { DynamoDeadLetterWriter } from '../src/shared/dynamo/dead-letters.ts';
import { DynamoAlertWriter } from '../src/shared/dynamo/alerts.ts';
import { DynamoProfileStore } from '../src/shared/profile/dynamo-store.ts';
import { Pseudonymiser } from '../src/shared/pseudonymise.ts';
import { loadPseudonymKey } from '../src/shared/secrets.ts';
import { TABLE_ROLES, type TableRole, tableNames } from '../src/shared/tables.ts';

/** `TABLE_PROFILES`, `TABLE_DECISIONS`, `TABLE_ALERTS`, `TABLE_DEAD_LETTERS`: explicit names win over the stage's. */
const tableEnv = (role: TableRole): string => `TABLE_${role.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/**
 * Built on the first invocation of a cold start and reused by every later one. A promise, so that
 * invocations overlapping in one process (the local poller runs shards side by side) share one
 * secret read; a failed build is forgotten so that the next invocation tries again.
 */
let deps: Promise<ConsumeDeps> | undefined;

/**
 * The consumer's collaborators: table names from `VIGIL_STAGE` or `TABLE_*`, the pseudonymisation
 * key from Secrets Manager (`VIGIL_PSEUDONYM_SECRET_ARN`, AWS) or `VIGIL_PSEUDONYM_KEY` (local),
 * the dead letters' record store (`VIGIL_DEAD_LETTER_BUCKET`, AWS, or `VIGIL_DEAD_LETTER_DIR`, local),
 * and the detection config overrides from `VIGIL_DETECTION_CONFIG` (JSON, as `--rules` takes; the
 * CDK stack validates it at synthesis).
 */
async function buildDeps(): Promise<ConsumeDeps> {
  const stage = process.env.VIGIL_STAGE;
  const defaults = stage ? tableNames(stage) : undefined;
  const tables = Object.fromEntries(
    TABLE_ROLES.map((role) => {
      const name = process.env[tableEnv(role)] ?? defaults?.[role];
      if (!name) throw new Error(`consume-events: set VIGIL_STAGE or ${tableEnv(role)}`);
      return [role, name];
    }),
  ) as Record<TableRole, string>;
  // Stages can share an account and region: this dimension keeps their metrics apart (the stack's
  // dashboard reads { service, stage }).
  if (stage) metrics.setDefaultDimensions({ stage });
  const overrides = process.env.VIGIL_DETECTION_CONFIG;
  const config = resolveConfig(overrides ? (JSON.parse(overrides) as unknown) : {});
  const key = await loadPseudonymKey();
  const pseudonymiser = new Pseudonymiser(key);
  const client = dynamoClient();
  const store = new DynamoProfileStore({ client, tables });
  return {
    store,
    subjects: store,
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

/** The Kinesis consumer: decodes the event into stream records, consumes them, reports metrics. */
async function consumeEvents(
  event: KinesisStreamEvent,
  _context: Context,
): Promise<KinesisStreamBatchResponse> {
  deps ??= buildDeps().catch((err: unknown) => {
    deps = undefined;
    throw err;
  });
  const ready = await deps;
  const records = event.Records.map((r) => ({
    shard: shardOfEventId(r.eventID),
    sequenceNumber: r.kinesis.sequenceNumber,
    partitionKey: r.kinesis.partitionKey,
    // Base64 text: consumeBatch decodes it strictly, so bad base64 becomes a dead letter.
    data: r.kinesis.data,
    arrivedAt: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
  }));
  const result = await consumeBatch(records, ready);

  metrics.addMetric('Records', MetricUnit.Count, records.length);
  metrics.addMetric('Events', MetricUnit.Count, result.decisions.length);
  for (const outcome of ['allow', 'review', 'deny'] as const) {
    const n = result.decisions.filter((d) => !d.duplicate && d.decision.decision === outcome).length;
    metrics.addMetric(`Decisions_${outcome}`, MetricUnit.Count, n);
  }
  metrics.addMetric('Duplicates', MetricUnit.Count, result.decisions.filter((d) => d.duplicate).length);
  metrics.addMetric('Invalid', MetricUnit.Count, result.invalid.length);
  metrics.addMetric('Alerts', MetricUnit.Count, result.alerts.length);
  metrics.addMetric('FailedRecords', MetricUnit.Count, result.batchItemFailures.length);
  // End-to-end latency: from the oldest record's arrival in the stream to its decision.
  const oldest = Math.min(...records.map((r) => r.arrivedAt));
  if (Number.isFinite(oldest)) metrics.addMetric('Latency', MetricUnit.Milliseconds, Date.now() - oldest);
  logger.info('batch consumed', {
    records: records.length,
    decisions: result.decisions.length,
    invalid: result.invalid.length,
    alerts: result.alerts.length,
    failedAt: result.batchItemFailures[0]?.itemIdentifier,
  });
  return { batchItemFailures: result.batchItemFailures };
}

/** The Lambda entry (Kinesis event source with `ReportBatchItemFailures`). */
export const handler = middy(consumeEvents)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
