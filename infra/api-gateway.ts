import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  Model,
  Period,
  type RequestAuthorizer,
  RequestValidator,
  ResponseType,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type Credential, credentialOf } from '../src/api/authorizer.ts';
import type { VigilConfig } from './config.ts';
import type { Role as VigilRole } from '../src/shared/roles.ts';

/** A route as the stack builds it: the fields of `RouteSpec` (`src/api/routes.ts`) it reads. */
export interface ApiRoute {
  readonly method: string;
  readonly path: string;
  readonly function: string;
  readonly roles: readonly VigilRole[];
  readonly body?: unknown;
}

/** A route's key in {@link routeMethods}' map: `METHOD path`. */
export const methodKey = (route: Pick<ApiRoute, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

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

/** The API's access log group: request metadata without identifiers ({@link ACCESS_LOG_FIELDS}). */
export function accessLogGroup(scope: Construct, stage: string, config: VigilConfig): LogGroup {
  return new LogGroup(scope, 'AccessLogs', {
    logGroupName: `/aws/apigateway/vigil-${stage}-api`,
    retention: config.logRetentionDays,
    // Request metadata without identifiers (ACCESS_LOG_FIELDS): it expires by retention.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * The regional REST API with its stage's access log, throttling and detailed metrics for the API
 * key routes, and API Gateway's own errors in the handlers' shape. With a console origin, those
 * errors name it as allowed to read them (CORS), as the handlers' answers do.
 */
export function restApi(
  scope: Construct,
  props: {
    stage: string;
    config: VigilConfig;
    routes: readonly ApiRoute[];
    accessLogs: LogGroup;
    consoleOrigin?: string | undefined;
  },
): RestApi {
  const { stage, config } = props;
  const apiKeyRoutes = props.routes.filter((r) => credentialOf(r) === 'api-key');
  const api = new RestApi(scope, 'RestApi', {
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
      accessLogDestination: new LogGroupLogDestination(props.accessLogs),
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
  acknowledgeApiFindings(api);
  for (const [type, statusCode, code, message] of GATEWAY_ERRORS) {
    api.addGatewayResponse(`Error-${type.responseType}`, {
      type,
      statusCode,
      templates: { 'application/json': JSON.stringify({ error: { code, message } }) },
      // A static header value is quoted: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
      ...(props.consoleOrigin
        ? { responseHeaders: { 'Access-Control-Allow-Origin': `'${props.consoleOrigin}'` } }
        : {}),
    });
  }
  return api;
}

/**
 * The CORS preflight (`OPTIONS`) of every path the console calls (the token routes): the console's
 * origin alone, its methods, the `Authorization` and `Content-Type` headers. API Gateway answers
 * it itself (a mock integration); a preflight carries no credential by definition, so it has none.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html
 */
export function consolePreflights(api: RestApi, routes: readonly ApiRoute[], origin: string): Method[] {
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes.filter((r) => credentialOf(r) === 'token')) {
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
  }
  return [...methodsByPath].map(([path, methods]) => {
    const preflight = api.root.resourceForPath(path).addCorsPreflight({
      allowOrigins: [origin],
      allowMethods: methods,
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: Duration.hours(1),
    });
    Validations.of(preflight).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'A CORS preflight: the browser sends it without credentials (Fetch standard), and API Gateway answers it itself with headers only.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'A CORS preflight carries no credential to check; the method it precedes is authorized.',
      },
    );
    return preflight;
  });
}

function acknowledgeApiFindings(api: RestApi): void {
  Validations.of(api).acknowledge(
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
}

/** What {@link routeMethods} wires each route to. */
export interface RouteTargets {
  readonly stage: string;
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  readonly authorizers: ReadonlyMap<Credential, RequestAuthorizer>;
}

/**
 * One method per route, a Lambda proxy integration of its function, authenticated by its
 * credential. Validation: path parameters present, and a JSON object body where the route takes
 * one. The handlers validate each field against the route's zod schema and name the field in the
 * error; the gateway stops what is not even an object before a function is invoked.
 */
export function routeMethods(
  scope: Construct,
  api: RestApi,
  routes: readonly ApiRoute[],
  targets: RouteTargets,
): Map<string, Method> {
  const validator = new RequestValidator(scope, 'Validator', {
    restApi: api,
    requestValidatorName: `vigil-${targets.stage}-body-and-parameters`,
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  const objectBody = new Model(scope, 'JsonObjectBody', {
    restApi: api,
    modelName: 'JsonObject',
    contentType: 'application/json',
    schema: { type: JsonSchemaType.OBJECT },
  });
  return new Map(
    routes.map((route) => [methodKey(route), routeMethod(api, route, targets, { validator, objectBody })]),
  );
}

function routeMethod(
  api: RestApi,
  route: ApiRoute,
  targets: RouteTargets,
  checks: { validator: RequestValidator; objectBody: Model },
): Method {
  const credential = credentialOf(route);
  const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const method = api.root.resourceForPath(route.path).addMethod(
    route.method,
    // No test-invoke permission: the console's test calls skip the authorizer.
    new LambdaIntegration(targets.functions.get(route.function)!, { proxy: true, allowTestInvoke: false }),
    {
      ...(credential === 'iam'
        ? { authorizationType: AuthorizationType.IAM }
        : { authorizationType: AuthorizationType.CUSTOM, authorizer: targets.authorizers.get(credential)! }),
      apiKeyRequired: credential === 'api-key',
      requestValidator: checks.validator,
      requestParameters: Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true])),
      ...(route.body !== undefined ? { requestModels: { 'application/json': checks.objectBody } } : {}),
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
  return method;
}

/** The API key routes' usage plan: throttling and a daily quota per key of the order flow. */
export function scoreUsagePlan(
  api: RestApi,
  props: { stage: string; config: VigilConfig; methods: readonly Method[] },
): UsagePlan {
  const score = props.config.api.score;
  const throttle = { rateLimit: score.rateLimit, burstLimit: score.burstLimit };
  return api.addUsagePlan('ScoreUsagePlan', {
    name: `vigil-${props.stage}-score`,
    description: 'Per API key of the order flow: throttling and a daily quota on the score route',
    throttle,
    quota: { limit: score.quotaPerDay, period: Period.DAY },
    apiStages: [
      {
        api,
        stage: api.deploymentStage,
        throttle: props.methods.map((method) => ({ method, throttle })),
      },
    ],
  });
}
