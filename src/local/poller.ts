/**
 * A local Kinesis event-source poller: gives any Lambda handler real-shaped
 * Kinesis batches with the semantics of Lambda's Kinesis event-source mapping,
 * so that the embedded stack and the integration tests run the real consumer.
 *
 * What it does, and where AWS describes it:
 * - Polling: one loop per shard, all shards in parallel, each shard's records
 *   in order; a shard has at most one batch in flight.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * - Batching: records are gathered until `batchSize`, the batching window
 *   (`maximumBatchingWindowMs`) expires, or the 6 MB invocation payload is
 *   reached; with no window a batch goes out as soon as records are there.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (batching behaviour)
 * - Partial batch response (ReportBatchItemFailures): the handler returns
 *   `{ batchItemFailures: [{ itemIdentifier: sequenceNumber }] }`; the shard
 *   restarts at the lowest failed sequence number (a new iterator
 *   AT_SEQUENCE_NUMBER), so earlier records are not redelivered and later ones
 *   are. An empty list is success; an identifier that is empty or not in the
 *   batch makes the whole batch count as failed.
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * - Errors: a thrown error fails the whole batch. With `bisectBatchOnError` the
 *   batch is split in halves, each retried on its own in order (splitting does
 *   not use up retries: the retry count applies to a batch that cannot be split
 *   further); without it the whole batch is retried. After
 *   `maximumRetryAttempts` retries (-1: forever, Lambda's default) the failed
 *   records' metadata (shard, sequence numbers, arrival times, reason; never the
 *   data) goes to `onFailure`, Lambda's on-failure destination, and the shard
 *   moves on. The same limit applies to records reported in partial batch
 *   responses: repeated failures at the same checkpoint count as retries, and
 *   what is given up on is the retried batch from the checkpoint to its end
 *   (later records in it were not acknowledged either).
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-errors.html
 * - Checkpoints: with `checkpoints`, the position in each shard is kept there and moved only
 *   once a batch is done (consumed, or given up on); `start()` resumes after it, and the
 *   starting position applies only to a shard without one. A batch left unfinished by `stop()`
 *   is not checkpointed: it is delivered again after a restart, as Lambda does after a crash.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 *
 * Not modelled: resharding (child shards of a closed shard), record age limits,
 * parallelisation factor, tumbling windows, enhanced fan-out.
 */
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Checkpoints } from './checkpoints.ts';

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

/** Lambda's limit on the invocation payload of a synchronous call. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** Kinesis sequence numbers are decimal strings of up to 128 bits: compare as integers. */
const compareSequence = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The outcome of delivering one batch. */
type Outcome =
  | { kind: 'done' }
  /** Left unfinished because the poller is stopping: not acknowledged, not checkpointed. */
  | { kind: 'stopped' }
  /** Re-read the shard from this record (partial batch response). */
  | { kind: 'restart'; sequenceNumber: string };

interface Shard {
  id: string;
  iterator: string | undefined;
  /** Records read but not yet invoked. */
  carry: KinesisRecord[];
  /** The checkpoint of the last partial batch failure and how often it failed there. */
  retry: { sequenceNumber: string; attempts: number } | undefined;
  /** When the read started that found the shard drained (no record left, none in flight); else undefined. */
  idleSince: number | undefined;
  /** When the last GetRecords call started, and whether it found the shard at its tip. */
  lastRead: { startedAt: number; atTip: boolean };
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
  readonly #batchSize: number;
  readonly #windowMs: number;
  readonly #maxRetries: number;
  readonly #idleDelayMs: number;
  readonly #retryDelayMs: number;
  #streamArn = '';
  #region = '';
  #shards: Shard[] = [];
  #loops: Promise<void>[] = [];
  #running = false;
  #wake = new AbortController();
  #error: unknown;

  constructor(options: PollerOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 100;
    this.#windowMs = options.maximumBatchingWindowMs ?? 0;
    this.#maxRetries = options.maximumRetryAttempts ?? -1;
    this.#idleDelayMs = options.idleDelayMs ?? 250;
    this.#retryDelayMs = options.retryDelayMs ?? 50;
  }

