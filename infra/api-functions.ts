import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AuthRoute } from '../src/api/authorizer.ts';
import { ENV } from '../src/shared/env.ts';
import type { TableRole } from '../src/shared/tables.ts';
import { accessOf, type FunctionAccess } from './api-access.ts';
import type { ApiRoute } from './api-gateway.ts';
import type { VigilConfig } from './config.ts';
import { acknowledgeRecordsWildcard, DEAD_LETTER_RECORDS } from './dead-letters.ts';
import { detectionEnvironment, POWERTOOLS_ENVIRONMENT, tableKeyStatement, vigilFunction } from './lambda.ts';

/**
 * Memory of the API functions that enrich events with IP facts (they read pages of the 31 MB of IP
 * data tables, and score an order within a budget) and of the others, MB. Lambda's CPU share grows with memory:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const IP_DATA_FUNCTION_MEMORY_MB = 1024;
export const FUNCTION_MEMORY_MB = 512;

/** What the API's functions are given: the pipeline's tables, keys and dead letters' bucket. */
export interface ApiFunctionsProps {
  readonly stage: string;
  readonly config: VigilConfig;
  readonly tables: Readonly<Record<TableRole, ITable>>;
  /** The tables' customer-managed key: DynamoDB uses it on the functions' behalf. */
  readonly dataKey: IKey;
  readonly pseudonymKeySecret: ISecret;
  /** The dead letters' sealed records: erasure reads and deletes the subject's. */
  readonly deadLetterBucket: IBucket;
}

/** One function per handler file of the routes, by file name, each with exactly the access of {@link accessOf}. */
export function routeFunctions(
  scope: Construct,
  routes: readonly ApiRoute[],
  props: ApiFunctionsProps,
): Map<string, NodejsFunction> {
  const functions = new Map<string, NodejsFunction>();
  for (const fn of new Set(routes.map((r) => r.function))) {
    const roleSets = routes.filter((r) => r.function === fn).map((r) => r.roles);
    functions.set(fn, routeFunction(scope, fn, accessOf(fn, roleSets), props));
  }
  return functions;
}

/** A route's function with its own role, log group and exactly the access of {@link accessOf}. */
function routeFunction(
  scope: Construct,
  fn: string,
  access: FunctionAccess,
  props: ApiFunctionsProps,
): NodejsFunction {
  const { stage, config } = props;
  const { fn: lambda } = vigilFunction(scope, {
    stage,
    file: fn,
    ids: { logs: `Logs-${fn}`, role: `Role-${fn}`, fn: `Fn-${fn}` },
    description: `Vigil ${stage}: ${fn} (API)`,
    roleDescription: `Vigil ${stage}: the API function ${fn}`,
    logRetentionDays: config.logRetentionDays,
    memorySize: access.ipData ? IP_DATA_FUNCTION_MEMORY_MB : FUNCTION_MEMORY_MB,
    // API Gateway waits 29 s at most; the score route answers within its budget.
    timeout: Duration.seconds(fn === 'score-order' ? 5 : 20),
    environment: routeEnvironment(fn, access, props),
    ipData: access.ipData,
  });
  grantRoute(lambda, access, props);
  return lambda;
}

function routeEnvironment(
  fn: string,
  access: FunctionAccess,
  props: ApiFunctionsProps,
): Record<string, string> {
  const { config } = props;
  return {
    [ENV.stage]: props.stage,
    ...(access.pseudonymKey ? { [ENV.pseudonymKeySecretArn]: props.pseudonymKeySecret.secretArn } : {}),
    ...(access.deadLetterRecords ? { [ENV.deadLetterBucket]: props.deadLetterBucket.bucketName } : {}),
    ...(fn === 'score-order'
      ? {
          [ENV.scoreBudgetMs]: String(config.api.score.budgetMs),
          [ENV.scoreFailPolicy]: config.api.score.failPolicy,
          // The consumer's detection settings, so that the score and the stream decide alike.
          ...detectionEnvironment(config.detection),
        }
      : {}),
    ...POWERTOOLS_ENVIRONMENT,
  };
}

/** The function's table grants, the data key through DynamoDB, the key secret and the dead letters' records, as its access says. */
function grantRoute(lambda: NodejsFunction, access: FunctionAccess, props: ApiFunctionsProps): void {
  for (const grant of access.grants) {
    const table = props.tables[grant.table];
    lambda.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...grant.actions],
        resources: [grant.index ? `${table.tableArn}/index/${grant.index}` : table.tableArn],
      }),
    );
  }
  if (access.grants.length > 0) {
    const writes = access.grants.some((g) => g.actions.some((a) => !/:(Get|BatchGet|Query)/.test(a)));
    lambda.addToRolePolicy(tableKeyStatement(props.dataKey, Stack.of(lambda).region, { writes }));
  }
  if (access.pseudonymKey) props.pseudonymKeySecret.grantRead(lambda);
  if (access.deadLetterRecords) {
    lambda.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:DeleteObject', 's3:GetObject'],
        resources: [props.deadLetterBucket.arnForObjects(DEAD_LETTER_RECORDS)],
      }),
    );
    acknowledgeRecordsWildcard(
      lambda.role!,
      props.deadLetterBucket,
      "s3:GetObject and s3:DeleteObject on the dead letters' records only; the wildcard stands for the record digest (erasure finds and deletes the subject's).",
    );
  }
}

/**
 * The authorizer function: small (no IP data, no route schemas), its own role and log group; it
 * is told the routes it guards and the user pool whose tokens it verifies.
 */
export function authorizerFunction(
  scope: Construct,
  props: {
    stage: string;
    config: VigilConfig;
    guarded: readonly AuthRoute[];
    userPoolId: string;
    /** The app clients whose access tokens it accepts. */
    clientIds: readonly string[];
  },
): NodejsFunction {
  const { stage } = props;
  return vigilFunction(scope, {
    stage,
    file: 'authorize-request',
    ids: { logs: 'Logs-authorize-request', role: 'Role-authorize-request', fn: 'Fn-authorize-request' },
    description: `Vigil ${stage}: API key and Cognito token authorizer`,
    roleDescription: `Vigil ${stage}: the API's Lambda authorizer`,
    logRetentionDays: props.config.logRetentionDays,
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment: {
      [ENV.authRoutes]: JSON.stringify(props.guarded),
      [ENV.userPoolId]: props.userPoolId,
      [ENV.userPoolClientId]: props.clientIds.join(','),
    },
    ipData: false,
  }).fn;
}
