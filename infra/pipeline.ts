import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type Attribute,
} from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  type DlqDestinationConfig,
  type IEventSourceDlq,
  type IFunction,
  Runtime,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ensureIpData } from '../src/ip-data-builder/build.ts';
import { GEO_FILE, IP_DATA_DIR_ENV, NETWORKS_FILE } from '../src/shared/ip-data/load.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../src/shared/observability.ts';
import { DEAD_LETTER_BUCKET_ENV, recordKey } from '../src/shared/sealed-records.ts';
import { DEAD_LETTER_RETENTION_DAYS } from '../src/shared/ports/dead-letters.ts';
import { CONSUMER_EVENT_SOURCE, EVENT_STREAM, streamName } from '../src/shared/streams.ts';
import { type KeyAttribute, TABLE_ROLES, TABLES, type TableRole, tableName } from '../src/shared/tables.ts';
import type { VigilConfig } from './config.ts';

/** The repository root: NodejsFunction's project root and where package-lock.json is. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The newest Node.js runtime Lambda offers (checked 2026-11:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). A named
 * constant rather than `NODEJS_LATEST`, whose meaning moves with aws-cdk-lib
 * upgrades and would change the runtime in an unrelated dependency bump.
 */
export const CONSUMER_RUNTIME = Runtime.NODEJS_24_X;

/**
 * Where a bundle keeps the IP data tables (geolocation, hosting and crawler
 * networks, see `src/shared/ip-data/`), inside the Lambda package
 * (`/var/task` is `LAMBDA_TASK_ROOT` for .zip functions:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export const IP_DATA_DIR = 'ip-data';
/** The IP data files a function that enriches events ships. */
export const IP_DATA_FILES = [GEO_FILE, NETWORKS_FILE] as const;
/** The environment that points a function at its IP data tables. */
export const IP_DATA_ENVIRONMENT = { [IP_DATA_DIR_ENV]: `/var/task/${IP_DATA_DIR}` } as const;

/**
 * An ES module bundle still contains CommonJS packages that use `require`
 * (of Node.js built-ins) and `__dirname`; esbuild's ESM output defines
 * neither, so the bundle defines them first.
 * https://esbuild.github.io/api/#banner, https://github.com/evanw/esbuild/issues/1921
 */
const ESM_BANNER =
  "import { createRequire as __vigilCreateRequire } from 'node:module';" +
  "import { fileURLToPath as __vigilFileURLToPath } from 'node:url';" +
  "import { dirname as __vigilDirname } from 'node:path';" +
  'const require = __vigilCreateRequire(import.meta.url);' +
  'const __filename = __vigilFileURLToPath(import.meta.url);' +
  'const __dirname = __vigilDirname(__filename);';

