/**
 * The local stack's HTTP gateway: what API Gateway (REST, Lambda proxy integration) does in
 * AWS, on a free loopback port. A Hono app (https://hono.dev) routes each request by the route
 * table (`src/api/routes.ts`), after the bearer token is checked; the request becomes an
 * `APIGatewayProxyEvent` (`proxy-event.ts`) for the SAME handler module that the route's Lambda
 * runs (`functions/<name>.ts`, imported on its first request: a cold start), and its result is
 * the answer. `@hono/node-server` serves the app on Node's HTTP server. Where the gateway departs
 * from Hono's defaults to stay what API Gateway does: docs/adr/0007-local-emulation-by-hand.md.
 *
 * Authentication stands in for the REST API's Lambda authorizer (see `src/api/roles.ts`):
 * one random bearer token per role, made anew on every start; a known token becomes
 * `requestContext.authorizer = { principalId: 'local:<role>', role }`. A missing or unknown
 * token is answered 401 here, before the route is looked up (so that a caller without a
 * credential cannot tell existing routes from missing ones), and never reaches a handler;
 * whether the role may call the route is the handler's own check (403). The analyst console's
 * static files (`/console/`, `console-files.ts`) are the one thing served without a token.
 *
 * Unlike Lambda, which runs one request at a time per instance and scales out with more
 * instances, the gateway hands concurrent requests to the one module instance of a route.
 * The handlers keep no per-request state in their modules (their dependencies are built once
 * and shared), so their answers are the same; only the Powertools metrics buffer is shared,
 * which is why the local stack turns metrics off.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener, type HttpBindings, RequestError } from '@hono/node-server';
import { Hono, type Context as HonoContext, type MiddlewareHandler } from 'hono';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ApiError } from '../api/errors.ts';
import { ROLES, type Role } from '../shared/roles.ts';
import { ROUTES, type RouteSpec } from '../api/routes.ts';
import { consoleRoutes } from './console-files.ts';
import { pathParameters, proxyEvent, readBody } from './proxy-event.ts';

/** A route's Lambda handler as the gateway invokes it. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  /** The stage (`requestContext.stage`, function names `vigil-<stage>-<function>`). */
  stage: string;
  /** Imports a route's handler module. */
  load: (route: RouteSpec) => Promise<ApiHandler>;
  /** A Lambda context for one invocation of a function. */
  context: (functionName: string) => Context;
  /** The built analyst console, served at `/console/` (`console-files.ts`). Default: none. */
  consoleDir?: string;
}

export interface Gateway {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The bearer token of each role, random per start. */
  tokens: Record<Role, string>;
  server: Server;
}

/** The app's bindings (Node's request) and what its middleware hands on. */
interface GatewayEnv {
  Bindings: HttpBindings;
  Variables: {
    role: Role;
    /** The methods of the routes whose path matched but whose method did not. */
    allowed: string[];
  };
}

class MethodNotAllowed extends ApiError {
  constructor(readonly allowed: readonly string[]) {
    super(405, 'METHOD_NOT_ALLOWED', '(method): not allowed on this path', '(method)');
  }
}

/** An error as its JSON answer; neither answer repeats the caller's path or method. */
function errorResponse(err: ApiError): Response {
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  if (err instanceof MethodNotAllowed) headers.set('allow', err.allowed.join(', '));
  return new Response(JSON.stringify(err.body), { status: err.status, headers });
}

/** 401 for a missing or unknown bearer token, on every request, before any route is looked up. */
const authenticate =
  (roleOf: ReadonlyMap<string, Role>): MiddlewareHandler<GatewayEnv> =>
  async (c, next) => {
    const token = /^Bearer (\S+)$/i.exec(c.env.incoming.headers.authorization ?? '')?.[1];
    const role = token === undefined ? undefined : roleOf.get(token);
    if (!role) {
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        'Authorization: missing or unknown bearer token',
        'Authorization',
      );
    }
    c.set('role', role);
    await next();
  };

/** Each route's handler, imported once, on its first request. */
function handlerCache(load: GatewayOptions['load']): (route: RouteSpec) => Promise<ApiHandler> {
  const handlers = new Map<RouteSpec, Promise<ApiHandler>>();
  return (route) => {
    let handler = handlers.get(route);
    if (!handler) handlers.set(route, (handler = load(route)));
    return handler;
  };
}

