import { CfnOutput, Lazy, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { VigilApi } from './api.ts';
import { DEFAULT_CONFIG, type VigilConfig } from './config.ts';
import { ConsoleHosting } from './console.ts';
import { CONSOLE_PATH } from '../src/shared/console.ts';
import { DeadLetterOperator } from './dead-letter-operator.ts';
import { Monitoring } from './monitoring.ts';
import { Pipeline } from './pipeline.ts';

/** Deployment stages: lower-case, short, usable in stack names, tags, aliases and secret names. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** The tags every Vigil resource carries (cost allocation, data inventory under GDPR Art. 30). */
export function vigilTags(stage: string): Readonly<Record<string, string>> {
  return {
    project: 'vigil',
    stage,
    'data-classification': 'personal-pseudonymised',
  };
}

export interface VigilStackProps extends StackProps {
  /** `dev`, `prod`, …: part of the stack name, the tags and the resource names. */
  readonly stage: string;
  /** Stream, tables, consumer and alarm settings; default {@link DEFAULT_CONFIG}. */
  readonly config?: VigilConfig;
}

/**
 * The Vigil deployment: the pseudonymisation key, the streaming pipeline
 * ({@link Pipeline}: Kinesis stream, DynamoDB tables, the consumer Lambda and
 * its dead-letter queue), its alarms and dashboard ({@link Monitoring}),
 * and the REST API of the score, alerts and customers'-rights routes ({@link VigilApi}).
 *
 * The pseudonymisation key is a Secrets Manager secret whose value is
 * `{"version":"v1","secret":"<64 random letters and digits>"}`, the same shape
 * as the local key file `.vigil/pseudonym-key.json`. The consumer reads it at
 * cold start and derives the master key `v1:<secret>` from it
 * (`parseKeySecret` in `src/shared/secrets.ts`): 64 characters of
 * `[A-Za-z0-9]` are valid base64 for 48 bytes, carrying 64 × log2(62) ≈ 381
 * bits of randomness, more than the 256 the local key file gets.
 *
 * The secret is encrypted with its own customer-managed KMS key (automatic
 * yearly rotation of the KMS key material is transparent: KMS keeps the old
 * material for decryption). Both are RETAINed: losing the key material turns
 * every stored pseudonym into an orphan that no event can ever match again.
 */
export class VigilStack extends Stack {
  /** Encrypts the pseudonymisation key secret (the pipeline's data has its own key, `pipeline.dataKey`). */
  readonly pseudonymKmsKey: Key;
  /** `{"version":"v1","secret":"…"}`; readers need `secretsmanager:GetSecretValue` and `kms:Decrypt`. */
  readonly pseudonymKeySecret: Secret;
  readonly pipeline: Pipeline;
  /** The REST API of the score, alerts and customers'-rights routes. */
  readonly api: VigilApi;
  /** The analyst console: its files behind CloudFront, signing analysts in with the user pool. */
  readonly console: ConsoleHosting;
  readonly monitoring: Monitoring;
  /** The role `vigil dead-letters` runs as in AWS. */
  readonly deadLetterOperator: DeadLetterOperator;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    const { stage, config = DEFAULT_CONFIG, ...stackProps } = props;
    if (!STAGE_PATTERN.test(stage)) {
      throw new Error(
        `Vigil stage ${JSON.stringify(stage)}: expected 1–20 lower-case letters, digits or '-', starting with a letter (e.g. dev, prod)`,
      );
    }
    super(scope, id, {
      description: `Vigil fraud and access-anomaly detection (${stage})`,
      ...stackProps,
      // Stack tags (CloudFormation propagates them to every resource that takes tags).
      // Explicit because cdk.json's `@aws-cdk/core:explicitStackTags` stops Tags.of() reaching the stack itself.
      tags: { ...stackProps.tags, ...vigilTags(stage) },
    });

    const pseudonym = pseudonymKey(this, stage);
    this.pseudonymKmsKey = pseudonym.kmsKey;
    this.pseudonymKeySecret = pseudonym.secret;

    this.pipeline = new Pipeline(this, 'Pipeline', {
      stage,
      config,
      pseudonymKeySecret: this.pseudonymKeySecret,
    });
    this.api = new VigilApi(this, 'Api', {
      stage,
      config,
      tables: this.pipeline.tables,
      dataKey: this.pipeline.dataKey,
      pseudonymKeySecret: this.pseudonymKeySecret,
      deadLetterBucket: this.pipeline.deadLetterBucket,
      // The distribution's domain, known once the console exists: the console needs the API's origin too.
      consoleOrigin: Lazy.string({ produce: () => this.console.origin }),
    });
    this.console = new ConsoleHosting(this, 'Console', { stage, api: this.api });
    this.deadLetterOperator = new DeadLetterOperator(this, 'DeadLetterOperator', {
      stage,
      pipeline: this.pipeline,
      pseudonymKeySecret: this.pseudonymKeySecret,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      pipeline: this.pipeline,
      api: this.api,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    this.#pipelineOutputs();
    this.#apiOutputs();
    this.#consoleOutputs();

    // Resource tags in the template too, so the template alone shows what each resource holds.
    for (const [key, value] of Object.entries(vigilTags(stage))) Tags.of(this).add(key, value);
  }

  /**
   * What producers and operators need after `cdk deploy`. A producer writes to the stream and, the
   * stream being encrypted with a customer-managed key, needs kms:GenerateDataKey on that key
   * (https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html).
   */
  #pipelineOutputs(): void {
    new CfnOutput(this, 'EventStreamArn', {
      value: this.pipeline.stream.streamArn,
      description: 'Producers: kinesis:PutRecord(s) on this stream',
    });
    new CfnOutput(this, 'DataKeyArn', {
      value: this.pipeline.dataKey.keyArn,
      description: 'Producers: kms:GenerateDataKey on this key (the stream is encrypted with it)',
    });
    new CfnOutput(this, 'DeadLetterBucketName', {
      value: this.pipeline.deadLetterBucket.bucketName,
      description: "Operators: the dead letters' sealed records (vigil dead-letters --bucket)",
    });
    new CfnOutput(this, 'DeadLetterOperatorRoleArn', {
      value: this.deadLetterOperator.role.roleArn,
      description: 'Operators: assume this role to list and redrive dead letters (vigil dead-letters)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Subscribe on-call here',
    });
  }

  /** Where analysts open the console (docs/console.md "In AWS"). */
  #consoleOutputs(): void {
    new CfnOutput(this, 'ConsoleUrl', {
      value: `${this.console.origin}${CONSOLE_PATH}/`,
      description: 'Analysts and admins: the console (sign-in with their user pool account and MFA)',
    });
    new CfnOutput(this, 'ConsoleBucketName', {
      value: this.console.bucket.bucketName,
      description: "The console's files (deployed by the stack)",
    });
  }

  /** What the API's callers and its administrators need (docs/deploy.md "API access"). */
  #apiOutputs(): void {
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.restApi.url,
      description: 'The REST API: <ApiUrl>v1/score, <ApiUrl>v1/alerts, …',
    });
    new CfnOutput(this, 'UserPoolId', {
      value: this.api.userPool.userPoolId,
      description: 'Analysts and admins: create users here, in the group analyst or admin',
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.api.userPoolClient.userPoolClientId,
      description:
        'The app client analysts and admins sign in with (their access token is the API credential)',
    });
    if (this.api.usagePlan) {
      new CfnOutput(this, 'ScoreUsagePlanId', {
        value: this.api.usagePlan.usagePlanId,
        description: "The order flow: add each checkout's API key to this usage plan",
      });
    }
    if (this.api.privacyServiceRole) {
      new CfnOutput(this, 'PrivacyServiceRoleArn', {
        value: this.api.privacyServiceRole.roleArn,
        description:
          'The privacy service: assume this role and sign its requests (SigV4, service execute-api)',
      });
    }
  }
}

