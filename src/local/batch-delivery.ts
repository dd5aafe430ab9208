/**
 * The local poller's delivery of one batch to the function, with the retry semantics of
 * Lambda's Kinesis event-source mapping.
 *
 * - Partial batch response (ReportBatchItemFailures): the handler returns
 *   `{ batchItemFailures: [{ itemIdentifier: sequenceNumber }] }`; the shard restarts at the
 *   lowest failed sequence number, so earlier records are not redelivered and later ones are.
 *   An empty list is success; an identifier that is empty or not in the batch makes the whole
 *   batch count as failed.
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * - Errors: a thrown error fails the whole batch. With `bisectBatchOnError` the batch is split
 *   in halves, each retried on its own in order (splitting does not use up retries: the retry
 *   count applies to a batch that cannot be split further); without it the whole batch is
 *   retried. After `maximumRetryAttempts` retries (-1: forever, Lambda's default) the failed
 *   records' metadata (shard, sequence numbers, arrival times, reason; never the data) goes to
 *   `onFailure`, Lambda's on-failure destination, and the shard moves on. The same limit
 *   applies to records reported in partial batch responses: repeated failures at the same
 *   checkpoint count as retries, and what is given up on is the retried batch from the
 *   checkpoint to its end (later records in it were not acknowledged either).
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-errors.html
 *
 * The retries are this module's own loop, not p-retry's: an attempt ends in one of four ways
 * (done, re-read from a record, split in halves, given up on) and the count of a partial
 * failure lives across re-reads of the shard; docs/adr/0007-local-emulation-by-hand.md.
 */
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { lowestFailure, type RecordSource, toEventRecord } from './kinesis-event.ts';

export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;

/** What `onFailure` receives for records given up on: metadata only, as Lambda's on-failure destination. */
export interface FailedRecords {
  condition: 'RetryAttemptsExhausted';
  streamArn: string;
  shardId: string;
  /** The error message, or `partial batch failure` when the handler reported the records as failed. */
  reason: string;
  /** Invocations that included these records. */
  attempts: number;
  records: { sequenceNumber: string; approximateArrivalTimestamp: string }[];
}

export interface PollerCounters {
  /** Handler invocations, retries included. */
  batches: number;
  /** Records the handler acknowledged (counted once each). */
  records: number;
  /** Invocations that were retries of failed records. */
  retries: number;
  /** Records given up on and sent to `onFailure`. */
  failures: number;
}

/** The outcome of delivering one batch. */
export type Outcome =
  | { kind: 'done' }
  /** Left unfinished because the poller is stopping: not acknowledged, not checkpointed. */
  | { kind: 'stopped' }
  /** Re-read the shard from this record (partial batch response). */
  | { kind: 'restart'; sequenceNumber: string };

/** What one invocation came to. */
type Attempt = { kind: 'ok' } | { kind: 'partial'; failedAt: string } | { kind: 'failed'; reason: string };

export interface DeliveryOptions {
  handler: KinesisHandler;
  onFailure: ((failure: FailedRecords) => void | Promise<void>) | undefined;
  bisectBatchOnError: boolean;
  /** -1: retry forever. */
  maxRetries: number;
  retryDelayMs: number;
  counters: PollerCounters;
  /** False once the poller is stopping. */
  isRunning: () => boolean;
  /** A wait that the poller's `stop()` cuts short. */
  sleep: (ms: number) => Promise<void>;
}

const DONE: Outcome = { kind: 'done' };

export class BatchDelivery {
  readonly #options: DeliveryOptions;
  readonly #streamArn: string;
  readonly #region: string;
  /** Per shard: the checkpoint of the last partial batch failure and how often it failed there. */
  readonly #partialRetries = new Map<string, { sequenceNumber: string; attempts: number }>();

  constructor(options: DeliveryOptions, stream: { streamArn: string; region: string }) {
    this.#options = options;
    this.#streamArn = stream.streamArn;
    this.#region = stream.region;
  }

