/**
 * A local Kinesis event-source poller: gives any Lambda handler real-shaped
 * Kinesis batches with the semantics of Lambda's Kinesis event-source mapping,
 * so that the embedded stack and the integration tests run the real consumer.
 *
 * What it does, and where AWS describes it:
 * - Polling: one loop per shard, all shards in parallel, each shard's records
 *   in order; a shard has at most one batch in flight.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * - Batching: `shard-reader.ts` (batch size, batching window, the 6 MB payload).
 * - Partial batch responses, errors, bisection, retries and the on-failure destination:
 *   `batch-delivery.ts`.
 * - Checkpoints: with `checkpoints`, the position in each shard is kept there and moved only
 *   once a batch is done (consumed, or given up on); `start()` resumes after it, and the
 *   starting position applies only to a shard without one. A batch left unfinished by `stop()`
 *   is not checkpointed: it is delivered again after a restart, as Lambda does after a crash.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 *
 * Not modelled: resharding (child shards of a closed shard), record age limits,
 * parallelisation factor, tumbling windows, enhanced fan-out.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  BatchDelivery,
  type FailedRecords,
  type KinesisHandler,
  type PollerCounters,
} from './batch-delivery.ts';
import type { Checkpoints } from './checkpoints.ts';
import { ShardReader } from './shard-reader.ts';

export type { FailedRecords, KinesisHandler, PollerCounters };

export interface PollerOptions {
  client: KinesisClient;
  streamName: string;
  handler: KinesisHandler;
  /** `awsRegion` of the records. Default: the client's region. */
  region?: string;
  /** Where a shard without a checkpoint starts: its oldest record (default) or records put after the start. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Where the position in each shard is kept across restarts. Default: nowhere (in memory). */
  checkpoints?: Checkpoints;
  /** Records per invocation at most (Lambda: 1–10,000, default 100). */
  batchSize?: number;
  /** How long to gather records before invoking (Lambda: 0–300 s, default 0). */
  maximumBatchingWindowMs?: number;
  /** Split a batch whose invocation threw, and retry the halves separately. Default false, as Lambda. */
  bisectBatchOnError?: boolean;
  /** Retries of a failed batch before it goes to `onFailure`; -1 retries forever (Lambda's default). */
  maximumRetryAttempts?: number;
  /** Where metadata of records given up on goes (Lambda's on-failure destination). Default: dropped. */
  onFailure?: (failure: FailedRecords) => void | Promise<void>;
  /** Wait before an idle shard is polled again. Default 250 ms (Lambda polls an idle shard once a second). */
  idleDelayMs?: number;
  /** Wait before a failed batch is retried. Default 50 ms. */
  retryDelayMs?: number;
}

/**
 * @example
 * ```ts
 * const poller = new KinesisPoller({ client, streamName: 'vigil-local-events', handler, bisectBatchOnError: true,
 *   maximumRetryAttempts: 2, onFailure: (f) => deadLetters.push(f) });
 * await poller.start();
 * await poller.whenIdle();
 * await poller.stop();
 * ```
 */
export class KinesisPoller {
  readonly counters: PollerCounters = { batches: 0, records: 0, retries: 0, failures: 0 };
  readonly #options: PollerOptions;
  readonly #idleDelayMs: number;
  readonly #retryDelayMs: number;
  #shards: ShardReader[] = [];
  #delivery: BatchDelivery | undefined;
  #loops: Promise<void>[] = [];
  #running = false;
  #wake = new AbortController();
  #error: unknown;

  constructor(options: PollerOptions) {
    this.#options = options;
    this.#idleDelayMs = options.idleDelayMs ?? 250;
    this.#retryDelayMs = options.retryDelayMs ?? 50;
  }

  /** Finds the stream's shards, positions a reader on each and starts polling them. */
  async start(): Promise<void> {
    if (this.#running) return;
    const { client, streamName } = this.#options;
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:::stream/${streamName}`;
    const region = this.#options.region ?? (await client.config.region());
    this.#delivery = this.#newDelivery(streamArn, region);
    this.#shards = await ShardReader.openAll(
      {
        client,
        streamName,
        batchSize: this.#options.batchSize ?? 100,
        windowMs: this.#options.maximumBatchingWindowMs ?? 0,
        idleDelayMs: this.#idleDelayMs,
        isRunning: () => this.#running,
        sleep: (ms) => this.#sleep(ms),
      },
      this.#options.startingPosition ?? 'TRIM_HORIZON',
      this.#options.checkpoints,
    );
    this.#running = true;
    this.#wake = new AbortController();
    this.#error = undefined;
    this.#loops = this.#shards.map((shard) =>
      this.#poll(shard).catch((err: unknown) => {
        this.#error ??= err;
      }),
    );
  }

  /** Stops polling; resolves when every shard's batch in flight has finished. Rethrows a polling error. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake.abort();
    await Promise.all(this.#loops);
    this.#loops = [];
    if (this.#error !== undefined) throw this.#error;
  }

  /**
   * Resolves once every shard has been found drained by a read that started
   * after this call (so every record put before it was delivered or given up
   * on), or rejects after `timeoutMs` or on a polling error.
   */
  async whenIdle(timeoutMs = 30_000): Promise<void> {
    const since = performance.now();
    const deadline = since + timeoutMs;
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      if (!this.#running) throw new Error('poller not running');
      if (this.#shards.every((s) => s.closed || (s.idleSince ?? -1) >= since)) return;
      if (performance.now() > deadline) throw new Error(`poller not idle after ${timeoutMs} ms`);
      await delay(10);
    }
  }

  #newDelivery(streamArn: string, region: string): BatchDelivery {
    const options = this.#options;
    return new BatchDelivery(
      {
        handler: options.handler,
        onFailure: options.onFailure,
        bisectBatchOnError: options.bisectBatchOnError ?? false,
        maxRetries: options.maximumRetryAttempts ?? -1,
        retryDelayMs: this.#retryDelayMs,
        counters: this.counters,
        isRunning: () => this.#running,
        sleep: (ms) => this.#sleep(ms),
      },
      { streamArn, region },
    );
  }

  /** An interruptible wait: `stop()` wakes it (https://nodejs.org/api/timers.html#timerspromisessettimeoutdelay-value-options). */
  async #sleep(ms: number): Promise<void> {
    if (ms <= 0 || !this.#running) return;
    // Aborted by stop(): the wait ends early, which is all a sleeper needs to know.
    await delay(ms, undefined, { signal: this.#wake.signal }).catch(() => {});
  }

  async #poll(shard: ShardReader): Promise<void> {
    const delivery = this.#delivery!;
    while (this.#running && !shard.closed) {
      const batch = await shard.gather();
      if (batch.length === 0) {
        shard.noteIdle();
        await this.#sleep(this.#idleDelayMs);
        continue;
      }
      shard.idleSince = undefined;
      const outcome = await delivery.deliver(shard.id, batch);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'done') {
        await this.#options.checkpoints?.set(shard.id, batch.at(-1)!.SequenceNumber!);
      } else {
        // services-kinesis-batchfailurereporting: resume at the lowest failed record.
        await shard.restartAt(outcome.sequenceNumber);
        await this.#sleep(this.#retryDelayMs);
      }
    }
  }
}
