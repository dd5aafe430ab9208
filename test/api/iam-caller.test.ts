import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { apiHandler } from '../../src/api/middleware.ts';
import { iamCaller } from '../../src/api/roles.ts';
import { ROUTES } from '../../src/api/routes.ts';
import { aLambdaContext } from './support.ts';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/vigil-dev-privacy-service';
const SESSION_ARN = 'arn:aws:sts::123456789012:assumed-role/vigil-dev-privacy-service/account-portal';

describe('iamCaller', () => {
  it('makes a session of the privacy-service role the privacy-service, named by its session', () => {
    // Act
    const caller = iamCaller(SESSION_ARN, ROLE_ARN);

    // Assess
    expect(caller).toEqual({ principalId: 'privacy-service:account-portal', role: 'privacy-service' });
  });

  it('finds the role by name when its ARN has a path (assumed-role ARNs have none)', () => {
    // Act
    const caller = iamCaller(SESSION_ARN, 'arn:aws:iam::123456789012:role/vigil/vigil-dev-privacy-service');

    // Assess
    expect(caller?.role).toBe('privacy-service');
  });

  it.each([
    ['another role', 'arn:aws:sts::123456789012:assumed-role/vigil-dev-privacy-service-x/s'],
    ['another account', 'arn:aws:sts::999999999999:assumed-role/vigil-dev-privacy-service/s'],
    ['an IAM user', 'arn:aws:iam::123456789012:user/vigil-dev-privacy-service'],
    ['no session name', 'arn:aws:sts::123456789012:assumed-role/vigil-dev-privacy-service/'],
    ['no signer', null],
  ])('is no caller for %s', (_case, userArn) => {
    // Act
    const caller = iamCaller(userArn, ROLE_ARN);

    // Assess
    expect(caller).toBeUndefined();
  });

  it('is no caller when no privacy-service role is configured', () => {
    // Act
    const caller = iamCaller(SESSION_ARN, undefined);

    // Assess
    expect(caller).toBeUndefined();
  });
});

/** A REST API proxy event of an AWS_IAM route: no authorizer, the signer in `identity.userArn`. */
function signedEvent(userArn: string | null): APIGatewayProxyEvent {
  return {
    resource: '/v1/health',
    path: '/v1/health',
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123def4',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      identity: {
        accessKey: 'ASIAEXAMPLE',
        accountId: '123456789012',
        apiKey: null,
        apiKeyId: null,
        caller: 'AROAEXAMPLE:account-portal',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.7',
        user: 'AROAEXAMPLE:account-portal',
        userAgent: 'test',
        userArn,
      },
      path: '/dev/v1/health',
      stage: 'dev',
      requestId: 'r-1',
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res',
      resourcePath: '/v1/health',
    },
  } as APIGatewayProxyEvent;
}

describe('a handler behind AWS_IAM authorization', () => {
  const handler = apiHandler(ROUTES.getHealth, async () => ({ ok: true as const }));
  afterEach(() => {
    delete process.env.VIGIL_PRIVACY_SERVICE_ROLE_ARN;
  });

  it('serves a session of the configured privacy-service role', async () => {
    // Prepare
    process.env.VIGIL_PRIVACY_SERVICE_ROLE_ARN = ROLE_ARN;

    // Act
    const answer = await handler(signedEvent(SESSION_ARN), aLambdaContext('vigil-dev-get-health'));

    // Assess
    expect(answer.statusCode).toBe(200);
  });

  it('answers 401 to any other signer, and to every signer when no role is configured', async () => {
    // Prepare
    const other = 'arn:aws:sts::123456789012:assumed-role/Admin/someone';

    // Act
    const unconfigured = await handler(signedEvent(SESSION_ARN), aLambdaContext('vigil-dev-get-health'));
    process.env.VIGIL_PRIVACY_SERVICE_ROLE_ARN = ROLE_ARN;
    const wrong = await handler(signedEvent(other), aLambdaContext('vigil-dev-get-health'));

    // Assess
    expect([unconfigured.statusCode, wrong.statusCode]).toEqual([401, 401]);
  });
});
