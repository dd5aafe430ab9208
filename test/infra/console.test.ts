/**
 * The analyst console in AWS (`infra/console.ts`, and its sign-in and CORS in `infra/api.ts`):
 * a private bucket read by CloudFront alone, strict headers, the PKCE app client, the runtime
 * settings beside the page, and the API open to the console's origin only.
 */
import { runInNewContext } from 'node:vm';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { PATHS_FUNCTION } from '../../infra/console.ts';
import type { VigilStack } from '../../infra/vigil-stack.ts';
import { logicalId, vigilApp } from './support.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let shared: { stack: VigilStack; template: Template; resources: Resources } | undefined;
function synth() {
  if (!shared) {
    const { stack } = vigilApp();
    const template = Template.fromStack(stack);
    shared = { stack, template, resources: template.toJSON().Resources as Resources };
  }
  return shared;
}

/** The distribution's domain, as the template refers to it. */
const distributionDomain = (stack: VigilStack) => ({
  'Fn::GetAtt': [logicalId(stack, stack.console.distribution), 'DomainName'],
});

// The first synthesis loads most of aws-cdk-lib: done here, with room to spare, not in a test's time.
beforeAll(() => {
  synth();
}, 180_000);

describe('Console: files in a private bucket behind CloudFront', () => {
  it('blocks public access, encrypts, refuses plain HTTP, and lets only the distribution read (OAC)', () => {
    // Prepare
    const { stack, template, resources } = synth();
    const bucket = logicalId(stack, stack.console.bucket);

    // Act
    const policy = Object.values(resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && (r.Properties.Bucket as { Ref: string }).Ref === bucket,
    )!.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };

    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: logicalId(stack, stack.console.distribution) },
                ],
              ],
            },
          },
        },
      }),
    ]);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('serves over HTTPS through origin access control (not a legacy origin access identity)', () => {
    // Prepare
    const { template } = synth();

    // Act
    const distributions = template.findResources('AWS::CloudFront::Distribution');

    // Assess
    expect(Object.keys(distributions)).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Origins: [
          Match.objectLike({
            OriginAccessControlId: Match.anyValue(),
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      },
    });
    expect(template.findResources('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual({});
  });

  it.each([
    ['/', 301, '/console/'],
    ['/console', 301, '/console/'],
    ['/console/', 200, '/console/index.html'],
    ['/console/alerts/auth-01', 200, '/console/index.html'],
    ['/console/audit', 200, '/console/index.html'],
    ['/console/assets/index-abc123.js', 200, '/console/assets/index-abc123.js'],
    ['/console/config.json', 200, '/console/config.json'],
  ])('maps %s to its answer (%i) or the file %s', (uri, status, target) => {
    // Prepare
    const handler = runInNewContext(`${PATHS_FUNCTION}; handler`) as (e: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: { location: { value: string } };
    };

    // Act
    const result = handler({ request: { uri, headers: {} } });

    // Assess
    if (status === 301) expect([result.statusCode, result.headers?.location.value]).toEqual([301, target]);
    else expect(result.uri).toBe(target);
  });
});

