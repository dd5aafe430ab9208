import type { CreateStreamCommandInput } from '@aws-sdk/client-kinesis';

/**
 * The event stream of Vigil, as plain data: the one definition that the CDK
 * stack and the local (kinesalite) stack both build the stream from, like
 * `tables.ts` for the tables.
 */
export interface StreamDefinition {
  /** The last part of the stream name: `vigil-<stage>-<suffix>`. */
  readonly suffix: string;
  /**
   * Capacity mode in AWS. On demand by default: producers' traffic is bursty and
   * small on average, and on-demand streams scale their shards themselves.
   * https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html
   */
  readonly mode: 'ON_DEMAND' | 'PROVISIONED';
  /**
   * Shards where a shard count is needed: the local stack (kinesalite knows only
   * provisioned streams) and the provisioned mode.
   */
  readonly shardCount: number;
  /**
   * How long records stay readable, hours (24 is the Kinesis minimum and default):
   * enough to ride out a consumer outage of a day, and no longer, since the
   * records carry personal data in clear.
   */
  readonly retentionHours: number;
  /**
   * Server-side encryption at rest with KMS (the records are personal data in
   * clear). The local stack's kinesalite has no encryption; CDK applies it.
   */
  readonly encryption: 'KMS';
}

export const EVENT_STREAM: StreamDefinition = {
  suffix: 'events',
  mode: 'ON_DEMAND',
  shardCount: 2,
  retentionHours: 24,
  encryption: 'KMS',
};

/** The name of the event stream of a stage: `vigil-<stage>-events`. */
export const streamName = (stage: string): string => `vigil-${stage}-${EVENT_STREAM.suffix}`;

/**
 * The SDK request that creates the event stream locally (kinesalite takes a
 * shard count and no capacity mode; CDK maps {@link EVENT_STREAM} itself).
 */
export function createStreamInput(
  name: string,
  shardCount = EVENT_STREAM.shardCount,
): CreateStreamCommandInput {
  return { StreamName: name, ShardCount: shardCount };
}

/**
 * How the consumer Lambda reads the stream: the one definition of its event source mapping,
 * which the CDK stack deploys and the local poller (`src/local/poller.ts`) imitates.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html
 */
export interface ConsumerEventSource {
  /**
   * Records per invocation at most. Larger batches group more events per profile (one
   * DynamoDB write per profile per batch) and cost fewer requests per event; 500 keeps a batch's
   * work well inside a few seconds.
   */
  readonly batchSize: number;
  /** How long Lambda gathers records before invoking, ms: the latency added to a quiet stream. */
  readonly maximumBatchingWindowMs: number;
  /** Split a batch whose invocation failed and retry the halves, isolating a poison record. */
  readonly bisectBatchOnError: boolean;
  /** Retries of a failing batch before its records' metadata goes to the on-failure destination. */
  readonly maximumRetryAttempts: number;
  /** Records older than this are given up on (seconds; -1 never): stale events are no use to fraud checks. */
  readonly maximumRecordAgeSeconds: number;
  /** Concurrent batches per shard (1–10); records of one partition key stay in order. */
  readonly parallelizationFactor: number;
  /** Where a new mapping starts reading. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
}

export const CONSUMER_EVENT_SOURCE: ConsumerEventSource = {
  batchSize: 500,
  maximumBatchingWindowMs: 1_000,
  bisectBatchOnError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeSeconds: 6 * 3_600,
  parallelizationFactor: 1,
  startingPosition: 'TRIM_HORIZON',
};
