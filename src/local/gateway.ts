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
 * token is answered 401 here and never reaches a handler; whether the role may call the
 * route is the handler's own check (403).
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
import { ApiError, type ErrorCode } from '../api/errors.ts';
import { ROLES, type Role } from '../api/roles.ts';
import { ROUTES, type RouteSpec } from '../api/routes.ts';

/** A route's Lambda handler as the gateway invokes it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's default payload limit is 10 MB; the APIs take events of a few kB. */
const MAX_BODY_BYTES = 1024 * 1024;

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

/** The route of a method and path; `undefined` for an unknown path, 405 when only the method is wrong. */
function match(method: string, path: string): Match | undefined {
  let pathKnown = false;
  for (const { route, names, pattern } of PATTERNS) {
    const m = pattern.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (route.method !== method) continue;
    const values = names.map((name, i) => [name, decodeParameter(name, m[i + 1]!)] as const);
    return { route, pathParameters: values.length > 0 ? Object.fromEntries(values) : null };
  }
  if (pathKnown) throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} ${path}: method not allowed`);
  return undefined;
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
    if (size > MAX_BODY_BYTES)
      throw new ApiError(400, 'INVALID_REQUEST', '(body): larger than 1 MiB', '(body)');
    chunks.push(chunk);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, headers: Record<string, unknown>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  send(res, status, { 'content-type': 'application/json' }, JSON.stringify({ error: { code, message } }));
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
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const found = match(method, url.pathname);
    if (!found) return sendError(res, 404, 'NOT_FOUND', `${url.pathname}: no such route`);
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const role = token === undefined ? undefined : roleOf.get(token);
    if (!role) return sendError(res, 401, 'UNAUTHORIZED', 'Authorization: missing or unknown bearer token');
    const body = await readBody(req);

    const { route, pathParameters } = found;
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      headers[name] = values.at(-1)!;
      multiValueHeaders[name] = values;
    }
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) {
      query[name] = value;
      (multiQuery[name] ??= []).push(value);
    }
    const hasQuery = Object.keys(query).length > 0;
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const requestId = randomUUID();
    const functionName = `vigil-${options.stage}-${route.function}`;
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: hasQuery ? query : null,
      multiValueQueryStringParameters: hasQuery ? multiQuery : null,
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
      sendError(res, 502, 'INTERNAL', 'the function failed');
    }
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) sendError(res, err.status, err.code, err.message);
      else if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'gateway error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, server };
}
