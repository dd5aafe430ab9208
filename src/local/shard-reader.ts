/**
 * The local poller's reading of one shard: where it starts, and how records are gathered into
 * a batch, as Lambda's Kinesis event-source mapping does.
 *
 * - Starting position: after the shard's checkpoint when it has one, else `TRIM_HORIZON` or
 *   `LATEST`. https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * - Batching: records are gathered until `batchSize`, the batching window
 *   (`maximumBatchingWindowMs`) expires, or the 6 MB invocation payload is reached; with no
 *   window a batch goes out as soon as records are there.
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (batching behaviour)
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { Checkpoints } from './checkpoints.ts';

/** Lambda's limit on the invocation payload of a synchronous call. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** What every shard reader of one poller shares. */
export interface ReaderContext {
  client: KinesisClient;
  streamName: string;
  batchSize: number;
  windowMs: number;
  idleDelayMs: number;
  /** False once the poller is stopping: a reader then hands over what it has. */
  isRunning: () => boolean;
  /** A wait that the poller's `stop()` cuts short. */
  sleep: (ms: number) => Promise<void>;
}

/** A batch being gathered, and its size in the invocation payload. */
interface Batch {
  records: KinesisRecord[];
  bytes: number;
}

type IteratorPosition = Omit<GetShardIteratorCommandInput, 'StreamName' | 'ShardId'>;

/** Every shard of the stream, following the pages of `ListShards`. */
async function listShardIds(client: KinesisClient, streamName: string): Promise<string[]> {
  const shardIds: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }),
    );
    for (const shard of page.Shards ?? []) if (shard.ShardId) shardIds.push(shard.ShardId);
    token = page.NextToken;
  } while (token);
  return shardIds;
}

/** The size a record adds to the invocation payload: base64 grows its data by 4/3 in the JSON. */
const payloadSize = (record: KinesisRecord): number =>
  Math.ceil(((record.Data?.byteLength ?? 0) * 4) / 3) + 200;

export class ShardReader {
  /** When the read started that found the shard drained (no record left, none in flight); else undefined. */
  idleSince: number | undefined;
  readonly #context: ReaderContext;
  #iterator: string | undefined;
  /** Records read but not yet in a batch. */
  #carry: KinesisRecord[] = [];
  /** When the last GetRecords call started, and whether it found the shard at its tip. */
  #lastRead = { startedAt: 0, atTip: false };

  private constructor(
    readonly id: string,
    context: ReaderContext,
  ) {
    this.#context = context;
  }

  /**
   * A reader on each shard of the stream, after its checkpoint, or at `position` for a shard
   * without one.
   */
  static async openAll(
    context: ReaderContext,
    position: 'TRIM_HORIZON' | 'LATEST',
    checkpoints: Checkpoints | undefined,
  ): Promise<ShardReader[]> {
    const ids = await listShardIds(context.client, context.streamName);
    return Promise.all(
      ids.map(async (id) => {
        const last = checkpoints?.get(id);
        const reader = new ShardReader(id, context);
        await reader.#position(
          last === undefined
            ? { ShardIteratorType: position }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: last },
        );
        return reader;
      }),
    );
  }

  /** The shard is closed and read to its end (no next iterator). */
  get closed(): boolean {
    return this.#iterator === undefined;
  }

  /** Reads the shard again from this record on (partial batch response): what was read is dropped. */
  async restartAt(sequenceNumber: string): Promise<void> {
    this.#carry = [];
    await this.#position({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: sequenceNumber });
  }

  /** Notes the shard drained when the last read found it at its tip with nothing left over. */
  noteIdle(): void {
    if (this.#carry.length === 0 && this.#lastRead.atTip) this.idleSince = this.#lastRead.startedAt;
  }

  /** Reads records for one batch: up to `batchSize` and 6 MB, within the batching window. */
  async gather(): Promise<KinesisRecord[]> {
    const { windowMs, idleDelayMs, isRunning, sleep } = this.#context;
    const deadline = Date.now() + windowMs;
    const batch: Batch = { records: [], bytes: 0 };
    for (;;) {
      if (this.#take(batch)) return batch.records;
      if (this.closed || !isRunning()) return batch.records;
      const found = await this.#read();
      if (this.#take(batch)) return batch.records;
      if (Date.now() >= deadline) return batch.records;
      if (found === 0) await sleep(Math.min(idleDelayMs, deadline - Date.now()));
    }
  }

  /** Moves read records into the batch; true once the batch is full (by count or payload). */
  #take(batch: Batch): boolean {
    const { batchSize } = this.#context;
    while (this.#carry.length > 0 && batch.records.length < batchSize) {
      const size = payloadSize(this.#carry[0]!);
      if (batch.records.length > 0 && batch.bytes + size > MAX_PAYLOAD_BYTES) return true;
      batch.records.push(this.#carry.shift()!);
      batch.bytes += size;
    }
    return batch.records.length >= batchSize;
  }

  /** One GetRecords call; returns how many records it found. */
  async #read(): Promise<number> {
    const { client, batchSize } = this.#context;
    const startedAt = performance.now();
    const page = await client.send(
      new GetRecordsCommand({ ShardIterator: this.#iterator, Limit: Math.min(10_000, batchSize) }),
    );
    const records = page.Records ?? [];
    // No next iterator: the shard is closed and read to its end.
    this.#iterator = page.NextShardIterator;
    this.#carry.push(...records);
    // AWS can return an empty page behind the tip; MillisBehindLatest tells.
    this.#lastRead = { startedAt, atTip: records.length === 0 && !page.MillisBehindLatest };
    return records.length;
  }

  async #position(position: IteratorPosition): Promise<void> {
    const { client, streamName } = this.#context;
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: this.id, ...position }),
    );
    this.#iterator = ShardIterator;
  }
}
