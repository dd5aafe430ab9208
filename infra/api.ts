import { join } from 'node:path';
import { type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  Model,
  Period,
  RequestAuthorizer,
  RequestValidator,
  ResponseType,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  type AuthRoute,
  authRoutes,
  type Credential,
  credentialOf,
  TOKEN_ROLES,
} from '../src/api/authorizer.ts';
import type { Role as VigilRole } from '../src/shared/roles.ts';
import { ROUTES } from '../src/api/routes.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../src/shared/observability.ts';
import { DEAD_LETTER_BUCKET_ENV } from '../src/shared/sealed-records.ts';
import type { TableRole } from '../src/shared/tables.ts';
import { accessOf, type FunctionAccess } from './api-access.ts';
import type { VigilConfig } from './config.ts';
import {
  CONSUMER_RUNTIME,
  DEAD_LETTER_RECORDS,
  IP_DATA_ENVIRONMENT,
  lambdaBundling,
  ROOT,
} from './pipeline.ts';

/** A route as the stack builds it: the fields of `RouteSpec` (`src/api/routes.ts`) it reads. */
export interface ApiRoute {
  readonly method: string;
  readonly path: string;
  readonly function: string;
  readonly roles: readonly VigilRole[];
  readonly body?: unknown;
}

/**
 * The access log line of every request, JSON. Only what operators need and nothing that names a
 * customer: `$context.resourcePath` (`/v1/subjects/{customerId}`) rather than `$context.path`
 * (which carries the customer id), no source IP, no user agent, no principal (an analyst's user
 * name), no validation error string (it quotes the rejected value). The caller shows as its role
 * and, for the checkout, the API key's id (not the key).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTimeEpoch: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  role: '$context.authorizer.role',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatency: '$context.authorizer.latency',
  apiKeyId: '$context.identity.apiKeyId',
  errorType: '$context.error.responseType',
};

/**
 * Memory of the API functions that enrich events with IP facts (they read pages of the 31 MB of IP
 * data tables, and score an order within a budget) and of the others, MB. Lambda's CPU share grows with memory:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
 */
export const IP_DATA_FUNCTION_MEMORY_MB = 1024;
export const FUNCTION_MEMORY_MB = 512;

/** How long API Gateway keeps an authorizer's answer per credential (the header's value). */
export const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/**
 * API Gateway's own error answers (no credential, a denied one, a bad body, an unknown route)
 * in the handlers' JSON error shape, with the same stable codes (`src/api/errors.ts`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
const GATEWAY_ERRORS: readonly [ResponseType, string, string, string][] = [
  [ResponseType.UNAUTHORIZED, '401', 'UNAUTHORIZED', 'missing credential'],
  [ResponseType.ACCESS_DENIED, '403', 'FORBIDDEN', 'this credential may not call this route'],
  [ResponseType.INVALID_API_KEY, '403', 'FORBIDDEN', 'x-api-key: not a key of this API'],
  // API Gateway answers an unknown route as if no credential were given: 401 like a missing credential,
  // so that a caller without one cannot tell existing routes from missing ones (src/local/gateway.ts).
  [ResponseType.MISSING_AUTHENTICATION_TOKEN, '401', 'UNAUTHORIZED', 'missing credential, or no such route'],
  [ResponseType.REQUEST_TOO_LARGE, '413', 'PAYLOAD_TOO_LARGE', '(body): larger than 1 MiB'],
  [
    ResponseType.UNSUPPORTED_MEDIA_TYPE,
    '415',
    'UNSUPPORTED_MEDIA_TYPE',
    'Content-Type: expected application/json',
  ],
  [ResponseType.BAD_REQUEST_BODY, '400', 'INVALID_REQUEST', 'expected a JSON object body'],
  [ResponseType.BAD_REQUEST_PARAMETERS, '400', 'INVALID_REQUEST', 'missing request parameter'],
  [ResponseType.DEFAULT_5XX, '500', 'INTERNAL', 'internal error'],
];

export interface VigilApiProps {
  readonly stage: string;
  readonly config: VigilConfig;
  readonly tables: Readonly<Record<TableRole, ITable>>;
  /** The tables' customer-managed key: DynamoDB uses it on the functions' behalf. */
  readonly dataKey: IKey;
  readonly pseudonymKeySecret: ISecret;
  /** The dead letters' sealed records: erasure reads and deletes the subject's. */
  readonly deadLetterBucket: IBucket;
  /** The routes to serve; default every route of `ROUTES`. */
  readonly routes?: readonly ApiRoute[];
}

