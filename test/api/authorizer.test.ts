import { generateKeyPairSync, sign } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizerDeps,
  authorize,
  authorizerDepsFromEnv,
  authRoutes,
  cognitoTokenVerifier,
  credentialOf,
  routeArn,
} from '../../src/api/authorizer.ts';
import { ROUTES } from '../../src/api/routes.ts';

const POOL = 'eu-central-1_TestPool1';
const CLIENT = 'vigilclient1234567890';
const ISSUER = `https://cognito-idp.eu-central-1.amazonaws.com/${POOL}`;
const API = 'arn:aws:execute-api:eu-central-1:123456789012:abc123def4/dev';

// The user pool's signing key, as Cognito publishes it (JWKS), and tokens signed with it.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWKS = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] };

function token(claims: Record<string, unknown>, key = privateKey): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64({
    sub: '0f1e2d3c',
    iss: ISSUER,
    client_id: CLIENT,
    token_use: 'access',
    username: 'j.devries',
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

const deps: AuthorizerDeps = {
  routes: authRoutes(Object.values(ROUTES)),
  verifyToken: cognitoTokenVerifier({ userPoolId: POOL, clientId: CLIENT, jwks: JWKS as never }),
};

function event(route: { method: string; path: string }, headers: Record<string, string>) {
  return {
    type: 'REQUEST',
    methodArn: `${API}/${route.method}${route.path.replace('{id}', 'ev-1')}`,
    resource: route.path,
    path: route.path,
    httpMethod: route.method,
    headers,
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

const allowed = (result: Awaited<ReturnType<typeof authorize>>) => {
  const [statement] = result.policyDocument.Statement as { Effect: string; Resource: string[] }[];
  return statement!.Effect === 'Allow' ? statement!.Resource : [];
};

describe('credentialOf', () => {
  it.each([
    [['order-flow'], 'api-key'],
    [['analyst'], 'token'],
    [['admin'], 'token'],
    [['privacy-service'], 'iam'],
    [['order-flow', 'analyst', 'privacy-service', 'admin'], 'token'],
  ] as const)('roles %j take %s', (roles, credential) => {
    // Prepare
    const route = { roles };

    // Act
    const result = credentialOf(route);

    // Assess
    expect(result).toBe(credential);
  });

  it('leaves the IAM routes out of what the authorizer guards', () => {
    // Prepare
    const routes = [
      ...Object.values(ROUTES),
      { method: 'DELETE', path: '/v1/subjects/{customerId}', roles: ['privacy-service'] } as const,
    ];

    // Act
    const guarded = authRoutes(routes);

    // Assess
    expect(guarded.map((r) => `${r.method} ${r.path}`)).toEqual(
      Object.values(ROUTES)
        .filter((r) => !r.roles.every((role) => role === 'privacy-service'))
        .map((r) => `${r.method} ${r.path}`),
    );
  });
});

describe('authorize: the score route (API key)', () => {
  it('names an API key caller order-flow by a hash of the key, never the key', async () => {
    // Prepare
    const request = event(ROUTES.scoreOrder, { 'X-Api-Key': 'k3y-0f-the-checkout-0123456789' });

    // Act
    const result = await authorize(request, deps);

    // Assess
    expect(result.principalId).toMatch(/^order-flow:key-[0-9a-f]{16}$/);
    expect(result.context).toEqual({ role: 'order-flow' });
    expect(JSON.stringify(result)).not.toContain('k3y-0f-the-checkout');
    expect(allowed(result)).toEqual([`${API}/POST/v1/score`]);
  });

  it('denies a score request without a key, and ignores a bearer token there', async () => {
    // Prepare
    const request = event(ROUTES.scoreOrder, {
      authorization: `Bearer ${token({ 'cognito:groups': ['analyst'] })}`,
    });

    // Act
    const result = await authorize(request, deps);

    // Assess
    expect(allowed(result)).toEqual([]);
    expect(result.context).toBeUndefined();
  });
});

describe('authorize: Cognito access tokens', () => {
  it('makes an analyst of the analyst group, allowed on every analyst token route', async () => {
    // Prepare
    const request = event(ROUTES.getAlert, {
      Authorization: `Bearer ${token({ 'cognito:groups': ['analyst'] })}`,
    });

    // Act
    const result = await authorize(request, deps);

    // Assess
    expect(result.principalId).toBe('analyst:j.devries');
    expect(result.context).toEqual({ role: 'analyst' });
    expect(allowed(result).sort()).toEqual(
      [
        `${API}/GET/v1/alerts`,
        `${API}/GET/v1/alerts/*`,
        `${API}/POST/v1/alerts/*/disposition`,
        `${API}/GET/v1/rules/stats`,
        `${API}/GET/v1/lists/entries`,
        `${API}/POST/v1/lists/entries`,
        `${API}/DELETE/v1/lists/entries/*`,
        `${API}/GET/openapi.json`,
        `${API}/GET/v1/health`,
      ].sort(),
    );
  });

  it('makes an admin of the admin group, allowed on the audit trail and not on the alerts', async () => {
    // Prepare
    const request = event(ROUTES.listAudit, {
      authorization: `bearer ${token({ 'cognito:groups': ['admin'] })}`,
    });

    // Act
    const result = await authorize(request, deps);

    // Assess
    expect(result.context).toEqual({ role: 'admin' });
    expect(allowed(result)).toContain(`${API}/GET/v1/audit`);
    expect(allowed(result)).not.toContain(`${API}/GET/v1/alerts`);
  });

  it.each([
    ['no group', {}],
    ['a group that is no role', { 'cognito:groups': ['interns'] }],
    ['two roles (separation of duties)', { 'cognito:groups': ['analyst', 'admin'] }],
    ['an expired token', { 'cognito:groups': ['analyst'], exp: Math.floor(Date.now() / 1000) - 60 }],
    ['another app client', { 'cognito:groups': ['analyst'], client_id: 'someotherclient' }],
    ['an ID token', { 'cognito:groups': ['analyst'], token_use: 'id' }],
    ['another user pool', { 'cognito:groups': ['analyst'], iss: `${ISSUER}x` }],
  ])('denies %s', async (_case, claims) => {
    // Prepare
    const request = event(ROUTES.listAlerts, { authorization: `Bearer ${token(claims)}` });

    // Act
    const result = await authorize(request, deps);

    // Assess
    expect(allowed(result)).toEqual([]);
    expect(result.context).toBeUndefined();
  });

  it('denies a token signed with another key, a malformed token, none, and an API key', async () => {
    // Prepare
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const headers: Record<string, string>[] = [
      { authorization: `Bearer ${token({ 'cognito:groups': ['analyst'] }, other)}` },
      { authorization: 'Bearer not.a.jwt' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      {},
      { 'x-api-key': 'k3y-0f-the-checkout-0123456789' },
    ];

    // Act
    const results = await Promise.all(headers.map((h) => authorize(event(ROUTES.listAlerts, h), deps)));

    // Assess
    expect(results.map(allowed)).toEqual(headers.map(() => []));
  });

  it('fails (500, not a cached Deny) when the user pool keys cannot be fetched', async () => {
    // Prepare
    const { FetchError } = await import('aws-jwt-verify/error');
    const failing: AuthorizerDeps = {
      ...deps,
      verifyToken: () => Promise.reject(new FetchError('https://example.invalid/jwks.json', 'unreachable')),
    };

    // Act
    const act = authorize(event(ROUTES.listAlerts, { authorization: 'Bearer a.b.c' }), failing);

    // Assess
    await expect(act).rejects.toThrow(/unreachable/);
  });
});

describe('authorize: anything else', () => {
  it('denies a route it does not guard', async () => {
    // Prepare
    const request = event({ method: 'DELETE', path: '/v1/subjects/{customerId}' }, { 'x-api-key': 'k' });

    // Act
    const result = await authorize(request, deps);

    // Assess
    expect(allowed(result)).toEqual([]);
  });

  it('builds route ARNs with path parameters as wildcards', () => {
    // Prepare
    const methodArn = `${API}/POST/v1/alerts/ev-1/disposition`;

    // Act
    const arn = routeArn(methodArn, ROUTES.disposeAlert);

    // Assess
    expect(arn).toBe(`${API}/POST/v1/alerts/*/disposition`);
  });
});

describe('authorizerDepsFromEnv', () => {
  it('reads the routes and the user pool from the environment', () => {
    // Prepare
    const env = {
      VIGIL_AUTH_ROUTES: JSON.stringify(authRoutes(Object.values(ROUTES))),
      VIGIL_USER_POOL_ID: POOL,
      VIGIL_USER_POOL_CLIENT_ID: CLIENT,
    };

    // Act
    const built = authorizerDepsFromEnv(env);

    // Assess
    expect(built.routes).toEqual(deps.routes);
  });

  it("accepts the access tokens of each listed app client (the CLI's and the console's), no other", async () => {
    // Prepare
    const verifyToken = cognitoTokenVerifier({
      userPoolId: POOL,
      clientId: [CLIENT, 'consoleclient123456789'],
      jwks: JWKS as never,
    });
    const tokens = [CLIENT, 'consoleclient123456789', 'otherclient1234567890'].map((c) =>
      token({ client_id: c, 'cognito:groups': ['analyst'] }),
    );

    // Act
    const results = await Promise.allSettled(tokens.map(verifyToken));

    // Assess
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  });

  it.each([
    [{ VIGIL_AUTH_ROUTES: '[]' }, /VIGIL_USER_POOL_ID/],
    [{ VIGIL_USER_POOL_ID: POOL, VIGIL_USER_POOL_CLIENT_ID: CLIENT }, /VIGIL_AUTH_ROUTES/],
    [
      { VIGIL_USER_POOL_ID: POOL, VIGIL_USER_POOL_CLIENT_ID: CLIENT, VIGIL_AUTH_ROUTES: '[{"method":1}]' },
      /VIGIL_AUTH_ROUTES/,
    ],
  ])('refuses %j naming the variable', (env, message) => {
    // Prepare
    const act = () => authorizerDepsFromEnv(env);

    // Act / Assess
    expect(act).toThrow(message);
  });
});