  /** Finds the stream's shards, positions an iterator on each and starts polling them. */
  async start(): Promise<void> {
    if (this.#running) return;
    const { client, streamName } = this.#options;
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    this.#streamArn = summary.StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:::stream/${streamName}`;
    this.#region = this.#options.region ?? (await client.config.region());
    const shardIds: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }),
      );
      for (const shard of page.Shards ?? []) if (shard.ShardId) shardIds.push(shard.ShardId);
      token = page.NextToken;
    } while (token);
    const position = this.#options.startingPosition ?? 'TRIM_HORIZON';
    const checkpointed = (id: string): Omit<GetShardIteratorCommandInput, 'StreamName' | 'ShardId'> => {
      const last = this.#options.checkpoints?.get(id);
      return last === undefined
        ? { ShardIteratorType: position }
        : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: last };
    };
    this.#shards = await Promise.all(
      shardIds.map(async (id) => ({
        id,
        iterator: await this.#iterator({ ShardId: id, ...checkpointed(id) }),
        carry: [],
        retry: undefined,
        idleSince: undefined,
        lastRead: { startedAt: 0, atTip: false },
      })),
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
      if (this.#shards.every((s) => s.iterator === undefined || (s.idleSince ?? -1) >= since)) return;
      if (performance.now() > deadline) throw new Error(`poller not idle after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async #iterator(input: Omit<GetShardIteratorCommandInput, 'StreamName'>): Promise<string | undefined> {
    const { ShardIterator } = await this.#options.client.send(
      new GetShardIteratorCommand({ StreamName: this.#options.streamName, ...input }),
    );
    return ShardIterator;
  }

  /** An interruptible wait: `stop()` wakes it. */
  async #sleep(ms: number): Promise<void> {
    if (ms <= 0 || !this.#running) return;
    const signal = this.#wake.signal;
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', wake);
        resolve();
      }, ms);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  async #poll(shard: Shard): Promise<void> {
    while (this.#running && shard.iterator !== undefined) {
      const batch = await this.#gather(shard);
      if (batch.length === 0) {
        if (shard.carry.length === 0 && shard.lastRead.atTip) shard.idleSince = shard.lastRead.startedAt;
        await this.#sleep(this.#idleDelayMs);
        continue;
      }
      shard.idleSince = undefined;
      const outcome = await this.#deliver(shard, batch);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'done') {
        await this.#options.checkpoints?.set(shard.id, batch.at(-1)!.SequenceNumber!);
      } else {
        // services-kinesis-batchfailurereporting: resume at the lowest failed record.
        shard.carry = [];
        shard.iterator = await this.#iterator({
          ShardId: shard.id,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: outcome.sequenceNumber,
        });
        await this.#sleep(this.#retryDelayMs);
      }
    }
  }

  /** Reads records for one batch: up to `batchSize` and 6 MB, within the batching window. */
  async #gather(shard: Shard): Promise<KinesisRecord[]> {
    const deadline = Date.now() + this.#windowMs;
    const batch: KinesisRecord[] = [];
    let bytes = 0;
    const take = (): boolean => {
      while (shard.carry.length > 0 && batch.length < this.#batchSize) {
        const record = shard.carry[0]!;
        // Base64 grows the data by 4/3 in the event's JSON.
        const size = Math.ceil(((record.Data?.byteLength ?? 0) * 4) / 3) + 200;
        if (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) return true;
        batch.push(shard.carry.shift()!);
        bytes += size;
      }
      return batch.length >= this.#batchSize;
    };
    for (;;) {
      if (take()) return batch;
      if (shard.iterator === undefined || !this.#running) return batch;
      const startedAt = performance.now();
      const page = await this.#options.client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: Math.min(10_000, this.#batchSize) }),
      );
      // No next iterator: the shard is closed and read to its end.
      shard.iterator = page.NextShardIterator;
      shard.carry.push(...(page.Records ?? []));
      // AWS can return an empty page behind the tip; MillisBehindLatest tells.
      shard.lastRead = { startedAt, atTip: (page.Records ?? []).length === 0 && !page.MillisBehindLatest };
      if (take()) return batch;
      if (Date.now() >= deadline) return batch;
      if ((page.Records ?? []).length === 0)
        await this.#sleep(Math.min(this.#idleDelayMs, deadline - Date.now()));
    }
  }

  /**
   * Invokes the handler with `records` and applies the retry semantics, in
   * order; returns once the batch is settled or the shard must be re-read.
   */
  async #deliver(shard: Shard, records: KinesisRecord[], attempts = 0): Promise<Outcome> {
    for (;;) {
      if (attempts > 0) this.counters.retries++;
      attempts++;
      this.counters.batches++;
      let failedAt: string | undefined;
      let reason: string;
      try {
        const response = await this.#options.handler({
          Records: records.map((r) => this.#toEventRecord(shard, r)),
        });
        failedAt = this.#lowestFailure(records, response);
        if (failedAt === undefined) {
          this.counters.records += records.length;
          if (shard.retry && records.some((r) => r.SequenceNumber === shard.retry!.sequenceNumber))
            shard.retry = undefined;
          return { kind: 'done' };
        }
        reason = 'partial batch failure';
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }

      if (failedAt !== undefined && failedAt !== 'invalid') {
        // Partial batch response: the records before the checkpoint are done.
        const index = records.findIndex((r) => r.SequenceNumber === failedAt);
        this.counters.records += index;
        const previous = shard.retry?.sequenceNumber === failedAt ? shard.retry.attempts : 0;
        const failedAttempts = previous + 1;
        if (this.#maxRetries >= 0 && failedAttempts > this.#maxRetries) {
          shard.retry = undefined;
          await this.#giveUp(shard, records.slice(index), reason, failedAttempts);
          return { kind: 'done' };
        }
        shard.retry = { sequenceNumber: failedAt, attempts: failedAttempts };
        return { kind: 'restart', sequenceNumber: failedAt };
      }

      // A thrown error, or a response that does not name records of the batch: the whole batch failed.
      if (failedAt === 'invalid') reason = 'invalid batch item failure response';
      if (this.#options.bisectBatchOnError && records.length > 1) {
        const middle = Math.ceil(records.length / 2);
        for (const half of [records.slice(0, middle), records.slice(middle)]) {
          await this.#sleep(this.#retryDelayMs);
          // A half retried after a failure is a retry: its first invocation counts as one.
          const outcome = await this.#deliver(shard, half, 1);
          if (outcome.kind !== 'done') return outcome;
        }
        return { kind: 'done' };
      }
      if (this.#maxRetries >= 0 && attempts > this.#maxRetries) {
        await this.#giveUp(shard, records, reason, attempts);
        return { kind: 'done' };
      }
      if (!this.#running) {
        // Stopping: leave the batch unacknowledged, as a Lambda shutdown would.
        return { kind: 'stopped' };
      }
      await this.#sleep(this.#retryDelayMs);
    }
  }

  /**
   * The lowest sequence number in `batchItemFailures`, `invalid` when an entry
   * does not name a record of the batch, or undefined when nothing failed.
   */
  #lowestFailure(records: KinesisRecord[], response: KinesisStreamBatchResponse | void): string | undefined {
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) return undefined;
    const inBatch = new Set(records.map((r) => r.SequenceNumber));
    let lowest: string | undefined;
    for (const failure of failures) {
      const id = failure?.itemIdentifier;
      if (typeof id !== 'string' || id === '' || !inBatch.has(id)) return 'invalid';
      if (lowest === undefined || compareSequence(id, lowest) < 0) lowest = id;
    }
    return lowest;
  }

  async #giveUp(shard: Shard, records: KinesisRecord[], reason: string, attempts: number): Promise<void> {
    this.counters.failures += records.length;
    await this.#options.onFailure?.({
      condition: 'RetryAttemptsExhausted',
      streamArn: this.#streamArn,
      shardId: shard.id,
      reason,
      attempts,
      records: records.map((r) => ({
        sequenceNumber: r.SequenceNumber ?? '',
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp ?? new Date(0)).toISOString(),
      })),
    });
  }

  /** A record as Lambda hands it over: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-event-example */
  #toEventRecord(shard: Shard, r: KinesisRecord): KinesisStreamRecord {
    const sequenceNumber = r.SequenceNumber ?? '';
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey ?? '',
        sequenceNumber,
        data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
        approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shard.id}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/vigil-local-consumer',
      awsRegion: this.#region,
      eventSourceARN: this.#streamArn,
    };
  }
}