  /**
   * Invokes the handler with `records` and applies the retry semantics, in order; returns once
   * the batch is settled or the shard must be re-read. `earlier`: invocations that already
   * included these records.
   */
  async deliver(shardId: string, records: KinesisRecord[], earlier = 0): Promise<Outcome> {
    const { counters, bisectBatchOnError, isRunning, sleep, retryDelayMs } = this.#options;
    for (let attempts = earlier + 1; ; attempts++) {
      if (attempts > 1) counters.retries++;
      counters.batches++;
      const attempt = await this.#invoke(shardId, records);
      if (attempt.kind === 'ok') return this.#acknowledge(shardId, records);
      if (attempt.kind === 'partial') return this.#partialFailure(shardId, records, attempt.failedAt);
      if (bisectBatchOnError && records.length > 1) return this.#bisect(shardId, records);
      if (this.#exhausted(attempts)) return this.#giveUp(shardId, records, attempt.reason, attempts);
      // Stopping: leave the batch unacknowledged, as a Lambda shutdown would.
      if (!isRunning()) return { kind: 'stopped' };
      await sleep(retryDelayMs);
    }
  }

  async #invoke(shardId: string, records: KinesisRecord[]): Promise<Attempt> {
    const source: RecordSource = { streamArn: this.#streamArn, region: this.#region, shardId };
    try {
      const response = await this.#options.handler({ Records: records.map((r) => toEventRecord(source, r)) });
      const failedAt = lowestFailure(records, response);
      if (failedAt === undefined) return { kind: 'ok' };
      // A response that does not name records of the batch: the whole batch failed.
      if (failedAt === 'invalid') return { kind: 'failed', reason: 'invalid batch item failure response' };
      return { kind: 'partial', failedAt };
    } catch (err) {
      return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  #acknowledge(shardId: string, records: KinesisRecord[]): Outcome {
    this.#options.counters.records += records.length;
    const retry = this.#partialRetries.get(shardId);
    if (retry && records.some((r) => r.SequenceNumber === retry.sequenceNumber))
      this.#partialRetries.delete(shardId);
    return DONE;
  }

  /** The records before the checkpoint are done; the shard is re-read from it, or given up on. */
  async #partialFailure(shardId: string, records: KinesisRecord[], failedAt: string): Promise<Outcome> {
    const index = records.findIndex((r) => r.SequenceNumber === failedAt);
    this.#options.counters.records += index;
    const previous = this.#partialRetries.get(shardId);
    const attempts = (previous?.sequenceNumber === failedAt ? previous.attempts : 0) + 1;
    if (this.#exhausted(attempts)) {
      this.#partialRetries.delete(shardId);
      return this.#giveUp(shardId, records.slice(index), 'partial batch failure', attempts);
    }
    this.#partialRetries.set(shardId, { sequenceNumber: failedAt, attempts });
    return { kind: 'restart', sequenceNumber: failedAt };
  }

  /** Each half retried on its own, in order; a half retried after a failure is a retry from its first invocation. */
  async #bisect(shardId: string, records: KinesisRecord[]): Promise<Outcome> {
    const middle = Math.ceil(records.length / 2);
    for (const half of [records.slice(0, middle), records.slice(middle)]) {
      await this.#options.sleep(this.#options.retryDelayMs);
      const outcome = await this.deliver(shardId, half, 1);
      if (outcome.kind !== 'done') return outcome;
    }
    return DONE;
  }

  #exhausted(attempts: number): boolean {
    const { maxRetries } = this.#options;
    return maxRetries >= 0 && attempts > maxRetries;
  }

  async #giveUp(
    shardId: string,
    records: KinesisRecord[],
    reason: string,
    attempts: number,
  ): Promise<Outcome> {
    this.#options.counters.failures += records.length;
    await this.#options.onFailure?.({
      condition: 'RetryAttemptsExhausted',
      streamArn: this.#streamArn,
      shardId,
      reason,
      attempts,
      records: records.map((r) => ({
        sequenceNumber: r.SequenceNumber ?? '',
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp ?? new Date(0)).toISOString(),
      })),
    });
    return DONE;
  }
}
