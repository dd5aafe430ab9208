import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { logger, metrics } from '../shared/observability.ts';
import {
  type ConsumeDeps,
  type ConsumeResult,
  consumeBatch,
  shardOfEventId,
  type StreamRecord,
} from './consume.ts';

/**
 * A Lambda Kinesis event's records as {@link consumeBatch} takes them: the shard from each
 * record's `eventID`, the arrival time in ms.
 *
 * @example
 * ```ts
 * const result = await consumeBatch(streamRecords(event), deps);
 * ```
 */
export function streamRecords(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map((r) => ({
    shard: shardOfEventId(r.eventID),
    sequenceNumber: r.kinesis.sequenceNumber,
    partitionKey: r.kinesis.partitionKey,
    // Base64 text: consumeBatch decodes it strictly, so bad base64 becomes a dead letter.
    data: r.kinesis.data,
    arrivedAt: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
  }));
}

/** A batch's metrics (the stack's dashboard graphs them) and its one log line. */
function report(records: readonly StreamRecord[], result: ConsumeResult): void {
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
}

/**
 * The consumer's Lambda handler (Kinesis event source with `ReportBatchItemFailures`): decodes
 * the event into stream records, consumes them, reports metrics. `deps` builds the collaborators
 * once per cold start (`once(consumeDepsFromEnv)`).
 *
 * @example
 * ```ts
 * export const handler = streamHandler(once(consumeDepsFromEnv));
 * ```
 */
export function streamHandler(deps: () => Promise<ConsumeDeps>) {
  const consumeEvents = async (
    event: KinesisStreamEvent,
    _context: Context,
  ): Promise<KinesisStreamBatchResponse> => {
    const ready = await deps();
    const records = streamRecords(event);
    const result = await consumeBatch(records, ready);
    report(records, result);
    return { batchItemFailures: result.batchItemFailures };
  };
  return middy(consumeEvents)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
