import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { VigilApi } from '../../infra/api.ts';
import { AUTHORIZER_CACHE_TTL } from '../../infra/api-auth.ts';
import { ACCESS_LOG_FIELDS, type ApiRoute } from '../../infra/api-gateway.ts';
import {
  accessOf,
  API_FUNCTION_ACCESS,
  ERASURE_ACCESS,
  PRIVACY_SERVICE_ACCESS,
} from '../../infra/api-access.ts';
import { DEFAULT_CONFIG } from '../../infra/config.ts';
import { API_LATENCY_ALARM_MS, SCORE_LATENCY_ALARM_MS } from '../../infra/monitoring.ts';
import { Pipeline } from '../../infra/pipeline.ts';
import { IP_DATA_DIR } from '../../infra/lambda.ts';
import type { VigilStack } from '../../infra/vigil-stack.ts';
import { authRoutes, credentialOf } from '../../src/api/authorizer.ts';
import { ROUTES } from '../../src/api/routes.ts';
import { DEFAULT_SCORE_BUDGET_MS } from '../../src/api/score.ts';
import { ENV } from '../../src/shared/env.ts';
import { CDK_JSON_CONTEXT, logicalId, NO_BUNDLING, vigilApp } from './support.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const routes = Object.values(ROUTES) as readonly ApiRoute[];
const functionNames = [...new Set(routes.map((r) => r.function))];

// One synthesis (without bundling) for every assertion on the default stack.
let shared: { stack: VigilStack; template: Template } | undefined;
function synth() {
  if (!shared) {
    const { stack } = vigilApp();
    shared = { stack, template: Template.fromStack(stack) };
  }
  return shared;
}

/**
 * The route table without its IAM (privacy-service) routes, plus one such route of its own:
 * `DELETE /v1/subjects/{customerId}` served by `fn`.
 */
const withAPrivacyRoute = (fn: string): ApiRoute[] => [
  ...routes.filter((r) => credentialOf(r) !== 'iam'),
  { method: 'DELETE', path: '/v1/subjects/{customerId}', function: fn, roles: ['privacy-service'] },
];
const methodKey = (r: Pick<ApiRoute, 'method' | 'path'>) => `${r.method} ${r.path}`;
const actionsOf = (s: Statement) => [s.Action].flat();

/** The CloudFormation Method of a route. */
function methodOf(stack: VigilStack, template: Template, route: ApiRoute) {
  const id = logicalId(stack, stack.api.methods.get(methodKey(route))!);
  return (template.toJSON().Resources as Resources)[id]!.Properties;
}

/** Every statement of every policy attached to a function's role. */
function statementsOf(stack: Stack, template: Template, role: { node: { defaultChild?: unknown } }) {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: logicalId(stack, role) }]) },
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

describe('Api: routes from src/api/routes.ts', () => {
  it('has one method per route on its resource path, and nothing else but CORS preflights', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (m) => m.Properties.HttpMethod !== 'OPTIONS',
    );

    // Assess
    expect([...stack.api.methods.keys()].sort()).toEqual(routes.map(methodKey).sort());
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(routes.map((r) => r.method).sort());
    for (const route of routes) {
      expect(methodOf(stack, template, route)).toMatchObject({
        HttpMethod: route.method,
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
    }
  });

  it('runs one function per handler file, on Node.js 24 arm64 with its own log group', () => {
    // Prepare
    const { template } = synth();

    // Act
    // The console's bucket deployment provider (aws-cdk-lib's, unnamed) aside.
    const names = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.FunctionName as string | undefined)
      .filter((name) => name !== undefined);

    // Assess
    expect(names.sort()).toEqual(
      [
        'vigil-dev-consume-events',
        'vigil-dev-authorize-request',
        ...functionNames.map((f) => `vigil-dev-${f}`),
      ].sort(),
    );
    for (const fn of functionNames) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `vigil-dev-${fn}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/vigil-dev-${fn}`,
        RetentionInDays: DEFAULT_CONFIG.logRetentionDays,
      });
    }
  });

  it('serves a route added to the table, with a DELETE method and AWS_IAM for the privacy service', () => {
    // Prepare
    const added = withAPrivacyRoute('get-health');

    // Act
    const { stack, api, template } = standaloneApi(added);

    // Assess
    const method =
      template.toJSON().Resources[logicalId(stack, api.methods.get('DELETE /v1/subjects/{customerId}')!)];
    expect(method.Properties).toMatchObject({
      HttpMethod: 'DELETE',
      AuthorizationType: 'AWS_IAM',
      ApiKeyRequired: false,
      RequestParameters: { 'method.request.path.customerId': true },
    });
    expect(method.Properties.AuthorizerId).toBeUndefined();
  });
});

