import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../infra/config.ts';
import { ITERATOR_AGE_ALARM_MS } from '../../infra/monitoring.ts';
import { CONSUMER_TABLE_ACTIONS, IP_DATA_DIR } from '../../infra/pipeline.ts';
import type { VigilStack } from '../../infra/vigil-stack.ts';
import { METRICS_NAMESPACE } from '../../src/shared/observability.ts';
import { EVENT_STREAM } from '../../src/shared/streams.ts';
import { DEAD_LETTER_BUCKET_ENV } from '../../src/shared/sealed-records.ts';
import { DEAD_LETTER_RETENTION_DAYS } from '../../src/shared/ports/dead-letters.ts';
import { TABLE_ROLES, TABLES, tableName } from '../../src/shared/tables.ts';
import { logicalId, vigilApp } from './support.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string>>;
}

// One synthesis per context: the assertions on the defaults share one.
const synthesised = new Map<string, { stack: VigilStack; template: Template }>();
function synth(context: Record<string, unknown> = {}) {
  const key = JSON.stringify(context);
  let found = synthesised.get(key);
  if (!found) {
    const { stack } = vigilApp(context);
    found = { stack, template: Template.fromStack(stack) };
    synthesised.set(key, found);
  }
  return found;
}

const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every statement of every policy attached to the consumer's role. */
function consumerStatements(stack: VigilStack, template: Template): Statement[] {
  const roleId = stack.getLogicalId(stack.pipeline.consumer.role!.node.defaultChild as never);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

// The first synthesis loads most of aws-cdk-lib and takes many seconds on a busy machine: done
// here, with room to spare, so that no test's own time depends on the machine's load.
beforeAll(() => {
  synth();
}, 180_000);

describe('Pipeline: the event stream', () => {
  it('is on demand, keeps records for the definition retention and is KMS-encrypted with the data key', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const streams = template.findResources('AWS::Kinesis::Stream');

    // Assess
    expect(Object.keys(streams)).toEqual([logicalId(stack, stack.pipeline.stream)]);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'vigil-dev-events',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: EVENT_STREAM.retentionHours,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: getAtt(logicalId(stack, stack.pipeline.dataKey)) },
      ShardCount: Match.absent(),
    });
  });

  it('takes provisioned shards and a longer retention from context', () => {
    // Prepare
    const context = { streamMode: 'provisioned', shardCount: '4', streamRetentionHours: '48' };

    // Act
    const { template } = synth(context);

    // Assess
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 4,
      RetentionPeriodHours: 48,
    });
  });
});

describe('Stack outputs', () => {
  it('name the stream, its key and the alarm topic for producers and operators', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs.EventStreamArn?.Value).toEqual(getAtt(logicalId(stack, stack.pipeline.stream)));
    expect(outputs.DataKeyArn?.Value).toEqual(getAtt(logicalId(stack, stack.pipeline.dataKey)));
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: logicalId(stack, stack.monitoring.alarmTopic) });
  });
});

describe('Pipeline: the tables', () => {
  it.each(TABLE_ROLES)('builds %s from its definition in src/shared/tables.ts', (role) => {
    // Prepare
    const { stack, template } = synth();
    const definition = TABLES[role];
    const keys = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];

    // Act
    const table =
      template.findResources('AWS::DynamoDB::Table')[logicalId(stack, stack.pipeline.tables[role])];

    // Assess
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: tableName('dev', role),
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: getAtt(logicalId(stack, stack.pipeline.dataKey)),
        },
        DeletionProtectionEnabled: true,
      },
    });
    const indexes = (table?.Properties.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      KeySchema: unknown;
    }[];
    expect(indexes).toEqual(
      (definition.indexes ?? []).map((index) => ({
        IndexName: index.name,
        KeySchema: [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])].map((k, i) => ({
          AttributeName: k.name,
          KeyType: i === 0 ? 'HASH' : 'RANGE',
        })),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('has exactly one table per definition', () => {
    // Prepare
    const { template } = synth();

    // Act
    const names = Object.values(template.findResources('AWS::DynamoDB::Table')).map(
      (t) => t.Properties.TableName,
    );

    // Assess
    expect(names.sort()).toEqual(TABLE_ROLES.map((r) => tableName('dev', r)).sort());
  });

  it('turns deletion protection off (and lets the tables go with the stack) with -c deletionProtection=false', () => {
    // Prepare
    const context = { deletionProtection: 'false' };

    // Act
    const { template } = synth(context);

    // Assess
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.map((t) => [t.Properties.DeletionProtectionEnabled, t.DeletionPolicy])).toEqual(
      tables.map(() => [false, 'Delete']),
    );
  });
});

