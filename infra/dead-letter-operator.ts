import { Duration, Stack } from 'aws-cdk-lib';
import { AccountRootPrincipal, Effect, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeRecordsWildcard, DEAD_LETTER_RECORDS } from './dead-letters.ts';
import { tableKeyStatement } from './lambda.ts';
import type { Pipeline } from './pipeline.ts';

export interface DeadLetterOperatorProps {
  readonly stage: string;
  readonly pipeline: Pipeline;
  /** Opens the sealed records (the sealing key is derived from it). */
  readonly pseudonymKeySecret: ISecret;
}

/**
 * The role an operator assumes to run `vigil dead-letters` (list, redrive) in AWS, with exactly
 * what its code sends (`src/cli/dead-letters.ts` over `DynamoDeadLetters`): Scan, GetItem and
 * BatchWriteItem deletes on the dead-letter table, GetObject and DeleteObject on the sealed
 * records, the key secret to open them, and PutRecords on the event stream to send one again.
 * Any principal of this account whose own policy allows `sts:AssumeRole` on it may assume it.
 */
export class DeadLetterOperator extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: DeadLetterOperatorProps) {
    super(scope, id);
    const { stage, pipeline } = props;
    const region = Stack.of(this).region;
    this.role = new Role(this, 'Role', {
      roleName: `vigil-${stage}-dead-letter-operator`,
      assumedBy: new AccountRootPrincipal(),
      description: `Vigil ${stage}: lists and redrives dead letters (vigil dead-letters)`,
      maxSessionDuration: Duration.hours(1),
    });
    const allow = (actions: string[], resources: string[], viaService?: string) =>
      this.role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions,
          resources,
          ...(viaService ? { conditions: { StringEquals: { 'kms:ViaService': viaService } } } : {}),
        }),
      );
    allow(
      ['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:BatchWriteItem'],
      [pipeline.tables.deadLetters.tableArn],
    );
    allow(
      ['s3:GetObject', 's3:DeleteObject'],
      [pipeline.deadLetterBucket.arnForObjects(DEAD_LETTER_RECORDS)],
    );
    allow(['kinesis:PutRecords'], [pipeline.stream.streamArn]);
    // The table and the stream are encrypted with the data key, used on the caller's behalf:
    // https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html
    this.role.addToPolicy(tableKeyStatement(pipeline.dataKey, region, { writes: true }));
    allow(['kms:GenerateDataKey'], [pipeline.dataKey.keyArn], `kinesis.${region}.amazonaws.com`);
    props.pseudonymKeySecret.grantRead(this.role);
    acknowledgeRecordsWildcard(
      this.role,
      pipeline.deadLetterBucket,
      "s3:GetObject and s3:DeleteObject on the dead letters' records only; the wildcard stands for the record digest (a redrive reads and deletes one).",
    );
  }
}