/** Invokes the route's function with the request's proxy event and answers with its result. */
async function invoke(
  c: HonoContext<GatewayEnv>,
  route: RouteSpec,
  options: GatewayOptions,
  handlerOf: (route: RouteSpec) => Promise<ApiHandler>,
): Promise<Response> {
  const receivedAt = Date.now();
  const url = new URL(c.req.url);
  const params = pathParameters(route.path, url.pathname);
  const { incoming } = c.env;
  const event = proxyEvent(route, options.stage, {
    method: route.method,
    url,
    pathParameters: params,
    headers: incoming.headers,
    body: await readBody(incoming),
    sourceIp: (incoming.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    role: c.get('role'),
    requestId: randomUUID(),
    receivedAt,
  });
  const context = options.context(`vigil-${options.stage}-${route.function}`);
  try {
    const result = await (await handlerOf(route))(event, context);
    const headers = new Headers(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    headers.set('x-amzn-requestid', event.requestContext.requestId);
    return new Response(result.body, { status: result.statusCode, headers });
  } catch {
    // What API Gateway answers when the integration fails (the function's own log has the error).
    return errorResponse(new ApiError(502, 'INTERNAL', 'the function failed'));
  }
}

/**
 * The Hono app: authentication, then one handler per route of the table. Each is registered for
 * every method (`all`) and serves only its own; for another it notes its method and hands on, so
 * that a path whose routes all have other methods ends in the not-found handler with the methods
 * it has (405 with `Allow`), and a path no route has, with none (404). `all` also keeps a HEAD
 * from being served as a GET, Hono's default (https://hono.dev/docs/api/routing).
 */
function gatewayApp(options: GatewayOptions, roleOf: ReadonlyMap<string, Role>): Hono<GatewayEnv> {
  // The path as sent, not decoded (Hono's default): `%61lerts` is not `alerts`, and each path
  // parameter is decoded once, by `pathParameters`, which answers 400 for bad encoding.
  const app = new Hono<GatewayEnv>({ getPath: (request) => new URL(request.url).pathname });
  const handlerOf = handlerCache(options.load);
  // The console's pages are public; registered first, they answer before authentication runs.
  if (options.consoleDir) app.route('/', consoleRoutes<GatewayEnv>(options.consoleDir));
  app.use(authenticate(roleOf));
  for (const route of Object.values(ROUTES) as RouteSpec[]) {
    app.all(route.path.replace(/\{(\w+)\}/g, ':$1'), async (c, next) => {
      if (c.req.method === route.method) return invoke(c, route, options, handlerOf);
      c.set('allowed', [...(c.get('allowed') ?? []), route.method]);
      await next();
    });
  }
  app.notFound((c) => {
    const allowed = c.get('allowed') ?? [];
    return errorResponse(
      allowed.length > 0
        ? new MethodNotAllowed(allowed)
        : new ApiError(404, 'NOT_FOUND', '(path): no such route', '(path)'),
    );
  });
  app.onError((err) =>
    errorResponse(err instanceof ApiError ? err : new ApiError(500, 'INTERNAL', 'gateway error')),
  );
  return app;
}

/**
 * A request Node parsed but whose target is not a path on this host (`@hono/node-server`
 * raises a `RequestError`): the JSON error shape, as for any other bad request.
 */
function requestErrorResponse(err: unknown): Response {
  return errorResponse(
    err instanceof RequestError
      ? new ApiError(400, 'INVALID_REQUEST', '(path): not a valid request target', '(path)')
      : new ApiError(500, 'INTERNAL', 'gateway error'),
  );
}

/**
 * What is not even HTTP gets the JSON error shape too, not Node's bare 400
 * (https://nodejs.org/api/http.html#event-clienterror).
 */
function answerNotHttp(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const body = JSON.stringify(new ApiError(400, 'INVALID_REQUEST', '(request): not valid HTTP').body);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
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
  const app = gatewayApp(options, new Map(ROLES.map((role) => [tokens[role], role])));
  const listener = getRequestListener(app.fetch, {
    hostname: '127.0.0.1',
    errorHandler: requestErrorResponse,
  });
  const server = createServer(listener);
  server.on('clientError', answerNotHttp);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, server };
}
