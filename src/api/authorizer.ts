/**
 * The REST API's Lambda REQUEST authorizer, as logic that runs without AWS: it turns a route's
 * credential into the caller the handlers read, `requestContext.authorizer = { principalId, role }`
 * (see `src/api/roles.ts`), and into the policy API Gateway enforces.
 *
 * Each route takes one kind of credential, chosen from its roles by {@link credentialOf}:
 *
 * - `api-key`: routes only the `order-flow` role calls (`POST /v1/score`). The checkout sends an
 *   API Gateway API key in `x-api-key`; the method requires it (`apiKeyRequired`), so API Gateway
 *   itself checks the key against the route's usage plan, throttling and quota. The authorizer only
 *   names the caller: `order-flow:key-<hash>` (a SHA-256 prefix of the key: who called, for the
 *   logs and the audit trail, without the key).
 * - `token`: routes of the analysts and the admin (and those open to every role). A Cognito user
 *   pool access token in `Authorization: Bearer …`, verified here (aws-jwt-verify: signature
 *   against the pool's JWKS, issuer, client id, `token_use`, expiry); the role is the user's
 *   Cognito group, `analyst` or `admin`, and a user must be in exactly one of them.
 * - `iam`: routes only the `privacy-service` role calls. `AWS_IAM` authorization (SigV4) on the
 *   method, no Lambda authorizer: a Lambda authorizer cannot verify a SigV4 signature. The handler
 *   maps the IAM caller to the role (`iamCaller` in `src/api/roles.ts`).
 *
 * A wrong credential is answered with a Deny policy (API Gateway: 403), never with a thrown error:
 * a thrown error counts as a function error, and the authorizer's error alarm is for failures of
 * the authorizer itself (the JWKS unreachable, a configuration error).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 *
 * This module imports no route table and no zod, so that the authorizer's bundle stays small: the
 * stack hands it the routes it guards as JSON (`VIGIL_AUTH_ROUTES`, from {@link authRoutes}).
 */
import { createHash } from 'node:crypto';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  PolicyDocument,
} from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksNotAvailableInCacheError, JwtBaseError } from 'aws-jwt-verify/error';
import type { Role } from '../shared/roles.ts';
import { ENV, type Environment, readEnv, readJsonEnv } from '../shared/env.ts';

/** How the callers of a route authenticate. */
export type Credential = 'api-key' | 'token' | 'iam';

/** The roles a Cognito user can have: the user pool's groups. */
export const TOKEN_ROLES = ['analyst', 'admin'] as const satisfies readonly Role[];

/**
 * The credential of a route, from its roles: `api-key` when only the order flow calls it, `iam`
 * when only the privacy service does, else `token` (the analysts', the admin's, and the routes
 * open to every role, which in AWS the token holders reach).
 *
 * @example
 * ```ts
 * credentialOf(ROUTES.scoreOrder); // 'api-key'
 * ```
 */
export function credentialOf(route: { readonly roles: readonly Role[] }): Credential {
  if (route.roles.length > 0 && route.roles.every((r) => r === 'order-flow')) return 'api-key';
  if (route.roles.length > 0 && route.roles.every((r) => r === 'privacy-service')) return 'iam';
  return 'token';
}

/** A route as the authorizer knows it: method, API Gateway resource path, credential, roles. */
export interface AuthRoute {
  readonly method: string;
  readonly path: string;
  readonly credential: Exclude<Credential, 'iam'>;
  readonly roles: readonly Role[];
}

/**
 * The routes the Lambda authorizer guards (every route but the `iam` ones), as the stack hands them
 * to it in `VIGIL_AUTH_ROUTES`.
 *
 * @example
 * ```ts
 * const json = JSON.stringify(authRoutes(Object.values(ROUTES)));
 * ```
 */
export function authRoutes(
  routes: Iterable<{ readonly method: string; readonly path: string; readonly roles: readonly Role[] }>,
): AuthRoute[] {
  const guarded: AuthRoute[] = [];
  for (const route of routes) {
    const credential = credentialOf(route);
    if (credential === 'iam') continue;
    guarded.push({ method: route.method, path: route.path, credential, roles: [...route.roles] });
  }
  return guarded;
}

/** What a verified Cognito access token says about its user. */
export interface TokenClaims {
  readonly username: string;
  readonly groups: readonly string[];
}

/** The authorizer's collaborators, built once per cold start. */
export interface AuthorizerDeps {
  readonly routes: readonly AuthRoute[];
  /**
   * Verifies a Cognito access token. Rejects with an aws-jwt-verify `JwtBaseError` for a token
   * that is not valid (answered Deny); any other rejection is a failure of the authorizer.
   */
  readonly verifyToken: (jwt: string) => Promise<TokenClaims>;
}

/**
 * The authorizer's answer to one request: Allow on every route of the caller's role that takes the
 * same credential, so that API Gateway's cached answer for this credential (keyed by the
 * credential's header alone) is right for every route it then serves; Deny for a wrong credential.
 *
 * @throws only when the authorizer cannot work (the user pool's keys unreachable): API Gateway
 * answers 500 and the function's error metric counts it.
 *
 * @example
 * ```ts
 * const result = await authorize(event, { routes, verifyToken });
 * result.context?.role; // 'analyst'
 * ```
 */