/** A stack of the pipeline and a VigilApi of the given routes only. */
function standaloneApi(apiRoutes: readonly ApiRoute[]) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING } });
  const stack = new Stack(app, 'Test', { env: { region: 'eu-central-1' } });
  const secret = new Secret(stack, 'KeySecret');
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'a test stack' });
  const pipeline = new Pipeline(stack, 'Pipeline', {
    stage: 'dev',
    config: DEFAULT_CONFIG,
    pseudonymKeySecret: secret,
  });
  const api = new VigilApi(stack, 'Api', {
    stage: 'dev',
    config: DEFAULT_CONFIG,
    tables: pipeline.tables,
    dataKey: pipeline.dataKey,
    pseudonymKeySecret: secret,
    deadLetterBucket: pipeline.deadLetterBucket,
    routes: apiRoutes,
  });
  return { stack, api, pipeline, secret, template: Template.fromStack(stack) };
}

describe('Api: authentication on every route', () => {
  it('puts the API key or token authorizer, or AWS_IAM, on every method, never none', () => {
    // Prepare
    const { stack, template } = synth();
    const authorizers = template.findResources('AWS::ApiGateway::Authorizer');

    // Act
    const byRoute = routes.map((route) => {
      const method = methodOf(stack, template, route);
      const authorizer =
        authorizers[(method.AuthorizerId as { Ref?: string } | undefined)?.Ref ?? '']?.Properties;
      return [methodKey(route), method.AuthorizationType, authorizer?.IdentitySource ?? null];
    });

    // Assess
    expect(byRoute).toEqual(
      routes.map((route) => {
        const credential = credentialOf(route);
        return [
          methodKey(route),
          credential === 'iam' ? 'AWS_IAM' : 'CUSTOM',
          credential === 'iam'
            ? null
            : credential === 'api-key'
              ? 'method.request.header.x-api-key'
              : 'method.request.header.Authorization',
        ];
      }),
    );
  });

  it('has REQUEST authorizers on one function, caching their answer per credential', () => {
    // Prepare
    const { stack, template } = synth();
    const fn = logicalId(stack, stack.api.authorizer!);

    // Act
    const authorizers = Object.values(template.findResources('AWS::ApiGateway::Authorizer'));

    // Assess
    expect(authorizers.length).toBeGreaterThan(0);
    for (const a of authorizers) {
      expect(a.Properties).toMatchObject({
        Type: 'REQUEST',
        AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_TTL.toSeconds(),
      });
      expect(JSON.stringify(a.Properties.AuthorizerUri)).toContain(`"${fn}"`);
    }
  });

  it('hands the authorizer the guarded routes and the user pool, nothing secret', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'vigil-dev-authorize-request' },
    });
    const env = Object.values(fn)[0]!.Properties.Environment.Variables as Record<string, unknown>;

    // Assess
    expect(env).toEqual({
      VIGIL_AUTH_ROUTES: JSON.stringify(authRoutes(routes)),
      VIGIL_USER_POOL_ID: { Ref: logicalId(stack, stack.api.userPool) },
      VIGIL_USER_POOL_CLIENT_ID: {
        'Fn::Join': [
          '',
          [
            { Ref: logicalId(stack, stack.api.userPoolClient) },
            ',',
            { Ref: logicalId(stack, stack.api.console!.client) },
          ],
        ],
      },
    });
    expect(statementsOf(stack, template, stack.api.authorizer!.role!).flatMap(actionsOf)).toEqual(
      expect.not.arrayContaining(['dynamodb:*', 'secretsmanager:GetSecretValue']),
    );
  });

  it('requires an API key on the order-flow routes only, under a usage plan with throttling and a daily quota', () => {
    // Prepare
    const { stack, template } = synth();
    const score = DEFAULT_CONFIG.api.score;

    // Act
    const keyed = routes.filter((r) => methodOf(stack, template, r).ApiKeyRequired === true);

    // Assess
    expect(keyed.map(methodKey)).toEqual(routes.filter((r) => credentialOf(r) === 'api-key').map(methodKey));
    expect(keyed.map(methodKey)).toContain('POST /v1/score');
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'vigil-dev-score',
      Throttle: { RateLimit: score.rateLimit, BurstLimit: score.burstLimit },
      Quota: { Limit: score.quotaPerDay, Period: 'DAY' },
      ApiStages: [
        Match.objectLike({
          ApiId: { Ref: logicalId(stack, stack.api.restApi) },
          Throttle: { '/v1/score/POST': { RateLimit: score.rateLimit, BurstLimit: score.burstLimit } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      ApiKeySourceType: 'HEADER',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('has a user pool with MFA, no self sign-up, threat protection, and the analyst and admin groups', () => {
    // Prepare
    const { template } = synth();

    // Act
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );

    // Assess
    expect(groups.sort()).toEqual(['admin', 'analyst']);
    template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('creates the privacy-service role with Invoke on the IAM routes only, and tells their functions', () => {
    // Prepare
    const added = withAPrivacyRoute('get-health');

    // Act
    const { stack, api, template } = standaloneApi(added);

    // Assess
    const statements = statementsOf(stack, template, api.privacyServiceRole!);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
    expect(JSON.stringify(statements[0]!.Resource)).toContain('/DELETE/v1/subjects/*');
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'vigil-dev-privacy-service' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vigil-dev-get-health',
      Environment: {
        Variables: Match.objectLike({
          VIGIL_PRIVACY_SERVICE_ROLE_ARN: {
            'Fn::GetAtt': [logicalId(stack, api.privacyServiceRole!), 'Arn'],
          },
        }),
      },
    });
  });
});

describe('Api: request validation, throttling, logs', () => {
  it('validates bodies and parameters: path parameters required, a JSON object where a route takes a body', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const validators = Object.values(template.findResources('AWS::ApiGateway::RequestValidator'));

    // Assess
    expect(validators.map((v) => v.Properties)).toEqual([
      expect.objectContaining({ ValidateRequestBody: true, ValidateRequestParameters: true }),
    ]);
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: { type: 'object', $schema: 'http://json-schema.org/draft-04/schema#' },
    });
    for (const route of routes) {
      const method = methodOf(stack, template, route);
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => `method.request.path.${m[1]}`);
      expect(method.RequestValidatorId).toBeDefined();
      expect(Object.keys((method.RequestParameters ?? {}) as object)).toEqual(params);
      expect(method.RequestModels !== undefined).toBe(route.body !== undefined);
    }
  });

  it('throttles every method of the stage, with detailed metrics on the score route only', () => {
    // Prepare
    const { template } = synth();

    // Act
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties;

    // Assess
    expect(stage.StageName).toBe('dev');
    expect(stage.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: DEFAULT_CONFIG.api.rateLimit,
          ThrottlingBurstLimit: DEFAULT_CONFIG.api.burstLimit,
          LoggingLevel: 'OFF',
          DataTraceEnabled: false,
        }),
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1v1~1score', MetricsEnabled: true }),
      ]),
    );
  });

  it('writes JSON access logs with the resource path, never the raw path, source IP or principal', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties;
    const settings = stage.AccessLogSetting as { DestinationArn: unknown; Format: string };
    const format = JSON.parse(settings.Format) as Record<string, string>;

    // Assess
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format.resourcePath).toBe('$context.resourcePath');
    expect(settings.Format).not.toMatch(/\$context\.path\b/);
    expect(settings.Format).not.toMatch(
      /sourceIp|userAgent|principalId|userArn|validationErrorString|\$context\.identity\.caller/,
    );
    expect(JSON.stringify(settings.DestinationArn)).toContain(
      `"${logicalId(stack, stack.api.accessLogGroup)}"`,
    );
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/apigateway/vigil-dev-api',
      RetentionInDays: DEFAULT_CONFIG.logRetentionDays,
    });
  });

  it('answers API Gateway errors in the handlers’ JSON error shape', () => {
    // Prepare
    const { template } = synth();

    // Act
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map((r) => [
      r.Properties.ResponseType,
      r.Properties.StatusCode,
      JSON.parse(r.Properties.ResponseTemplates['application/json']),
    ]);

    // Assess
    expect(responses).toEqual(
      expect.arrayContaining([
        ['UNAUTHORIZED', '401', { error: { code: 'UNAUTHORIZED', message: expect.any(String) } }],
        ['ACCESS_DENIED', '403', { error: { code: 'FORBIDDEN', message: expect.any(String) } }],
        ['BAD_REQUEST_BODY', '400', { error: { code: 'INVALID_REQUEST', message: expect.any(String) } }],
        [
          'MISSING_AUTHENTICATION_TOKEN',
          '401',
          { error: { code: 'UNAUTHORIZED', message: expect.any(String) } },
        ],
        ['REQUEST_TOO_LARGE', '413', { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } }],
      ]),
    );
  });
});