/**
 * The DynamoDB actions the consumer sends, per table, read from the adapters it
 * runs (`src/shared/profile/dynamo-store.ts` through the batching store,
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
};

/** The objects of the dead letters' full sealed records: `dead-letters/<sha256>` (see `recordKey`). */
export const DEAD_LETTER_RECORDS = recordKey('*');

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

    this.dataKey = new Key(this, 'DataKey', {
      description: `Vigil ${stage}: encrypts the event stream, the tables and the dead-letter queue`,
      alias: `alias/vigil/${stage}/data`,
      enableKeyRotation: true,
      // Deleting it would make every table, backup and retained record unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stream = new Stream(this, 'EventStream', {
      streamName: streamName(stage),
      streamMode: config.stream.mode === 'PROVISIONED' ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND,
      ...(config.stream.mode === 'PROVISIONED' ? { shardCount: config.stream.shardCount } : {}),
      retentionPeriod: Duration.hours(config.stream.retentionHours),
      encryption: EVENT_STREAM.encryption === 'KMS' ? StreamEncryption.KMS : StreamEncryption.UNENCRYPTED,
      encryptionKey: this.dataKey,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'Deliberately a customer-managed key instead of aws/kinesis: its key policy, rotation and CloudTrail record are ' +
        "Vigil's own, the same key as the tables (the records are personal data in clear).",
    });

    this.tables = Object.fromEntries(
      TABLE_ROLES.map((role) => [role, this.#table(stage, role, config.deletionProtection)]),
    ) as Record<TableRole, Table>;

    this.deadLetterQueue = new Queue(this, 'ConsumerDlq', {
      queueName: `vigil-${stage}-consumer-dlq`,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      // The longest SQS keeps a message: time for an operator to replay from the stream.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the Kinesis event source mapping's on-failure destination, the end of the line: Lambda writes " +
        'the failed batch metadata here, and a message that cannot be handled stays for an operator, so it needs no DLQ of its own.',
    });

    this.deadLetterBucket = this.#deadLetterBucket(config.deletionProtection);

    this.consumerLogGroup = new LogGroup(this, 'ConsumerLogs', {
      logGroupName: `/aws/lambda/vigil-${stage}-consume-events`,
      retention: config.logRetentionDays,
      // The logs hold pseudonyms and counts only; they expire by retention, a stack deletion may take them.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy (logs:CreateLogGroup
    // and writes to every log group): this one may write to its own log group only.
    const role = new Role(this, 'ConsumerRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Vigil ${stage}: the Kinesis consumer`,
    });
    this.consumerLogGroup.grantWrite(role);

    this.consumer = new NodejsFunction(this, 'Consumer', {
      functionName: `vigil-${stage}-consume-events`,
      description: `Vigil ${stage}: scores the events of the Kinesis stream`,
      entry: join(ROOT, 'functions/consume-events.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: CONSUMER_RUNTIME,
      // Graviton: about 20 % cheaper per GB-second: https://aws.amazon.com/lambda/pricing/
      architecture: Architecture.ARM_64,
      memorySize: config.consumer.memoryMb,
      timeout: Duration.seconds(config.consumer.timeoutSeconds),
      role,
      logGroup: this.consumerLogGroup,
      environment: {
        // The function derives its table names from the stage (`tableNames` in src/shared/tables.ts),
        // the same names the tables above are created with; TABLE_* overrides are for other setups.
        VIGIL_STAGE: stage,
        VIGIL_PSEUDONYM_SECRET_ARN: props.pseudonymKeySecret.secretArn,
        [DEAD_LETTER_BUCKET_ENV]: this.deadLetterBucket.bucketName,
        ...(Object.keys(config.detection).length > 0
          ? { VIGIL_DETECTION_CONFIG: JSON.stringify(config.detection) }
          : {}),
        ...IP_DATA_ENVIRONMENT,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Never log the incoming event: its records are personal data in clear.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      },
      bundling: lambdaBundling({ ipData: true }),
    });

    this.consumer.addEventSource(
      new KinesisEventSource(this.stream, {
        // From src/shared/streams.ts (TRIM_HORIZON: events written before the first mapping are not lost).
        startingPosition: StartingPosition[CONSUMER_EVENT_SOURCE.startingPosition],
        batchSize: config.consumer.batchSize,
        maxBatchingWindow: Duration.seconds(config.consumer.maxBatchingWindowSeconds),
        // The handler returns the first retryable record's sequence number (consumeBatch stops there).
        // https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
        reportBatchItemFailures: true,
        bisectBatchOnError: CONSUMER_EVENT_SOURCE.bisectBatchOnError,
        retryAttempts: config.consumer.retryAttempts,
        maxRecordAge: Duration.seconds(config.consumer.maxRecordAgeSeconds),
        parallelizationFactor: config.consumer.parallelizationFactor,
        // Lambda sends the failed batch's metadata (shard, sequence range, times), not its records:
        // https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
        onFailure: new KmsQueueDestination(this.deadLetterQueue, this.dataKey),
      }),
    );

    for (const [role, actions] of Object.entries(CONSUMER_TABLE_ACTIONS) as [TableRole, string[]][]) {
      this.consumer.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...actions],
          resources: [this.tables[role].tableArn],
        }),
      );
    }
    // DynamoDB uses the table's customer-managed key on the caller's behalf, so the caller needs the
    // key too, and only through DynamoDB (kms:ViaService):
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
    this.consumer.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [this.dataKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    props.pseudonymKeySecret.grantRead(this.consumer);
    // The consumer writes records and never reads or deletes one (`vigil dead-letters` and erasure do).
    this.consumer.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: [this.deadLetterBucket.arnForObjects(DEAD_LETTER_RECORDS)],
      }),
    );
    Validations.of(this.consumer.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.deadLetterBucket.node.defaultChild as CfnBucket)}.Arn>/${DEAD_LETTER_RECORDS}]`,
      reason:
        "s3:PutObject on the dead letters' records only; the wildcard stands for the record digest (one object per invalid record).",
    });
  }

  /**
   * The bucket of the dead letters' full sealed records. Not versioned: erasure and redrive
   * delete records, and a versioned bucket would keep each as a noncurrent version. Objects
   * expire with the dead letters' items ({@link DEAD_LETTER_RETENTION_DAYS} days; S3 removes
   * expired objects asynchronously, and the item's TTL the same way:
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html).
   * S3-managed encryption: the records are sealed by the consumer (AES-256-GCM under a key
   * derived from the pseudonymisation key) before they reach S3, so a customer-managed key would
   * add a KMS request per object and guard nothing more.
   */
  #deadLetterBucket(deletionProtection: boolean): Bucket {
    const bucket = new Bucket(this, 'DeadLetterRecords', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        {
          id: 'dead-letter-retention',
          expiration: Duration.days(DEAD_LETTER_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // As the tables: kept with deletion protection; a dev stack takes it along (when empty).
      removalPolicy: deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access log bucket: the objects are sealed records that only the consumer (write), vigil dead-letters ' +
        'and erasure (read, delete) touch, each a role of this stack; a log bucket would keep every record digest for ' +
        'longer than the records themselves. CloudTrail data events can be enabled on it for an audit.',
    });
    return bucket;
  }

  #table(stage: string, role: TableRole, deletionProtection: boolean): Table {
    const definition = TABLES[role];
    const table = new Table(this, `Table-${role}`, {
      tableName: tableName(stage, role),
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: definition.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      deletionProtection,
      // A protected table is also retained when the stack goes; an unprotected (dev) one goes with it.
      removalPolicy: deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of definition.indexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}

/**
 * The on-failure destination of the event source mapping: an SSE-KMS queue. Instead of `SqsDlq`,
 * whose grant adds `kms:ReEncrypt*` and `kms:GenerateDataKey*`, it grants what sending to an
 * encrypted queue takes, `kms:GenerateDataKey` and `kms:Decrypt`, and only through SQS:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
class KmsQueueDestination implements IEventSourceDlq {
  constructor(
    private readonly queue: Queue,
    private readonly key: Key,
  ) {}

  bind(_target: unknown, targetHandler: IFunction): DlqDestinationConfig {
    targetHandler.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    targetHandler.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this.queue).region}.amazonaws.com` },
        },
      }),
    );
    return { destination: this.queue.queueArn };
  }
}

