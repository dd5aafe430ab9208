import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ParseError } from '@aws-lambda-powertools/parser';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { AlertNotFoundError, AlreadyDisposedError, InvalidCursorError } from '../shared/ports/alerts.ts';
import { ENV, POWERTOOLS_ENV, readEnv } from '../shared/env.ts';
import { logger, metrics } from '../shared/observability.ts';
import { InvalidAuditCursorError } from '../shared/ports/audit.ts';
import { InvalidListCursorError } from '../shared/ports/entity-lists.ts';
import { invalidCursor } from './cursors.ts';
import { ApiError, bodyTooLarge, type Issue, invalidRequest, json, MAX_BODY_BYTES } from './errors.ts';
import { type Caller, CallerSchema, iamCaller } from './roles.ts';
import { ROLES } from '../shared/roles.ts';
import type { RouteSpec } from './routes.ts';

/** What a route's function gets: the caller and the parsed parameters and body. */
export interface ApiRequest<R extends RouteSpec> {
  caller: Caller;
  query: R['query'] extends z.ZodType ? z.output<R['query']> : Record<string, never>;
  params: R['params'] extends z.ZodType ? z.output<R['params']> : Record<string, never>;
  body: R['body'] extends z.ZodType
    ? R['contractBody'] extends true
      ? unknown
      : z.output<R['body']>
    : undefined;
}

/** A JSON body: text that must parse, then the schema. JSON.parse's own message is not passed on (it quotes the input). */
const jsonBody = (schema: z.ZodType) =>
  z
    .string({ error: 'expected a JSON body' })
    .nullable()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text ?? '{}') as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON body' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** Text parameters, absent (API Gateway's `null`) read as none. */
const parameters = (schema: z.ZodObject) => z.preprocess((v) => v ?? {}, schema);

/**
 * The REST API proxy event as far as a route reads it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format).
 * Not Powertools Parser's `APIGatewayProxyEventSchema`: its module imports zod as `{ z }`, which
 * esbuild cannot tree-shake, and brought all of zod and its 260 KB of locales into every API
 * function (1.0 MB bundles, 0.6 MB without), for fields no route reads.
 */
const ProxyEventSchema = z.object({
  httpMethod: z.string(),
  path: z.string(),
  headers: z.record(z.string(), z.string()).nullish(),
  requestContext: z.object({ requestId: z.string(), stage: z.string(), authorizer: CallerSchema }),
});

/**
 * The Powertools Parser schema of a route's whole API Gateway proxy event: the caller in the
 * authorizer context and the route's own query, path and body schemas.
 *
 * @example
 * ```ts
 * const event = requestSchema(ROUTES.listAlerts).parse(apiGatewayEvent);
 * event.queryStringParameters.minScore; // '80'
 * ```
 */
export function requestSchema(route: RouteSpec) {
  return ProxyEventSchema.extend({
    queryStringParameters: parameters(route.query ?? z.object({}).strict()),
    pathParameters: parameters(route.params ?? z.object({}).strict()),
    body: route.contractBody ? jsonBody(z.unknown()) : route.body ? jsonBody(route.body) : z.unknown(),
  });
}

/** 401 without an authorizer context (no credential got through), 403 for a role the route does not allow. */
const authorize = (route: RouteSpec): MiddlewareObj<APIGatewayProxyEvent> => ({
  before: ({ event }) => {
    // AWS_IAM routes have no authorizer: the privacy-service role's signature names the caller (src/api/roles.ts).
    const context = event.requestContext as APIGatewayProxyEvent['requestContext'] | undefined;
    if (context && !(context.authorizer as { role?: unknown } | null | undefined)?.role) {
      const signer = iamCaller(context.identity?.userArn, readEnv(ENV.privacyServiceRoleArn));
      if (signer) context.authorizer = signer;
    }
    const role = (event.requestContext?.authorizer as { role?: unknown } | null | undefined)?.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        'Authorization: missing or unknown credential',
        'Authorization',
      );
    }
    if (!(route.roles as readonly string[]).includes(role)) {
      throw new ApiError(403, 'FORBIDDEN', `role ${role} may not call ${route.method} ${route.path}`);
    }
  },
});

/** `application/json`, with no parameter but an optional UTF-8 charset (RFC 8259 §8.1: JSON is UTF-8). */
const JSON_MEDIA_TYPE = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

/**
 * A header's value whatever its case: API Gateway hands the REST API's headers over as the caller
 * spelt them (`Content-Type`), the local gateway in lower case. Own properties only.
 */