describe('Pipeline: the consumer function', () => {
  it('runs functions/consume-events.ts on Node.js 24 on arm64 with its own log group and retention', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'vigil-dev-consume-events' },
    });

    // Assess
    expect(Object.keys(fn)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vigil-dev-consume-events',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: DEFAULT_CONFIG.consumer.memoryMb,
      Timeout: DEFAULT_CONFIG.consumer.timeoutSeconds,
      LoggingConfig: { LogGroup: { Ref: logicalId(stack, stack.pipeline.consumerLogGroup) } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/vigil-dev-consume-events',
      RetentionInDays: DEFAULT_CONFIG.logRetentionDays,
    });
  });

  it('gets the stage, the key secret ARN, the geo data dir and Powertools settings, never the key itself', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const fn = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'vigil-dev-consume-events' },
      }),
    )[0];
    const env = fn?.Properties.Environment.Variables as Record<string, unknown>;

    // Assess
    expect(env).toEqual({
      VIGIL_STAGE: 'dev',
      VIGIL_PSEUDONYM_SECRET_ARN: { Ref: logicalId(stack, stack.pseudonymKeySecret) },
      [DEAD_LETTER_BUCKET_ENV]: { Ref: logicalId(stack, stack.pipeline.deadLetterBucket) },
      VIGIL_IP_DATA_DIR: `/var/task/${IP_DATA_DIR}`,
      POWERTOOLS_SERVICE_NAME: 'vigil',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_LOGGER_LOG_EVENT: 'false',
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('VIGIL_PSEUDONYM_KEY');
  });

  it('hands validated detection overrides to the function as VIGIL_DETECTION_CONFIG', () => {
    // Prepare
    const detection = { retentionDays: { browse: 14 }, thresholds: { review: 50, deny: 90 } };

    // Act
    const { template } = synth({ detection: JSON.stringify(detection) });

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vigil-dev-consume-events',
      Environment: { Variables: Match.objectLike({ VIGIL_DETECTION_CONFIG: JSON.stringify(detection) }) },
    });
  });
});

describe('Pipeline: the event source mapping', () => {
  it('reads the stream with partial batch responses, bisection, bounded retries and record age, and a DLQ', () => {
    // Prepare
    const { stack, template } = synth();
    const c = DEFAULT_CONFIG.consumer;

    // Act
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping');

    // Assess
    expect(Object.keys(mappings)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(logicalId(stack, stack.pipeline.stream)),
      FunctionName: { Ref: logicalId(stack, stack.pipeline.consumer) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: c.batchSize,
      MaximumBatchingWindowInSeconds: c.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: c.retryAttempts,
      MaximumRecordAgeInSeconds: c.maxRecordAgeSeconds,
      ParallelizationFactor: c.parallelizationFactor,
      DestinationConfig: {
        OnFailure: { Destination: getAtt(logicalId(stack, stack.pipeline.deadLetterQueue)) },
      },
    });
    expect(c.maxRecordAgeSeconds).toBeLessThan(EVENT_STREAM.retentionHours * 3600);
  });

  it('takes batch size, window, retries and record age from context, one batch per shard at a time', () => {
    // Prepare
    const context = {
      batchSize: '500',
      maxBatchingWindowSeconds: '5',
      retryAttempts: '3',
      maxRecordAgeSeconds: '3600',
    };

    // Act
    const { template } = synth(context);

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      ParallelizationFactor: 1,
    });
  });

  it('sends failures to an SQS queue encrypted with the data key, TLS only', () => {
    // Prepare
    const { stack, template } = synth();
    const queueId = logicalId(stack, stack.pipeline.deadLetterQueue);

    // Act
    const queue = template.findResources('AWS::SQS::Queue')[queueId];

    // Assess
    expect(queue?.Properties).toMatchObject({
      QueueName: 'vigil-dev-consumer-dlq',
      KmsMasterKeyId: getAtt(logicalId(stack, stack.pipeline.dataKey)),
      MessageRetentionPeriod: 14 * 86_400,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe("Pipeline: the dead letters' record bucket", () => {
  it('is encrypted, private, TLS only, unversioned, and expires records with the dead letters', () => {
    // Prepare
    const { stack, template } = synth();
    const bucketId = logicalId(stack, stack.pipeline.deadLetterBucket);

    // Act
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId];

    // Assess
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          {
            Status: 'Enabled',
            ExpirationInDays: DEAD_LETTER_RETENTION_DAYS,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
    expect(bucket?.Properties.VersioningConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets the consumer put records and nothing else of S3', () => {
    // Prepare
    const { stack, template } = synth();
    const bucketId = logicalId(stack, stack.pipeline.deadLetterBucket);

    // Act
    const s3 = consumerStatements(stack, template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('s3:')),
    );

    // Assess
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [getAtt(bucketId), '/dead-letters/*']] },
      },
    ]);
  });
});