describe('Console: headers', () => {
  it('sends a strict Content-Security-Policy naming the API and the sign-in origins, HSTS and the usual headers', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]!
      .Properties.ResponseHeadersPolicyConfig;
    const csp = JSON.stringify(stack.resolve(policy.SecurityHeadersConfig.ContentSecurityPolicy));

    // Assess
    for (const directive of [
      "default-src 'none'",
      "script-src 'self';",
      "style-src 'self';",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "connect-src 'self' https://",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-');
    expect(csp).toContain(`{"Ref":"${logicalId(stack, stack.api.restApi)}"},".execute-api."`);
    expect(csp).toContain(`{"Ref":"${logicalId(stack, stack.api.console!.domain)}"},".auth.`);
    expect(policy.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 31_536_000,
        IncludeSubdomains: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    expect(policy.CustomHeadersConfig.Items).toEqual([
      expect.objectContaining({ Header: 'Permissions-Policy', Value: expect.stringContaining('camera=()') }),
    ]);
  });
});

describe('Console: sign-in with the user pool', () => {
  it('has a public app client with the authorization code grant only, returning to the console', () => {
    // Prepare
    const { stack, template } = synth();
    const page = { 'Fn::Join': ['', ['https://', distributionDomain(stack), '/console/']] };

    // Act / Assess
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'vigil-dev-console',
      UserPoolId: { Ref: logicalId(stack, stack.api.userPool) },
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid'],
      CallbackURLs: [page],
      LogoutURLs: [page],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: logicalId(stack, stack.api.userPool) },
    });
  });

  it("keeps the CLI's client off the sign-in pages (no OAuth grant, no implicit grant)", () => {
    // Prepare
    const { stack, resources } = synth();

    // Act
    const cli = resources[logicalId(stack, stack.api.userPoolClient)]!.Properties;

    // Assess
    expect(cli.AllowedOAuthFlows).toBeUndefined();
    expect(cli.AllowedOAuthFlowsUserPoolClient).toBe(false);
  });

  it('writes config.json beside the page: the API URL, the sign-in domain and the client id', () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const page = Object.values(template.findResources('Custom::CDKBucketDeployment')).find(
      (d) => d.Properties.DestinationBucketKeyPrefix === 'console/',
    )!.Properties;

    // Assess
    expect(page.DistributionPaths).toEqual(['/console/*']);
    expect(page.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    const markers = JSON.stringify(page.SourceMarkers);
    for (const resource of [
      stack.api.restApi,
      stack.api.restApi.deploymentStage,
      stack.api.console!.domain,
      stack.api.console!.client,
    ]) {
      expect(markers).toContain(`{"Ref":"${logicalId(stack, resource)}"}`);
    }
  });
});

describe('Console: the API across origins', () => {
  it("answers preflights for the console's origin only, on the token routes' paths", () => {
    // Prepare
    const { stack, template } = synth();

    // Act
    const preflights = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
      (m) => m.Properties.HttpMethod === 'OPTIONS',
    );

    // Assess
    expect(preflights.length).toBeGreaterThan(0);
    for (const method of preflights) {
      const [response] = (
        method.Properties.Integration as { IntegrationResponses: Record<string, unknown>[] }
      ).IntegrationResponses as { ResponseParameters: Record<string, unknown> }[];
      expect(response!.ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toEqual({
        'Fn::Join': ['', ["'https://", distributionDomain(stack), "'"]],
      });
    }
  });

  it("tells every API function the console's origin, and API Gateway's own errors name it too", () => {
    // Prepare
    const { stack, template } = synth();
    const origin = { 'Fn::Join': ['', ['https://', distributionDomain(stack)]] };

    // Act
    const functions = [...stack.api.functions.values()].map(
      (fn) => template.toJSON().Resources[logicalId(stack, fn)].Properties.Environment.Variables,
    );
    const errors = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'));

    // Assess
    for (const env of functions) expect(env.VIGIL_CONSOLE_ORIGIN).toEqual(origin);
    for (const error of errors) {
      expect(error.Properties.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': {
          'Fn::Join': ['', ["'https://", distributionDomain(stack), "'"]],
        },
      });
    }
  });
});

describe('Console: cdk-nag', () => {
  it('acknowledges, each with a reason, only the bucket’s access logs, CloudFront’s WAF, geo, logs and TLS, and the deployment provider', () => {
    // Prepare
    const { app } = vigilApp();

    // Act
    const acknowledged = app.node
      .findAll()
      .filter((c) => /^Vigil-dev\/(Console|Custom::CDKBucketDeployment\w+)(\/|$)/.test(c.node.path))
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, unknown>))
          .map(([id, reason]) => ({ id: id.replace(/\[.*$/, '').replace(/^.*::/, ''), reason })),
      );

    // Assess
    expect(new Set(acknowledged.map((a) => a.id))).toEqual(
      new Set([
        'AwsSolutions-S1',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-L1',
      ]),
    );
    for (const { reason } of acknowledged) {
      expect(typeof reason === 'string' ? reason.trim().length : 0).toBeGreaterThan(40);
    }
  });

  it('stops synthesis with a clear error when the console is not built', async () => {
    // Prepare
    const { ConsoleHosting } = await import('../../infra/console.ts');
    const { stack } = synth();

    // Act
    const act = () =>
      new ConsoleHosting(stack, 'Unbuilt', { stage: 'dev', api: stack.api, dir: '/nonexistent' });

    // Assess
    expect(act).toThrow('Vigil console: /nonexistent: not built (npm run build:console)');
  });
});