/**
 * The pseudonymisation key secret and the KMS key that encrypts it, both retained (see
 * {@link VigilStack}).
 */
function pseudonymKey(scope: Construct, stage: string): { kmsKey: Key; secret: Secret } {
  const kmsKey = new Key(scope, 'PseudonymKmsKey', {
    description: `Vigil ${stage}: encrypts the pseudonymisation key secret`,
    alias: `alias/vigil/${stage}/pseudonym`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const secret = new Secret(scope, 'PseudonymKeySecret', {
    secretName: `vigil/${stage}/pseudonym-key`,
    description:
      `Vigil ${stage}: pseudonymisation master key {"version":"v1","secret":"<base64>"}; ` +
      'the app uses "<version>:<secret>". Never delete or regenerate: every stored pseudonym depends on it.',
    encryptionKey: kmsKey,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ version: 'v1' }),
      generateStringKey: 'secret',
      passwordLength: 64,
      excludePunctuation: true,
    },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The pseudonymisation key is rotated by a documented manual key-version roll-out (docs/deploy.md "Rotating the pseudonymisation key": a new ' +
      'version label, new pseudonyms start new profiles while the old ones expire by TTL), never by a Secrets Manager ' +
      'rotation Lambda: a scheduled in-place replacement would silently orphan every stored pseudonym.',
  });
  return { kmsKey, secret };
}
