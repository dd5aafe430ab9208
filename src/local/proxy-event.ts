/**
 * What API Gateway (REST, Lambda proxy integration) hands a route's function: the request as an
 * `APIGatewayProxyEvent`, and the caller as the Lambda authorizer would name it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 *
 * Query parameters and headers are handed over as the Lambda runtime would hand them over
 * (own properties of plain objects, as `JSON.parse` makes them): a parameter named
 * `__proto__` or `constructor` is a name like any other, and the handler's schema rejects it.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError, bodyTooLarge, MAX_BODY_BYTES } from '../api/errors.ts';
import type { RouteSpec } from '../api/routes.ts';
import type { Role } from '../shared/roles.ts';

/** One request to a route, as the gateway read it. */
export interface ProxyRequest {
  method: string;
  url: URL;
  /** From {@link pathParameters}. */
  pathParameters: Record<string, string> | null;
  headers: IncomingHttpHeaders;
  body: string | null;
  sourceIp: string;
  /** The caller's role, from its bearer token. */
  role: Role;
  requestId: string;
  /** When the request arrived, ms since the epoch. */
  receivedAt: number;
}

/**
 * The body of a request, at most {@link MAX_BODY_BYTES} (413 beyond); `null` for none.
 *
 * Read from Node's request, not the Fetch `Request` Hono hands over: a Fetch request has no body
 * on a GET (https://fetch.spec.whatwg.org/#dom-request), and API Gateway passes the body of any
 * method on to the function, whose own checks (413, 415) then answer it.
 */
export async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw bodyTooLarge();
    chunks.push(chunk);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

function decodeParameter(name: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, 'INVALID_REQUEST', `${name}: not a valid URL-encoded path segment`, name);
  }
}

/**
 * The path parameters of a path that matched the route's template (`/v1/alerts/{id}` and
 * `/v1/alerts/ev-1`: `{ id: 'ev-1' }`), decoded; a segment that is not valid URL encoding is a
 * 400 naming the parameter. Each parameter is one whole segment, so segments line up.
 */
export function pathParameters(template: string, pathname: string): Record<string, string> | null {
  const segments = pathname.split('/');
  const values = template.split('/').flatMap((part, i) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    return name === undefined ? [] : [[name, decodeParameter(name, segments[i] ?? '')] as const];
  });
  return values.length > 0 ? Object.fromEntries(values) : null;
}

/**
 * Name → values in the order given, as the proxy event's single- and multi-value maps (the
 * last value wins in the single-value one, as in API Gateway). Built with `Object.fromEntries`:
 * every name becomes an own property, `__proto__` included, and none reaches a prototype.
 */
function valueMaps(
  pairs: Iterable<readonly [string, string | readonly string[]]>,
): { single: Record<string, string>; multi: Record<string, string[]> } | null {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = byName.get(name) ?? [];
    values.push(...(typeof value === 'string' ? [value] : value));
    byName.set(name, values);
  }
  if (byName.size === 0) return null;
  return {
    single: Object.fromEntries([...byName].map(([name, values]) => [name, values.at(-1)!])),
    multi: Object.fromEntries(byName),
  };
}

/** The identity of a caller without IAM or Cognito credentials: only its address and user agent. */
function identityOf(
  sourceIp: string,
  userAgent: string | null,
): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

/**
 * The proxy event of one request to `route` on `stage`.
 *
 * @example
 * ```ts
 * const event = proxyEvent(ROUTES.getHealth, 'local', request);
 * event.requestContext.authorizer; // { principalId: 'local:admin', role: 'admin', integrationLatency: 0 }
 * ```
 */
export function proxyEvent(route: RouteSpec, stage: string, request: ProxyRequest): APIGatewayProxyEvent {
  const { method, url, role } = request;
  const headerMaps = valueMaps(
    Object.entries(request.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined),
  );
  const headers = headerMaps?.single ?? {};
  const query = valueMaps(url.searchParams);
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders: headerMaps?.multi ?? {},
    queryStringParameters: query?.single ?? null,
    multiValueQueryStringParameters: query?.multi ?? null,
    pathParameters: request.pathParameters,
    stageVariables: null,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      // What the REST API's Lambda authorizer would hand over (src/api/roles.ts).
      authorizer: { principalId: `local:${role}`, role, integrationLatency: 0 },
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: identityOf(request.sourceIp, headers['user-agent'] ?? null),
      path: `/${stage}${url.pathname}`,
      stage,
      requestId: request.requestId,
      requestTime: new Date(request.receivedAt).toUTCString(),
      requestTimeEpoch: request.receivedAt,
      resourceId: route.function,
      resourcePath: route.path,
    },
  };
}