/**
 * The REST API of the three Vigil APIs (score, analysts, customers' rights), built from the route
 * table `src/api/routes.ts`: one Lambda function per handler file (`functions/<name>.ts`), bundled
 * like the consumer, a Lambda proxy integration per route, so that a route added to the table is
 * served after the next deployment without touching this file (a new handler file also needs its
 * line in `infra/api-access.ts`).
 *
 * Authentication per route, from its roles (`credentialOf` in `src/api/authorizer.ts`):
 * an API key and a usage plan for the order flow, a Cognito user pool token for analysts and the
 * admin (both through one Lambda REQUEST authorizer that hands the handlers `{ principalId, role }`),
 * SigV4 (`AWS_IAM`) for the privacy service, whose assumable role the stack creates.
 */
export class VigilApi extends Construct {
  readonly restApi: RestApi;
  /** One function per handler file, by file name (`score-order`, …). */
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  /** The Lambda REQUEST authorizer (API key and token routes); absent when every route is IAM. */
  readonly authorizer?: NodejsFunction;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** Assumed by the customer-service back end to call the IAM routes; absent without such routes. */
  readonly privacyServiceRole?: Role;
  /** The API key routes' usage plan (throttling and quota per key); absent without such routes. */
  readonly usagePlan?: UsagePlan;
  readonly accessLogGroup: LogGroup;
  /** Every method, by `METHOD path`. */
  readonly methods: ReadonlyMap<string, Method>;

