import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../src/shared/env.ts';
import { CONSUMER_EVENT_SOURCE, EVENT_STREAM, streamName } from '../src/shared/streams.ts';
import type { TableRole } from '../src/shared/tables.ts';
import type { VigilConfig } from './config.ts';
import {
  acknowledgeRecordsWildcard,
  DEAD_LETTER_RECORDS,
  deadLetterBucket,
  deadLetterQueue,
  KmsQueueDestination,
} from './dead-letters.ts';
import {
  detectionEnvironment,
  POWERTOOLS_ENVIRONMENT,
  tableKeyStatement,
  type VigilFunction,
  vigilFunction,
} from './lambda.ts';
import { vigilTables } from './tables.ts';

/**
 * The DynamoDB actions the consumer sends, per table, read from the adapters it
 * runs (`src/shared/dynamo/profiles.ts` through the batching store,
 * `src/shared/dynamo/alerts.ts`, `src/shared/dynamo/dead-letters.ts`). A table
 * missing here (one added later for another function) gets no access from the consumer.
 */
export const CONSUMER_TABLE_ACTIONS: Partial<Record<TableRole, readonly string[]>> = {
  // load: BatchGetItem; record: one UpdateItem per profile and per counter bucket; the counters
  // re-read a bucket whose versioned update lost a race: GetItem.
  profiles: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'],
  // findDecisions/saveDecisions: BatchGetItem/BatchWriteItem; findDecision of an event the batch
  // did not prefetch: GetItem.
  decisions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem'],
  // One UpdateItem per alert, so that a redelivery never resets an analyst's disposition.
  alerts: ['dynamodb:UpdateItem'],
  deadLetters: ['dynamodb:BatchWriteItem'],
  // The batch's list entries (PrefetchedLists over DynamoEntityLists.lookup): BatchGetItem.
  lists: ['dynamodb:BatchGetItem'],
};

export interface PipelineProps {
  readonly stage: string;
  readonly config: VigilConfig;
  /** `{"version","secret"}`: the consumer reads it at cold start. */
  readonly pseudonymKeySecret: ISecret;
}

/**
 * The streaming half of Vigil: the event stream, the tables, the consumer
 * function with its event source mapping and its dead-letter queue, all built
 * from the same definitions as the local stack (`src/shared/streams.ts`,
 * `src/shared/tables.ts`).
 */
export class Pipeline extends Construct {
  /** Encrypts the stream, the tables and the DLQ: everything holding (pseudonymised) personal data. */
  readonly dataKey: Key;
  readonly stream: Stream;
  readonly tables: Readonly<Record<TableRole, Table>>;
  /** The consumer's on-failure destination: record metadata only (shard, sequence numbers), never the data. */
  readonly deadLetterQueue: Queue;
  /** The dead letters' full sealed records (the table items hold a bounded excerpt and the key). */
  readonly deadLetterBucket: Bucket;
  readonly consumer: NodejsFunction;
  readonly consumerLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { stage, config } = props;
    this.dataKey = dataKey(this, stage);
    this.stream = eventStream(this, stage, config.stream, this.dataKey);
    this.tables = vigilTables(this, stage, this.dataKey, config.deletionProtection);
    this.deadLetterQueue = deadLetterQueue(this, stage, this.dataKey);
    this.deadLetterBucket = deadLetterBucket(this, config.deletionProtection);
    const consumer = this.#consumer(props);
    this.consumer = consumer.fn;
    this.consumerLogGroup = consumer.logGroup;
    this.consumer.addEventSource(
      consumerEventSource(
        this.stream,
        config.consumer,
        new KmsQueueDestination(this.deadLetterQueue, this.dataKey),
      ),
    );
    this.#grantConsumer(props.pseudonymKeySecret);
  }

  #consumer({ stage, config, pseudonymKeySecret }: PipelineProps): VigilFunction {
    return vigilFunction(this, {
      stage,
      file: 'consume-events',
      ids: { logs: 'ConsumerLogs', role: 'ConsumerRole', fn: 'Consumer' },
      description: `Vigil ${stage}: scores the events of the Kinesis stream`,
      roleDescription: `Vigil ${stage}: the Kinesis consumer`,
      logRetentionDays: config.logRetentionDays,
      memorySize: config.consumer.memoryMb,
      timeout: Duration.seconds(config.consumer.timeoutSeconds),
      environment: {
        // The function derives its table names from the stage (`tableNames` in src/shared/tables.ts),
        // the same names the tables above are created with; TABLE_* overrides are for other setups.
        [ENV.stage]: stage,
        [ENV.pseudonymKeySecretArn]: pseudonymKeySecret.secretArn,
        [ENV.deadLetterBucket]: this.deadLetterBucket.bucketName,
        ...detectionEnvironment(config.detection),
        ...POWERTOOLS_ENVIRONMENT,
      },
      ipData: true,
    });
  }

  /** Exactly what the consumer's code sends: its tables' actions, the data key through DynamoDB, the key secret, record writes. */
  #grantConsumer(pseudonymKeySecret: ISecret): void {
    for (const [role, actions] of Object.entries(CONSUMER_TABLE_ACTIONS) as [TableRole, string[]][]) {
      this.consumer.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...actions],
          resources: [this.tables[role].tableArn],
        }),
      );
    }
    this.consumer.addToRolePolicy(tableKeyStatement(this.dataKey, Stack.of(this).region, { writes: true }));
    pseudonymKeySecret.grantRead(this.consumer);
    // The consumer writes records and never reads or deletes one (`vigil dead-letters` and erasure do).
    this.consumer.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: [this.deadLetterBucket.arnForObjects(DEAD_LETTER_RECORDS)],
      }),
    );
    acknowledgeRecordsWildcard(
      this.consumer.role!,
      this.deadLetterBucket,
      "s3:PutObject on the dead letters' records only; the wildcard stands for the record digest (one object per invalid record).",
    );
  }
}

