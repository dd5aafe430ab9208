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