const ATTRIBUTE_TYPES = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const;

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

/**
 * How every Vigil function is bundled: local esbuild (a devDependency, never Docker), one minified
 * ES module for Node.js 24 with the AWS SDK inside. With `ipData`, the IP data tables are copied
 * beside the bundle (the function then needs {@link IP_DATA_ENVIRONMENT}): only the functions that
 * enrich events with IP facts ship the 31 MB.
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { entry, bundling: lambdaBundling({ ipData: false }) });
 * ```
 */
export function lambdaBundling({ ipData }: { ipData: boolean }): BundlingOptions {
  return {
    // Local esbuild (a devDependency), never Docker.
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    // Bundle the AWS SDK too: the code runs with the SDK versions it was tested with, not
    // whatever the runtime ships (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html).
    externalModules: [],
    banner: ESM_BANNER,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      // The tables are files read at the first lookup, not code: esbuild cannot bundle them.
      afterBundling: (_inputDir: string, outputDir: string) => (ipData ? ipDataCommands(outputDir) : []),
    },
  };
}

/**
 * Shell commands (run locally after esbuild) that copy the IP data tables beside the bundle,
 * built first if their sources changed since they were last built.
 */
export function ipDataCommands(outputDir: string): string[] {
  const { dir } = ensureIpData();
  const target = join(outputDir, IP_DATA_DIR);
  return [
    `mkdir -p "${target}"`,
    ...IP_DATA_FILES.map((file) => `cp "${join(dir, file)}" "${target}/${file}"`),
  ];
}