/** The data key: rotated yearly, and retained, since deleting it would make every table, backup and retained record unreadable. */
function dataKey(scope: Construct, stage: string): Key {
  return new Key(scope, 'DataKey', {
    description: `Vigil ${stage}: encrypts the event stream, the tables and the dead-letter queue`,
    alias: `alias/vigil/${stage}/data`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** The event stream of {@link EVENT_STREAM} with the stack's capacity mode and retention. */
function eventStream(scope: Construct, stage: string, config: VigilConfig['stream'], key: Key): Stream {
  const stream = new Stream(scope, 'EventStream', {
    streamName: streamName(stage),
    streamMode: config.mode === 'PROVISIONED' ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND,
    ...(config.mode === 'PROVISIONED' ? { shardCount: config.shardCount } : {}),
    retentionPeriod: Duration.hours(config.retentionHours),
    encryption: EVENT_STREAM.encryption === 'KMS' ? StreamEncryption.KMS : StreamEncryption.UNENCRYPTED,
    encryptionKey: key,
  });
  Validations.of(stream).acknowledge({
    id: 'AwsSolutions-KDS3',
    reason:
      'Deliberately a customer-managed key instead of aws/kinesis: its key policy, rotation and CloudTrail record are ' +
      "Vigil's own, the same key as the tables (the records are personal data in clear).",
  });
  return stream;
}

/** The consumer's event source mapping: {@link CONSUMER_EVENT_SOURCE} with the stack's settings. */
function consumerEventSource(
  stream: Stream,
  config: VigilConfig['consumer'],
  onFailure: KmsQueueDestination,
): KinesisEventSource {
  return new KinesisEventSource(stream, {
    // From src/shared/streams.ts (TRIM_HORIZON: events written before the first mapping are not lost).
    startingPosition: StartingPosition[CONSUMER_EVENT_SOURCE.startingPosition],
    batchSize: config.batchSize,
    maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds),
    // The handler returns the first retryable record's sequence number (consumeBatch stops there).
    // https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
    reportBatchItemFailures: true,
    bisectBatchOnError: CONSUMER_EVENT_SOURCE.bisectBatchOnError,
    retryAttempts: config.retryAttempts,
    maxRecordAge: Duration.seconds(config.maxRecordAgeSeconds),
    parallelizationFactor: config.parallelizationFactor,
    // Lambda sends the failed batch's metadata (shard, sequence range, times), not its records:
    // https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
    onFailure,
  });
}