describe('the dead-letter operator role', () => {
  it('may list, read, delete and redrive dead letters and nothing more, and is named in the outputs', () => {
    // Prepare
    const { stack, template } = synth();
    const role = stack.deadLetterOperator.role;
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: Match.arrayWith([{ Ref: logicalId(stack, role) }]) },
    });
    const bucketArn = getAtt(logicalId(stack, stack.pipeline.deadLetterBucket));

    // Act
    const statements = Object.values(policies).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    const grants = statements.map((s) => [actionsOf(s).sort().join(' '), JSON.stringify(s.Resource)]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [
          'dynamodb:BatchWriteItem dynamodb:GetItem dynamodb:Scan',
          JSON.stringify(getAtt(logicalId(stack, stack.pipeline.tables.deadLetters))),
        ],
        [
          's3:DeleteObject s3:GetObject',
          JSON.stringify({ 'Fn::Join': ['', [bucketArn, '/dead-letters/*']] }),
        ],
        ['kinesis:PutRecords', JSON.stringify(getAtt(logicalId(stack, stack.pipeline.stream)))],
      ]),
    );
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => /^(dynamodb|s3|kinesis):/.test(a)).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'kinesis:PutRecords',
      's3:DeleteObject',
      's3:GetObject',
    ]);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    expect(outputs.DeadLetterOperatorRoleArn?.Value).toEqual(getAtt(logicalId(stack, role)));
    expect(outputs.DeadLetterBucketName?.Value).toEqual({
      Ref: logicalId(stack, stack.pipeline.deadLetterBucket),
    });
  });
});