const headerOf = (event: APIGatewayProxyEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/**
 * A body is at most {@link MAX_BODY_BYTES} (413) and declared JSON (415), checked before
 * anything parses it, on every route: a body of another type is never parsed as JSON.
 */
const acceptedBody: MiddlewareObj<APIGatewayProxyEvent> = {
  before: ({ event }) => {
    const body = event.body;
    if (body === null || body === undefined || body === '') return;
    if (Buffer.byteLength(body, event.isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES) {
      throw bodyTooLarge();
    }
    if (!JSON_MEDIA_TYPE.test(headerOf(event, 'content-type') ?? '')) {
      throw new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Content-Type: expected application/json',
        'Content-Type',
      );
    }
  },
};

const ALREADY_CLOSED = 'id: the alert is closed already (its disposition is kept)';

/** An error class a route may throw (its constructor's arguments do not matter here). */
type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The answer to each error a route may throw besides {@link ApiError}, by its class: the
 * parser's issues as 400, and the application's own errors, which know nothing of HTTP.
 */
const ANSWERS: readonly (readonly [ErrorClass, (err: Error) => ApiError])[] = [
  [ParseError, (err) => invalidRequest((err.cause ?? []) as Issue[])],
  [AlertNotFoundError, () => new ApiError(404, 'NOT_FOUND', 'id: no alert with this id', 'id')],
  [AlreadyDisposedError, () => new ApiError(409, 'ALREADY_DISPOSED', ALREADY_CLOSED, 'id')],
  [InvalidCursorError, invalidCursor],
  [InvalidAuditCursorError, invalidCursor],
  [InvalidListCursorError, invalidCursor],
];

/** The {@link ApiError} an error is answered with; undefined for an error no table row knows. */
function apiErrorOf(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const row = ANSWERS.find(([type]) => err instanceof type);
  return row?.[1](err as Error);
}

/**
 * The error answer of anything a route throws; unknown errors are logged and answered 500 without detail.
 *
 * @example
 * ```ts
 * toErrorResponse(new AlertNotFoundError('ev-1')).statusCode; // 404
 * ```
 */
export function toErrorResponse(err: unknown): APIGatewayProxyResult {
  const api = apiErrorOf(err);
  if (api) return json(api.status, api.body);
  logger.error('request failed', { error: err as Error });
  return json(500, new ApiError(500, 'INTERNAL', 'internal error').body);
}

/**
 * Counts the route's requests and its 4xx and 5xx answers (`Requests_score-order`, …, named per
 * route like the consumer's `Decisions_<outcome>`); any error becomes its JSON answer.
 */
const jsonErrors = (route: RouteSpec): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: () => {
    metrics.addMetric(`Requests_${route.function}`, MetricUnit.Count, 1);
  },
  onError: (request) => {
    request.response = toErrorResponse(request.error);
    const kind = request.response.statusCode >= 500 ? 'ServerErrors' : 'ClientErrors';
    metrics.addMetric(`${kind}_${route.function}`, MetricUnit.Count, 1);
  },
});

/**
 * In AWS the console is on its own origin (CloudFront) and calls the API across origins: its
 * answers, errors included, name that one origin as allowed to read them (`VIGIL_CONSOLE_ORIGIN`;
 * API Gateway answers the preflight). Locally the console shares the gateway's origin: no header.
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS
 */
const consoleOrigin: MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  after: (request) => allowConsole(request.response),
  onError: (request) => allowConsole(request.response),
};

function allowConsole(response: APIGatewayProxyResult | null | undefined): void {
  const origin = readEnv(ENV.consoleOrigin);
  if (!origin || !response) return;
  response.headers = { ...response.headers, 'access-control-allow-origin': origin };
}

/**
 * The Lambda handler of one route: Powertools logger and metrics, the role check, the request
 * parsed with the route's schemas (Powertools Parser), `fn`'s answer as JSON 200, and every
 * error as JSON with a stable code.
 *
 * @example
 * ```ts
 * export const handler = apiHandler(ROUTES.getHealth, async () => ({ ok: true }));
 * ```
 */
export function apiHandler<R extends RouteSpec>(
  route: R,
  fn: (request: ApiRequest<R>) => Promise<z.input<R['response']>>,
) {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(injectLambdaContext(logger));
  // With metrics off (POWERTOOLS_METRICS_DISABLED, as the local stack sets it) there is nothing to
  // flush, and the local gateway's concurrent requests would only warn about an empty buffer.
  if (!/^(1|true|yes|on)$/i.test(readEnv(POWERTOOLS_ENV.metricsDisabled) ?? ''))
    handler.use(logMetrics(metrics));
  return handler
    .use(consoleOrigin)
    .use(jsonErrors(route))
    .use(authorize(route))
    .use(acceptedBody)
    .use(parser({ schema: requestSchema(route) }) as unknown as MiddlewareObj<APIGatewayProxyEvent>)
    .handler(async (event) => {
      const parsed = event as unknown as z.output<ReturnType<typeof requestSchema>>;
      const request = {
        caller: parsed.requestContext.authorizer,
        query: parsed.queryStringParameters,
        params: parsed.pathParameters,
        body: parsed.body,
      } as ApiRequest<R>;
      return json(200, await fn(request));
    });
}
