/**
 * The local stack's HTTP gateway: what API Gateway (REST, Lambda proxy integration) does in
 * AWS, on a free loopback port. It finds the route of a request in the route table
 * (`src/api/routes.ts`), checks the bearer token, turns the request into an
 * `APIGatewayProxyEvent`, invokes the SAME handler module that the route's Lambda runs
 * (`functions/<name>.ts`, imported on its first request: a cold start) and answers with
 * what it returned.
 *
 * Authentication stands in for the REST API's Lambda authorizer (see `src/api/roles.ts`):
 * one random bearer token per role, made anew on every start; a known token becomes
 * `requestContext.authorizer = { principalId: 'local:<role>', role }`. A missing or unknown
 * token is answered 401 here, before the route is looked up (so that a caller without a
 * credential cannot tell existing routes from missing ones), and never reaches a handler;
 * whether the role may call the route is the handler's own check (403).
 *
 * Query parameters and headers are handed over as the Lambda runtime would hand them over
 * (own properties of plain objects, as `JSON.parse` makes them): a parameter named
 * `__proto__` or `constructor` is a name like any other, and the handler's schema rejects it.
 *
 * Unlike Lambda, which runs one request at a time per instance and scales out with more
 * instances, the gateway hands concurrent requests to the one module instance of a route.
 * The handlers keep no per-request state in their modules (their dependencies are built once
 * and shared), so their answers are the same; only the Powertools metrics buffer is shared,
 * which is why the local stack turns metrics off.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ApiError, bodyTooLarge, MAX_BODY_BYTES } from '../api/errors.ts';
import { ROLES, type Role } from '../shared/roles.ts';
import { ROUTES, type RouteSpec } from '../api/routes.ts';

/** A route's Lambda handler as the gateway invokes it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  /** The stage (`requestContext.stage`, function names `vigil-<stage>-<function>`). */
  stage: string;
  /** Imports a route's handler module. */
  load: (route: RouteSpec) => Promise<ApiHandler>;
  /** A Lambda context for one invocation of a function. */
  context: (functionName: string) => Context;
}

export interface Gateway {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The bearer token of each role, random per start. */
  tokens: Record<Role, string>;
  server: Server;
}

interface Match {
  route: RouteSpec;
  pathParameters: Record<string, string> | null;
}

/** Each route's path template as a pattern: `/v1/alerts/{id}` matches `/v1/alerts/ev-1` with `id`. */
const PATTERNS = Object.values(ROUTES as Record<string, RouteSpec>).map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, pattern: new RegExp(`^${source}$`) };
});

/**
 * The route of a method and path; `undefined` for an unknown path, 405 (with the methods the
 * path has) when only the method is wrong. Neither answer repeats the caller's path or method.
 */
function match(method: string, path: string): Match | undefined {
  const allowed: string[] = [];
  for (const { route, names, pattern } of PATTERNS) {
    const m = pattern.exec(path);
    if (!m) continue;
    allowed.push(route.method);
    if (route.method !== method) continue;
    const values = names.map((name, i) => [name, decodeParameter(name, m[i + 1]!)] as const);
    return { route, pathParameters: values.length > 0 ? Object.fromEntries(values) : null };
  }
  if (allowed.length > 0) throw new MethodNotAllowed(allowed);
  return undefined;
}

class MethodNotAllowed extends ApiError {
  constructor(readonly allowed: readonly string[]) {
    super(405, 'METHOD_NOT_ALLOWED', '(method): not allowed on this path', '(method)');
  }
}

/**
 * The request target as a URL, dot segments resolved. Always a path on this host: `//x` is a
 * path here, not another host (as `new URL('//x', base)` would take it).
 */
function requestUrl(target: string): URL {
  try {
    return new URL(`http://127.0.0.1${target.startsWith('/') ? '' : '/'}${target}`);
  } catch {
    throw new ApiError(400, 'INVALID_REQUEST', '(path): not a valid request target', '(path)');
  }
}

function decodeParameter(name: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, 'INVALID_REQUEST', `${name}: not a valid URL-encoded path segment`, name);
  }
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw bodyTooLarge();
    chunks.push(chunk);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, headers: Record<string, unknown>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (err instanceof MethodNotAllowed) headers.allow = err.allowed.join(', ');
  send(res, err.status, headers, JSON.stringify(err.body));
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

/**
 * Starts the gateway on a free loopback port with fresh random tokens.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ stage: 'local', load, context });
 * await fetch(`${gateway.url}/v1/health`, { headers: { authorization: `Bearer ${gateway.tokens.admin}` } });
 * ```
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const tokens = Object.fromEntries(
    ROLES.map((role) => [role, randomBytes(24).toString('base64url')]),
  ) as Record<Role, string>;
  const roleOf = new Map(ROLES.map((role) => [tokens[role], role]));
  const handlers = new Map<RouteSpec, Promise<ApiHandler>>();

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const role = token === undefined ? undefined : roleOf.get(token);
    if (!role) {
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        'Authorization: missing or unknown bearer token',
        'Authorization',
      );
    }
    const url = requestUrl(req.url ?? '/');
    const found = match(method, url.pathname);
    if (!found) throw new ApiError(404, 'NOT_FOUND', '(path): no such route', '(path)');
    const body = await readBody(req);

    const { route, pathParameters } = found;
    const headerMaps = valueMaps(
      Object.entries(req.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined),
    );
    const headers = headerMaps?.single ?? {};
    const query = valueMaps(url.searchParams);
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const requestId = randomUUID();
    const functionName = `vigil-${options.stage}-${route.function}`;
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: headerMaps?.multi ?? {},
      queryStringParameters: query?.single ?? null,
      multiValueQueryStringParameters: query?.multi ?? null,
      pathParameters,
      stageVariables: null,
      body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        // What the REST API's Lambda authorizer would hand over (src/api/roles.ts).
        authorizer: { principalId: `local:${role}`, role, integrationLatency: 0 },
        protocol: 'HTTP/1.1',
        httpMethod: method,
        identity: {
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
          userAgent: headers['user-agent'] ?? null,
          userArn: null,
        },
        path: `/${options.stage}${url.pathname}`,
        stage: options.stage,
        requestId,
        requestTime: new Date(started).toUTCString(),
        requestTimeEpoch: started,
        resourceId: route.function,
        resourcePath: route.path,
      },
    };
    let handler = handlers.get(route);
    if (!handler) handlers.set(route, (handler = options.load(route)));
    try {
      const result = await (await handler)(event, options.context(functionName));
      send(res, result.statusCode, { ...result.headers, 'x-amzn-requestid': requestId }, result.body);
    } catch {
      // What API Gateway answers when the integration fails (the function's own log has the error).
      sendError(res, new ApiError(502, 'INTERNAL', 'the function failed'));
    }
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      sendError(res, err instanceof ApiError ? err : new ApiError(500, 'INTERNAL', 'gateway error'));
    });
  });
  // What is not even HTTP gets the JSON error shape too, not Node's bare 400
  // (https://nodejs.org/api/http.html#event-clienterror).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const body = JSON.stringify(new ApiError(400, 'INVALID_REQUEST', '(request): not valid HTTP').body);
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, server };
}