describe('Pipeline: least privilege', () => {
  it('lets the consumer send exactly the DynamoDB actions its adapters use, on exactly those tables', () => {
    // Prepare
    const { stack, template } = synth();
    const tableIds = new Map(
      TABLE_ROLES.map((role) => [logicalId(stack, stack.pipeline.tables[role]), role]),
    );

    // Act
    const granted = new Map<string, Set<string>>();
    for (const s of consumerStatements(stack, template)) {
      const dynamo = actionsOf(s).filter((a) => a.startsWith('dynamodb:'));
      if (dynamo.length === 0) continue;
      expect(s.Condition).toBeUndefined();
      for (const resource of [s.Resource].flat() as { 'Fn::GetAtt': [string, string] }[]) {
        const role = tableIds.get(resource['Fn::GetAtt'][0]);
        expect(role, `${JSON.stringify(resource)} is a table ARN (no index, no wildcard)`).toBeDefined();
        expect(resource['Fn::GetAtt'][1]).toBe('Arn');
        const set = granted.get(role!) ?? new Set();
        for (const a of dynamo) set.add(a);
        granted.set(role!, set);
      }
    }

    // Assess
    expect(Object.fromEntries([...granted].map(([role, set]) => [role, [...set].sort()]))).toEqual(
      Object.fromEntries(Object.entries(CONSUMER_TABLE_ACTIONS).map(([role, a]) => [role, [...a].sort()])),
    );
    for (const actions of granted.values()) {
      expect([...actions]).not.toContain('dynamodb:Scan');
      expect([...actions]).not.toContain('dynamodb:DeleteItem');
    }
  });

  it('uses the data key only through DynamoDB and SQS, and the stream key for reading only', () => {
    // Prepare
    const { stack, template } = synth();
    const dataKey = getAtt(logicalId(stack, stack.pipeline.dataKey));

    // Act
    const kms = consumerStatements(stack, template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('kms:')),
    );

    // Assess
    expect(kms.every((s) => JSON.stringify(s.Resource) === JSON.stringify(dataKey))).toBe(true);
    expect(kms.flatMap(actionsOf).some((a) => a.includes('*'))).toBe(false);
    const unconditioned = kms.filter((s) => !s.Condition).flatMap(actionsOf);
    // Lambda's Kinesis poller reads the records with the function's role.
    expect(unconditioned).toEqual(['kms:Decrypt']);
    const via = kms.filter((s) => s.Condition).map((s) => s.Condition!.StringEquals!['kms:ViaService']);
    expect(via.sort()).toEqual(['dynamodb.eu-central-1.amazonaws.com', 'sqs.eu-central-1.amazonaws.com']);
  });

  it('lets the consumer send to its DLQ and nothing else of SQS', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const sqs = consumerStatements(stack, template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('sqs:')),
    );

    // Assess
    expect(sqs).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: getAtt(logicalId(stack, stack.pipeline.deadLetterQueue)),
      },
    ]);
  });

  it('lets the consumer read the pseudonymisation key secret, and nothing else of Secrets Manager', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const secrets = consumerStatements(stack, template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
    );

    // Assess
    expect(secrets).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: { Ref: logicalId(stack, stack.pseudonymKeySecret) },
      },
    ]);
  });

  it('gives the consumer role no managed policy and no wildcard resource', () => {
    // Prepare
    const { stack, template } = synth();
    const roleId = stack.getLogicalId(stack.pipeline.consumer.role!.node.defaultChild as never);

    // Act
    const role = template.findResources('AWS::IAM::Role')[roleId];
    const resources = consumerStatements(stack, template).flatMap((s) => [s.Resource].flat());

    // Assess
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(resources).not.toContain('*');
  });
});

describe('Monitoring', () => {
  const alarmOf = (template: Template, name: string) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }))[0]
      ?.Properties as Record<string, unknown> | undefined;

  it.each([
    ['vigil-dev-iterator-age', 'IteratorAge', 'AWS/Lambda', 'Maximum', ITERATOR_AGE_ALARM_MS],
    ['vigil-dev-dead-letters', 'ApproximateNumberOfMessagesVisible', 'AWS/SQS', 'Maximum', 1],
    ['vigil-dev-consumer-errors', 'Errors', 'AWS/Lambda', 'Sum', 1],
    ['vigil-dev-consumer-throttles', 'Throttles', 'AWS/Lambda', 'Sum', 1],
  ])(
    'alarms %s on %s and notifies the encrypted alarm topic',
    (name, metric, namespace, statistic, threshold) => {
      // Prepare
      const { stack, template } = synth();
      const topic = { Ref: logicalId(stack, stack.monitoring.alarmTopic) };

      // Act
      const alarm = alarmOf(template, name);

      // Assess
      expect(alarm).toMatchObject({
        MetricName: metric,
        Namespace: namespace,
        Statistic: statistic,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
        OKActions: [topic],
      });
    },
  );

  it('encrypts the alarm topic with a key CloudWatch may use, and mails it when alarmEmail is given', () => {
    // Prepare
    const { stack, template } = synth({ alarmEmail: 'ops@example.com' });
    const topicId = logicalId(stack, stack.monitoring.alarmTopic);

    // Act
    const topic = template.findResources('AWS::SNS::Topic')[topicId];

    // Assess
    expect(topic?.Properties.KmsMasterKeyId).toEqual(
      expect.objectContaining({ 'Fn::GetAtt': expect.any(Array) }),
    );
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('has a dashboard with the stream, the function, the decisions and the DLQ', () => {
    // Prepare
    const { template } = synth();

    // Act
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const join = dashboards[0]?.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const body = join[1].filter((part) => typeof part === 'string').join('');

    // Assess
    expect(dashboards).toHaveLength(1);
    for (const metric of [
      'IteratorAge',
      'Errors',
      'Throttles',
      'Decisions_deny',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(body).toContain(metric);
    }
    // Vigil's own metrics by service and stage: stages sharing an account stay apart.
    expect(body).toContain(`"${METRICS_NAMESPACE}","Events","service","vigil","stage","dev"`);
  });
});