export async function authorize(
  event: APIGatewayRequestAuthorizerEvent,
  deps: AuthorizerDeps,
): Promise<APIGatewayAuthorizerResult> {
  const route = deps.routes.find((r) => r.method === event.httpMethod && r.path === event.resource);
  if (!route) return deny(event.methodArn);
  if (route.credential === 'api-key') {
    const key = header(event, 'x-api-key');
    if (!key) return deny(event.methodArn);
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
    return allow(event.methodArn, deps.routes, route.credential, {
      principalId: `order-flow:key-${hash}`,
      role: 'order-flow',
    });
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '');
  if (!bearer) return deny(event.methodArn);
  let claims: TokenClaims;
  try {
    claims = await deps.verifyToken(bearer[1]!);
  } catch (err) {
    // The user pool's keys could not be had: not the caller's fault, and not to be cached as a Deny.
    if (err instanceof FetchError || err instanceof JwksNotAvailableInCacheError) throw err;
    if (err instanceof JwtBaseError) return deny(event.methodArn);
    throw err;
  }
  const roles = TOKEN_ROLES.filter((r) => claims.groups.includes(r));
  // Exactly one role: the role cannot depend on the route (API Gateway caches the answer per token
  // for every route), and an admin who reads the analysts' audit trail is not also an analyst.
  if (roles.length !== 1) return deny(event.methodArn, `user:${claims.username}`);
  const role = roles[0]!;
  return allow(event.methodArn, deps.routes, route.credential, {
    principalId: `${role}:${claims.username}`,
    role,
  });
}

/**
 * `execute-api` ARN of a route in the API and stage of `methodArn`
 * (`arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>`), path parameters as `*`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
 */
export function routeArn(methodArn: string, route: Pick<AuthRoute, 'method' | 'path'>): string {
  const [api, stage] = methodArn.split('/');
  return `${api}/${stage}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

function allow(
  methodArn: string,
  routes: readonly AuthRoute[],
  credential: AuthRoute['credential'],
  caller: { principalId: string; role: Role },
): APIGatewayAuthorizerResult {
  const resources = routes
    .filter((r) => r.credential === credential && r.roles.includes(caller.role))
    .map((r) => routeArn(methodArn, r));
  return {
    principalId: caller.principalId,
    policyDocument: policy('Allow', resources),
    context: { role: caller.role },
  };
}

function deny(methodArn: string, principalId = 'anonymous'): APIGatewayAuthorizerResult {
  return { principalId, policyDocument: policy('Deny', [routeArn(methodArn, { method: '*', path: '/*' })]) };
}

function policy(effect: 'Allow' | 'Deny', resources: string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resources }],
  };
}

/** A header, by its name in any case (API Gateway passes them as the client sent them). */
function header(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name);
  return found?.[1] || undefined;
}

/**
 * A verifier of the user pool's access tokens for its app client (aws-jwt-verify), which fetches
 * and caches the pool's JWKS on first use.
 *
 * @example
 * ```ts
 * const verifyToken = cognitoTokenVerifier({ userPoolId: 'eu-central-1_abc', clientId: '1example' });
 * ```
 */
export function cognitoTokenVerifier(options: {
  userPoolId: string;
  /** The app clients whose access tokens are accepted (the CLI's, the console's). */
  clientId: string | string[];
  /** Test hook: the pool's JWKS, instead of fetching it. */
  jwks?: Parameters<ReturnType<typeof CognitoJwtVerifier.create>['cacheJwks']>[0];
}): (jwt: string) => Promise<TokenClaims> {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    clientId: options.clientId,
    tokenUse: 'access',
  });
  if (options.jwks) verifier.cacheJwks(options.jwks);
  return async (jwt) => {
    const payload = await verifier.verify(jwt);
    const groups = payload['cognito:groups'];
    return { username: String(payload.username), groups: Array.isArray(groups) ? groups : [] };
  };
}

/**
 * The authorizer's dependencies from its environment: `VIGIL_AUTH_ROUTES` (JSON of
 * {@link authRoutes}), `VIGIL_USER_POOL_ID` and `VIGIL_USER_POOL_CLIENT_ID` (the app clients,
 * comma-separated: the CLI's and the console's).
 *
 * @throws naming the variable that is missing or not valid.
 *
 * @example
 * ```ts
 * const deps = once(authorizerDepsFromEnv);
 * export const handler = async (event) => authorize(event, await deps());
 * ```
 */
export function authorizerDepsFromEnv(env: Environment = process.env): AuthorizerDeps {
  const userPoolId = readEnv(ENV.userPoolId, { env, required: true });
  const clientIds = readEnv(ENV.userPoolClientId, { env, required: true })
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const routes = readJsonEnv(ENV.authRoutes, env);
  const valid =
    Array.isArray(routes) &&
    routes.every(
      (r: Partial<AuthRoute>) =>
        typeof r.method === 'string' &&
        typeof r.path === 'string' &&
        (r.credential === 'api-key' || r.credential === 'token') &&
        Array.isArray(r.roles),
    );
  if (!valid) throw new Error(`authorizer: ${ENV.authRoutes}: expected the JSON of authRoutes()`);
  return {
    routes: routes as AuthRoute[],
    verifyToken: cognitoTokenVerifier({ userPoolId, clientId: clientIds }),
  };
}
