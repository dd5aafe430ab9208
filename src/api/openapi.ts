import * as z from 'zod';
import { BASE_RULESET_VERSION } from '../rules/config.ts';
import { ROUTES, type RouteSpec } from './routes.ts';
import { ErrorSchema } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as the JSON Schema (2020-12, OpenAPI 3.1's dialect) of a request or an answer.
 *
 * @example
 * ```ts
 * jsonSchemaOf(DisposeBodySchema, 'input'); // { type: 'object', properties: { verdict: …, note: … }, … }
 * ```
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema; // the document's dialect is OpenAPI 3.1's
  return json;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request: the field and the problem (an unknown parameter, or a cursor this listing did not hand out for this filter, included)',
  401: 'Missing or unknown credential (answered before the route is looked up)',
  403: 'The caller’s role may not call this route',
  404: 'No such alert',
  409: 'The alert is closed already',
  413: 'The body is larger than 1 MiB',
  415: 'A body whose Content-Type is not application/json',
};

/**
 * What every route may answer besides its own errors: an unknown query parameter, the
 * credential, the role, the body's size and type.
 */
export const COMMON_ERRORS = [400, 401, 403, 413, 415] as const;

/** Every error status of a route, in order. */
export const errorStatuses = (route: RouteSpec): number[] =>
  [...new Set([...route.errors, ...COMMON_ERRORS])].sort((a, b) => a - b);

function parameters(route: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['query', route.query],
    ['path', route.params],
  ] as const) {
    if (!schema) continue;
    const json = jsonSchemaOf(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      });
    }
  }
  return out;
}

function operation(id: string, route: RouteSpec): JsonSchema {
  const errors = Object.fromEntries(
    errorStatuses(route).map((status) => [
      String(status),
      {
        description: STATUS_TEXT[status],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
  return {
    operationId: id,
    summary: route.summary,
    'x-roles': route.roles,
    security: [{ bearer: [] }],
    ...(route.query || route.params ? { parameters: parameters(route) } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: jsonSchemaOf(route.response, 'output') } },
      },
      ...errors,
    },
  };
}

/**
 * The OpenAPI 3.1 document of every route, generated from the route table and the same zod
 * schemas the handlers parse with. `x-roles` lists the roles a route allows.
 *
 * @example
 * ```ts
 * const doc = openApiDocument();
 * doc.paths['/v1/score'].post.requestBody; // the order event of contract v1
 * ```
 */
export function openApiDocument(): {
  openapi: string;
  paths: Record<string, Record<string, JsonSchema>>;
} & JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [id, route] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(id, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil',
      version: BASE_RULESET_VERSION,
      description:
        'Fraud and access-anomaly detection: the score endpoint (order flow), the alerts API (analysts) and the audit trail (admin). Every route takes a bearer credential whose role must be one of the route’s `x-roles`; a request without one is answered 401 whatever its path. Unknown query parameters are refused (400 naming the parameter). Bodies are JSON (`Content-Type: application/json`, UTF-8) of at most 1 MiB. Cursors are opaque: pass a listing’s `cursor` back to the same listing with the same filter. Errors never quote a value of the request.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(ErrorSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
