import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { DlqDestinationConfig, IEventSourceDlq, IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../src/shared/ports/dead-letters.ts';
import { recordKey } from '../src/shared/sealed-records.ts';

/** The objects of the dead letters' full sealed records: `dead-letters/<sha256>` (see `recordKey`). */
export const DEAD_LETTER_RECORDS = recordKey('*');

/**
 * The consumer's on-failure destination: record metadata only (shard, sequence numbers), never
 * the data, encrypted with the data key.
 */
export function deadLetterQueue(scope: Construct, stage: string, dataKey: IKey): Queue {
  const queue = new Queue(scope, 'ConsumerDlq', {
    queueName: `vigil-${stage}-consumer-dlq`,
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: dataKey,
    enforceSSL: true,
    // The longest SQS keeps a message: time for an operator to replay from the stream.
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the Kinesis event source mapping's on-failure destination, the end of the line: Lambda writes " +
      'the failed batch metadata here, and a message that cannot be handled stays for an operator, so it needs no DLQ of its own.',
  });
  return queue;
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
export function deadLetterBucket(scope: Construct, deletionProtection: boolean): Bucket {
  const bucket = new Bucket(scope, 'DeadLetterRecords', {
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

/**
 * Acknowledges cdk-nag's wildcard finding on a role's access to the records: the wildcard of
 * {@link DEAD_LETTER_RECORDS} stands for a record digest. cdk-nag names the resource as it
 * renders it, `<bucket logical id.Arn>/dead-letters/*`.
 */
export function acknowledgeRecordsWildcard(role: IConstruct, bucket: IBucket, reason: string): void {
  const stack = Stack.of(role);
  const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as CfnElement)) as string;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${DEAD_LETTER_RECORDS}]`,
    reason,
  });
}

/**
 * The on-failure destination of the event source mapping: an SSE-KMS queue. Instead of `SqsDlq`,
 * whose grant adds `kms:ReEncrypt*` and `kms:GenerateDataKey*`, it grants what sending to an
 * encrypted queue takes, `kms:GenerateDataKey` and `kms:Decrypt`, and only through SQS:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
export class KmsQueueDestination implements IEventSourceDlq {
  constructor(
    private readonly queue: Queue,
    private readonly key: IKey,
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