  constructor(scope: Construct, id: string, props: VigilApiProps) {
    super(scope, id);
    const { stage, config } = props;
    const routes = props.routes ?? (Object.values(ROUTES) as readonly ApiRoute[]);

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/vigil-${stage}-api`,
      retention: config.logRetentionDays,
      // Request metadata without identifiers (ACCESS_LOG_FIELDS): it expires by retention.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const apiKeyRoutes = routes.filter((r) => credentialOf(r) === 'api-key');
    // The callers are servers and command lines, not browsers: no CORS preflight methods.
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `vigil-${stage}-api`,
      description: `Vigil ${stage}: score, alerts and customers' rights`,
      // Regional: requests reach the API in the stack's (EEA) region directly, not through CloudFront's
      // edge locations worldwide as an edge-optimised API's do.
      endpointTypes: [EndpointType.REGIONAL],
      apiKeySourceType: ApiKeySourceType.HEADER,
      // No account-wide API Gateway CloudWatch role: only execution logging needs it (off, see APIG6 below).
      cloudWatchRole: false,
      deployOptions: {
        stageName: stage,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        // Execution logs stay off: they would print path parameters and query strings (customer ids).
        loggingLevel: MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        throttlingRateLimit: config.api.rateLimit,
        throttlingBurstLimit: config.api.burstLimit,
        // Detailed metrics (per method, billed as custom metrics) on the score route only: its own
        // latency alarm needs them.
        methodOptions: Object.fromEntries(
          apiKeyRoutes.map((r) => [`${r.path}/${r.method}`, { metricsEnabled: true }]),
        ),
      },
    });
    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL yet: every route needs a credential (API key with a usage plan, Cognito token or SigV4), the stage ' +
          'throttles every method and the usage plan caps each key; a web ACL (AWS managed rules, rate rules) is the next ' +
          'step when the API meets abusive traffic, at a monthly cost per ACL and rule.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging is off on purpose: at INFO it writes method request path parameters and query strings, which ' +
          'carry customer ids, and it needs the account-wide API Gateway CloudWatch role. The JSON access log (no raw ' +
          'identifiers), the functions’ own logs and the API metrics and alarms cover operations.',
      },
    );
    for (const [type, statusCode, code, message] of GATEWAY_ERRORS) {
      this.restApi.addGatewayResponse(`Error-${type.responseType}`, {
        type,
        statusCode,
        templates: { 'application/json': JSON.stringify({ error: { code, message } }) },
      });
    }

    // One function per handler file.
    const functions = new Map<string, NodejsFunction>();
    for (const fn of new Set(routes.map((r) => r.function))) {
      const roleSets = routes.filter((r) => r.function === fn).map((r) => r.roles);
      functions.set(fn, this.#function(fn, accessOf(fn, roleSets), props));
    }
    this.functions = functions;

    // Authentication.
    this.userPool = this.#userPool(stage);
    this.userPoolClient = this.userPool.addClient('CliClient', {
      userPoolClientName: `vigil-${stage}-cli`,
      // SRP for applications; username-password for the AWS CLI (docs/deploy.md "API access"): over TLS to Cognito, MFA still required.
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    const guarded = authRoutes(routes);
    const authorizers = new Map<Credential, RequestAuthorizer>();
    if (guarded.length > 0) {
      this.authorizer = this.#authorizer(stage, config, guarded);
      const byCredential: [Credential, string][] = [
        ['api-key', 'x-api-key'],
        ['token', 'Authorization'],
      ];
      for (const [credential, header] of byCredential) {
        if (!guarded.some((r) => r.credential === credential)) continue;
        authorizers.set(
          credential,
          new RequestAuthorizer(this, credential === 'api-key' ? 'ApiKeyAuthorizer' : 'TokenAuthorizer', {
            authorizerName: `vigil-${stage}-${credential}`,
            handler: this.authorizer,
            // The answer is cached per value of this header: a request without it is answered 401
            // by API Gateway without invoking the function.
            identitySources: [IdentitySource.header(header)],
            resultsCacheTtl: AUTHORIZER_CACHE_TTL,
          }),
        );
      }
    }

    // Validation: path parameters present, and a JSON object body where the route takes one. The
    // handlers validate each field against the route's zod schema and name the field in the error;
    // the gateway stops what is not even an object before a function is invoked.
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.restApi,
      requestValidatorName: `vigil-${stage}-body-and-parameters`,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const objectBody = new Model(this, 'JsonObjectBody', {
      restApi: this.restApi,
      modelName: 'JsonObject',
      contentType: 'application/json',
      schema: { type: JsonSchemaType.OBJECT },
    });

    const methods = new Map<string, Method>();
    for (const route of routes) {
      const credential = credentialOf(route);
      const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const method = this.restApi.root.resourceForPath(route.path).addMethod(
        route.method,
        // No test-invoke permission: the console's test calls skip the authorizer.
        new LambdaIntegration(functions.get(route.function)!, { proxy: true, allowTestInvoke: false }),
        {
          ...(credential === 'iam'
            ? { authorizationType: AuthorizationType.IAM }
            : { authorizationType: AuthorizationType.CUSTOM, authorizer: authorizers.get(credential)! }),
          apiKeyRequired: credential === 'api-key',
          requestValidator: validator,
          requestParameters: Object.fromEntries(
            pathParameters.map((p) => [`method.request.path.${p}`, true]),
          ),
          ...(route.body !== undefined ? { requestModels: { 'application/json': objectBody } } : {}),
        },
      );
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          credential === 'iam'
            ? 'The privacy service authenticates with SigV4 (AWS_IAM), as its back end runs on AWS credentials, not as a Cognito user.'
            : 'A Lambda REQUEST authorizer instead of a Cognito authorizer: it verifies the same Cognito tokens (aws-jwt-verify) and ' +
              'also names API key callers, and hands the handlers { principalId, role } (a Cognito authorizer passes only claims).',
      });
      methods.set(`${route.method} ${route.path}`, method);
    }
    this.methods = methods;

    if (apiKeyRoutes.length > 0) {
      const score = config.api.score;
      const throttle = { rateLimit: score.rateLimit, burstLimit: score.burstLimit };
      this.usagePlan = this.restApi.addUsagePlan('ScoreUsagePlan', {
        name: `vigil-${stage}-score`,
        description: 'Per API key of the order flow: throttling and a daily quota on the score route',
        throttle,
        quota: { limit: score.quotaPerDay, period: Period.DAY },
        apiStages: [
          {
            api: this.restApi,
            stage: this.restApi.deploymentStage,
            throttle: apiKeyRoutes.map((r) => ({ method: methods.get(`${r.method} ${r.path}`)!, throttle })),
          },
        ],
      });
    }

    const iamRoutes = routes.filter((r) => credentialOf(r) === 'iam');
    if (iamRoutes.length > 0) {
      this.privacyServiceRole = this.#privacyServiceRole(stage, iamRoutes);
      for (const [fn, lambda] of functions) {
        if (iamRoutes.some((r) => r.function === fn)) {
          lambda.addEnvironment('VIGIL_PRIVACY_SERVICE_ROLE_ARN', this.privacyServiceRole.roleArn);
        }
      }
    }
  }

  /** A route's function with its own role, log group and exactly the access of {@link accessOf}. */
  #function(fn: string, access: FunctionAccess, props: VigilApiProps): NodejsFunction {
    const { stage, config } = props;
    const name = `vigil-${stage}-${fn}`;
    const logGroup = new LogGroup(this, `Logs-${fn}`, {
      logGroupName: `/aws/lambda/${name}`,
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role: the AWSLambdaBasicExecutionRole managed policy would let it write to every log group.
    const role = new Role(this, `Role-${fn}`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Vigil ${stage}: the API function ${fn}`,
    });
    logGroup.grantWrite(role);
    const lambda = new NodejsFunction(this, `Fn-${fn}`, {
      functionName: name,
      description: `Vigil ${stage}: ${fn} (API)`,
      entry: join(ROOT, `functions/${fn}.ts`),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: CONSUMER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: access.ipData ? IP_DATA_FUNCTION_MEMORY_MB : FUNCTION_MEMORY_MB,
      // API Gateway waits 29 s at most; the score route answers within its budget.
      timeout: Duration.seconds(fn === 'score-order' ? 5 : 20),
      role,
      logGroup,
      environment: {
        VIGIL_STAGE: stage,
        ...(access.pseudonymKey ? { VIGIL_PSEUDONYM_SECRET_ARN: props.pseudonymKeySecret.secretArn } : {}),
        ...(access.ipData ? IP_DATA_ENVIRONMENT : {}),
        ...(access.deadLetterRecords ? { [DEAD_LETTER_BUCKET_ENV]: props.deadLetterBucket.bucketName } : {}),
        ...(fn === 'score-order'
          ? {
              VIGIL_SCORE_BUDGET_MS: String(config.api.score.budgetMs),
              VIGIL_SCORE_FAIL_POLICY: config.api.score.failPolicy,
              // The consumer's detection settings, so that the score and the stream decide alike.
              ...(Object.keys(config.detection).length > 0
                ? { VIGIL_DETECTION_CONFIG: JSON.stringify(config.detection) }
                : {}),
            }
          : {}),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Never log the request: bodies and paths carry customer data.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      },
      bundling: lambdaBundling({ ipData: access.ipData }),
    });

    const region = Stack.of(this).region;
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
      // DynamoDB uses the tables' key on the caller's behalf, and only through DynamoDB; a function
      // that only reads needs only Decrypt:
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
      const writes = access.grants.some((g) => g.actions.some((a) => !/:(Get|BatchGet|Query)/.test(a)));
      lambda.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: writes
            ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']
            : ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [props.dataKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
        }),
      );
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
      const stack = Stack.of(this);
      const bucketId = stack.resolve(
        stack.getLogicalId(props.deadLetterBucket.node.defaultChild as CfnElement),
      ) as string;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${DEAD_LETTER_RECORDS}]`,
        reason:
          "s3:GetObject and s3:DeleteObject on the dead letters' records only; the wildcard stands for the record digest (erasure finds and deletes the subject's).",
      });
    }
    return lambda;
  }

  /**
   * The analysts' and the admin's accounts: no self sign-up, MFA (TOTP) required, a strong password
   * policy, and the Plus feature plan's threat protection (compromised credentials, risky sign-ins)
   * enforced: these accounts read fraud alerts and the audit trail.
   */
  #userPool(stage: string): UserPool {
    const pool = new UserPool(this, 'UserPool', {
      userPoolName: `vigil-${stage}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // The accounts and their MFA enrolment outlive a stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of TOKEN_ROLES) {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool: pool,
        groupName: role,
        description: `Vigil role ${role}: a user is in one Vigil group only`,
      });
    }
    return pool;
  }

  /** The authorizer function: small (no IP data, no route schemas), its own role and log group. */
  #authorizer(stage: string, config: VigilConfig, guarded: readonly AuthRoute[]): NodejsFunction {
    const name = `vigil-${stage}-authorize-request`;
    const logGroup = new LogGroup(this, 'Logs-authorize-request', {
      logGroupName: `/aws/lambda/${name}`,
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role-authorize-request', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Vigil ${stage}: the API's Lambda authorizer`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, 'Fn-authorize-request', {
      functionName: name,
      description: `Vigil ${stage}: API key and Cognito token authorizer`,
      entry: join(ROOT, 'functions/authorize-request.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: CONSUMER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        VIGIL_AUTH_ROUTES: JSON.stringify(guarded),
        VIGIL_USER_POOL_ID: this.userPool.userPoolId,
        VIGIL_USER_POOL_CLIENT_ID: this.userPoolClient.userPoolClientId,
      },
      bundling: lambdaBundling({ ipData: false }),
    });
  }

  /**
   * The role the customer-service back end assumes to call the IAM routes (SigV4). Any principal of
   * this account whose own policy allows `sts:AssumeRole` on it may assume it; the handlers accept
   * this role's sessions only (`VIGIL_PRIVACY_SERVICE_ROLE_ARN`).
   */
  #privacyServiceRole(stage: string, iamRoutes: readonly ApiRoute[]): Role {
    const role = new Role(this, 'PrivacyServiceRole', {
      roleName: `vigil-${stage}-privacy-service`,
      assumedBy: new AccountRootPrincipal(),
      description: `Vigil ${stage}: calls the customers'-rights routes of the API (SigV4)`,
      maxSessionDuration: Duration.hours(1),
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['execute-api:Invoke'],
        resources: iamRoutes.map((r) =>
          this.restApi.arnForExecuteApi(
            r.method,
            r.path.replace(/\{[^}]+\}/g, '*'),
            this.restApi.deploymentStage.stageName,
          ),
        ),
      }),
    );
    // cdk-nag names each wildcard resource in its own finding: acknowledged one by one, as it renders them.
    const stack = Stack.of(this);
    const logical = (c: Construct) =>
      stack.resolve(stack.getLogicalId(c.node.defaultChild as CfnElement)) as string;
    const literal = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const prefix =
      `arn:${literal(stack.partition, 'Partition')}:execute-api:${literal(stack.region, 'Region')}:<AWS::AccountId>:` +
      `<${logical(this.restApi)}>/<${logical(this.restApi.deploymentStage)}>`;
    for (const route of iamRoutes.filter((r) => r.path.includes('{'))) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${prefix}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}]`,
        reason:
          'execute-api:Invoke on one customers’-rights route; the wildcard stands for its path parameter (a customer id, a request id).',
      });
    }
    return role;
  }
}