describe('Api: least privilege per function', () => {
  it.each(functionNames)('gives %s the table actions its code sends and nothing more', (fn) => {
    // Prepare
    const { stack, template } = synth();
    const access = accessOf(
      fn,
      routes.filter((r) => r.function === fn).map((r) => r.roles),
    );
    const lambda = stack.api.functions.get(fn)!;
    const tableArn = (role: string) => ({
      'Fn::GetAtt': [
        logicalId(stack, stack.pipeline.tables[role as keyof typeof stack.pipeline.tables]),
        'Arn',
      ],
    });

    // Act
    const statements = statementsOf(stack, template, lambda.role!);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

    // Assess: one pair per action and resource (CDK merges statements of the same actions)
    const pairs = (actions: readonly string[], resources: unknown) =>
      actions.flatMap((a) => [resources].flat().map((r) => `${a} ${JSON.stringify(r)}`));
    expect(dynamo.flatMap((s) => pairs(actionsOf(s), s.Resource)).sort()).toEqual(
      access.grants
        .flatMap((g) =>
          pairs(
            g.actions,
            g.index ? { 'Fn::Join': ['', [tableArn(g.table), `/index/${g.index}`]] } : tableArn(g.table),
          ),
        )
        .sort(),
    );
    const secretRead = statements.some((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(secretRead).toBe(access.pseudonymKey);
    const resources = statements.flatMap((s) => [s.Resource].flat());
    expect(resources).not.toContain('*');
    expect(
      template.findResources('AWS::IAM::Role')[logicalId(stack, lambda.role!)]?.Properties.ManagedPolicyArns,
    ).toBeUndefined();
  });

  it('lets the score function read profiles (BatchGetItem) and the key, and write nothing', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const actions = statementsOf(stack, template, stack.api.functions.get('score-order')!.role!).flatMap(
      actionsOf,
    );

    // Assess
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:BatchGetItem']);
    expect(actions.filter((a) => a.startsWith('kms:')).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(actions).toContain('secretsmanager:GetSecretValue');
  });

  it('keeps the analysts from reading or changing the audit trail: PutItem only; the admin only queries it', () => {
    // Prepare
    const { stack, template } = synth();
    const audit = { 'Fn::GetAtt': [logicalId(stack, stack.pipeline.tables.audit), 'Arn'] };
    const auditActions = (fn: string) =>
      statementsOf(stack, template, stack.api.functions.get(fn)!.role!)
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(audit))
        .flatMap(actionsOf);

    // Act
    const analysts = routes
      .filter((r) => r.roles.includes('analyst') && r.roles.length === 1)
      .map((r) => r.function);

    // Assess
    for (const fn of analysts) expect(auditActions(fn)).toEqual(['dynamodb:PutItem']);
    expect(auditActions('list-audit')).toEqual(['dynamodb:Query']);
  });

  it('declares the access of every handler file of the route table', () => {
    // Prepare
    const declared = (fn: string) => fn in API_FUNCTION_ACCESS;

    // Act
    const undeclared = functionNames.filter((fn) => {
      const roles = routes.filter((r) => r.function === fn).map((r) => r.roles);
      return !declared(fn) && accessOf(fn, roles) !== PRIVACY_SERVICE_ACCESS;
    });

    // Assess
    expect(undeclared).toEqual([]);
    expect(() => accessOf('new-thing', [['analyst']])).toThrow(/no access declared: add what its code calls/);
  });

  it('gives the customers’-rights functions the subject store, the alerts by subject and audit appends', () => {
    // Prepare
    const added = withAPrivacyRoute('erase-a-subject');
    const access = accessOf('erase-a-subject', [['privacy-service']]);

    // Act / Assess: the function file does not exist, so only the access is checked here
    expect(access).toBe(PRIVACY_SERVICE_ACCESS);
    expect(access.grants.find((g) => g.index === 'bySubject')?.actions).toEqual(['dynamodb:Query']);
    expect(access.grants.filter((g) => g.table === 'audit').flatMap((g) => g.actions)).toEqual([
      'dynamodb:PutItem',
    ]);
    expect(added).toHaveLength(routes.filter((r) => credentialOf(r) !== 'iam').length + 1);
  });
});

describe('Api: the dead letters of erasure', () => {
  it("lets erase-subject alone read and delete the dead letters' records, and tells it the bucket", () => {
    // Prepare
    const { stack, template } = synth();
    const bucketId = logicalId(stack, stack.pipeline.deadLetterBucket);

    // Act
    const s3 = functionNames.map((fn): [string, Statement[]] => [
      fn,
      statementsOf(stack, template, stack.api.functions.get(fn)!.role!).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('s3:')),
      ),
    ]);
    const erase = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'vigil-dev-erase-subject' },
      }),
    )[0]!;

    // Assess
    expect(s3.filter(([, statements]) => statements.length > 0)).toEqual([
      [
        'erase-subject',
        [
          {
            Effect: 'Allow',
            Action: ['s3:DeleteObject', 's3:GetObject'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/dead-letters/*']] },
          },
        ],
      ],
    ]);
    expect(erase.Properties.Environment.Variables[ENV.deadLetterBucket]).toEqual({ Ref: bucketId });
    expect(API_FUNCTION_ACCESS['erase-subject']).toBe(ERASURE_ACCESS);
  });
});

describe('Api: function settings', () => {
  it('ships geo data and the key secret only to the functions that need them; the key never in the environment', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const envOf = (fn: string) =>
      Object.values(
        template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: `vigil-dev-${fn}` } }),
      )[0]!.Properties.Environment.Variables as Record<string, unknown>;

    // Assess
    for (const fn of functionNames) {
      const access = accessOf(
        fn,
        routes.filter((r) => r.function === fn).map((r) => r.roles),
      );
      const env = envOf(fn);
      expect(env.VIGIL_IP_DATA_DIR).toBe(access.ipData ? `/var/task/${IP_DATA_DIR}` : undefined);
      expect(env.VIGIL_PSEUDONYM_SECRET_ARN).toEqual(
        access.pseudonymKey ? { Ref: logicalId(stack, stack.pseudonymKeySecret) } : undefined,
      );
      expect(env).toMatchObject({ VIGIL_STAGE: 'dev', POWERTOOLS_LOGGER_LOG_EVENT: 'false' });
    }
    expect(envOf('score-order')).toMatchObject({
      VIGIL_SCORE_BUDGET_MS: String(DEFAULT_SCORE_BUDGET_MS),
      VIGIL_SCORE_FAIL_POLICY: 'open',
    });
    expect(API_FUNCTION_ACCESS['score-order']).toMatchObject({ ipData: true, pseudonymKey: true });
    expect(JSON.stringify(template.toJSON())).not.toContain('VIGIL_PSEUDONYM_KEY');
  });

  it('takes the score settings and throttling from context', () => {
    // Prepare
    const context = {
      detection: '{"thresholds":{"review":50,"deny":90}}',
      scoreBudgetMs: '80',
      scoreFailPolicy: 'closed',
      scoreQuotaPerDay: '5000',
      apiRateLimit: '20',
    };

    // Act
    const template = Template.fromStack(vigilApp(context).stack);

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'vigil-dev-score-order',
      Environment: {
        Variables: Match.objectLike({
          VIGIL_SCORE_BUDGET_MS: '80',
          VIGIL_SCORE_FAIL_POLICY: 'closed',
          // The consumer's detection settings: the score and the stream decide alike.
          VIGIL_DETECTION_CONFIG: '{"thresholds":{"review":50,"deny":90}}',
        }),
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: { Limit: 5000, Period: 'DAY' } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 20 })]),
    });
  });
});

describe('Api: alarms and dashboard', () => {
  const alarmOf = (template: Template, name: string) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }))[0]
      ?.Properties as Record<string, unknown> | undefined;

  it.each([
    ['vigil-dev-api-5xx', '5XXError', 'Sum', 1, 1, ['ApiName', 'Stage']],
    ['vigil-dev-api-latency-p99', 'Latency', undefined, API_LATENCY_ALARM_MS, 5, ['ApiName', 'Stage']],
    [
      'vigil-dev-score-latency-p99',
      'Latency',
      undefined,
      SCORE_LATENCY_ALARM_MS,
      5,
      ['ApiName', 'Method', 'Resource', 'Stage'],
    ],
  ])('alarms %s on API Gateway %s', (name, metric, statistic, threshold, periods, dimensions) => {
    // Prepare
    const { stack, template } = synth();
    const topic = { Ref: logicalId(stack, stack.monitoring.alarmTopic) };

    // Act
    const alarm = alarmOf(template, name);

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: metric,
      Threshold: threshold,
      EvaluationPeriods: periods,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
    if (statistic) expect(alarm?.Statistic).toBe(statistic);
    else expect(alarm?.ExtendedStatistic).toBe('p99');
    expect((alarm?.Dimensions as { Name: string }[]).map((d) => d.Name).sort()).toEqual(dimensions);
  });

  it("alarms on the authorizer's errors", () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const alarm = alarmOf(template, 'vigil-dev-authorizer-errors');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, stack.api.authorizer!) } }],
    });
  });

  it('adds the API to the dashboard', () => {
    // Prepare
    const { template } = synth();

    // Act
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);

    // Assess
    for (const text of ['API requests, 4xx, 5xx', '5XXError', 'POST /v1/score p99', 'Authorizer errors']) {
      expect(body).toContain(text);
    }
  });
});

describe('Api: stack outputs', () => {
  it('name the API URL, the user pool and its client, the score usage plan and the privacy-service role', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs.UserPoolId?.Value).toEqual({ Ref: logicalId(stack, stack.api.userPool) });
    expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: logicalId(stack, stack.api.userPoolClient) });
    expect(outputs.ScoreUsagePlanId?.Value).toEqual({ Ref: logicalId(stack, stack.api.usagePlan!) });
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain(logicalId(stack, stack.api.restApi));
    expect(outputs.PrivacyServiceRoleArn?.Value).toEqual(
      stack.api.privacyServiceRole
        ? { 'Fn::GetAtt': [logicalId(stack, stack.api.privacyServiceRole), 'Arn'] }
        : undefined,
    );
  });
});

describe('Api: cdk-nag acknowledgements', () => {
  it('acknowledges only WAF, execution logging, the non-Cognito authorizers, the CORS preflights and the rights routes’ wildcards, with reasons', () => {
    // Prepare
    const { app } = vigilApp();

    // Act
    const acknowledgements = app.node
      .findAll()
      .filter((c) => c.node.path.startsWith('Vigil-dev/Api/'))
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, unknown>))
          .map(([id, reason]) => ({ id: id.replace(/\[.*$/, '').replace(/^.*::/, ''), reason })),
      );

    // Assess
    expect(new Set(acknowledgements.map((a) => a.id))).toEqual(
      new Set([
        'AwsSolutions-APIG3',
        'AwsSolutions-APIG4',
        'AwsSolutions-APIG6',
        'AwsSolutions-COG4',
        ...(routes.some((r) => credentialOf(r) === 'iam') ? ['AwsSolutions-IAM5'] : []),
      ]),
    );
    const preflights = new Set(routes.filter((r) => credentialOf(r) === 'token').map((r) => r.path)).size;
    expect(acknowledgements.filter((a) => a.id === 'AwsSolutions-COG4')).toHaveLength(
      routes.length + preflights,
    );
    expect(acknowledgements.filter((a) => a.id === 'AwsSolutions-APIG4')).toHaveLength(preflights);
    for (const { reason } of acknowledgements) {
      expect(typeof reason === 'string' ? reason.trim().length : 0).toBeGreaterThan(40);
    }
  });
});
