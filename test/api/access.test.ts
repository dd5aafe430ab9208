import './quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStatuses, jsonSchemaOf, openApiDocument } from '../../src/api/openapi.ts';
import { ROLES, type Role } from '../../src/shared/roles.ts';
import { ROUTES, type RouteId, type RouteSpec } from '../../src/api/routes.ts';
import { aRecentOrder } from '../factories/api.ts';
import { type ApiHarness, startApi } from './support.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

/** A well-formed request per route, and what an allowed caller gets for it. */
const REQUESTS: Record<RouteId, { path?: string; body?: unknown; status: number }> = {
  scoreOrder: { body: aRecentOrder(), status: 200 },
  listAlerts: { status: 200 },
  getAlert: { path: '/v1/alerts/no-such-alert', status: 404 },
  disposeAlert: { path: '/v1/alerts/no-such-alert/disposition', body: { verdict: 'fraud' }, status: 404 },
  getRuleStats: { status: 200 },
  listAudit: { status: 200 },
  listEntries: { status: 200 },
  addEntry: {
    body: {
      list: 'deny',
      kind: 'ip',
      value: '203.0.113.9',
      reason: 'access test',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
    status: 200,
  },
  removeEntry: { path: '/v1/lists/entries/deny.ip.v1:AAAAAAAAAAAAAAAAAAAAAA', status: 404 },
  objectToProfiling: { body: { customerId: 'C9000001', scope: 'profiling' }, status: 200 },
  getRightsRequest: { path: '/v1/privacy/requests/6f1c2a9e-0b7d-4e57-9a51-3d2f0c8e4b10', status: 404 },
  exportSubject: { path: '/v1/subjects/C9000001/export', status: 200 },
  restrictSubject: { path: '/v1/subjects/C9000001/restriction', status: 200 },
  liftRestriction: { path: '/v1/subjects/C9000001/restriction', status: 200 },
  eraseSubject: { path: '/v1/subjects/C9000001', status: 200 },
  getOpenApi: { status: 200 },
  getHealth: { status: 200 },
};

const routes = Object.entries(ROUTES) as [RouteId, RouteSpec][];
type Caller = Role | 'no token' | 'unknown token';
const matrix = routes.flatMap(([id, route]) =>
  [...ROLES, 'no token' as const, 'unknown token' as const].map((caller: Caller) => {
    const expected =
      caller === 'no token' || caller === 'unknown token'
        ? 401
        : route.roles.includes(caller as Role)
          ? REQUESTS[id].status
          : 403;
    return [`${route.method} ${route.path}`, caller, expected, id] as const;
  }),
);

describe('access control: every route × every role, no token and an unknown token', () => {
  it.each(matrix)('%s as %s: %i', async (_, caller, expected, id) => {
    // Prepare
    const request = REQUESTS[id];
    const who =
      caller === 'no token'
        ? {}
        : caller === 'unknown token'
          ? { token: 'not-a-token-of-this-stack' }
          : { as: caller };

    // Act
    const answer = await api.call(id, { ...who, ...request });

    // Assess
    expect(answer.status).toBe(expected);
    if (expected === 401) expect(answer.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
    if (expected === 403) expect(answer.body.error).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    // Act
    const unknown = await fetch(`${api.gateway.url}/v1/nothing`, {
      headers: { authorization: `Bearer ${api.gateway.tokens.admin}` },
    });
    const wrongMethod = await fetch(`${api.gateway.url}/v1/score`, {
      headers: { authorization: `Bearer ${api.gateway.tokens['order-flow']}` },
    });

    // Assess
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('answers 400 for a path parameter that is not valid URL encoding', async () => {
    // Act
    const answer = await api.call('getAlert', { as: 'analyst', path: '/v1/alerts/%E0%A4%A' });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^id: /) },
    });
  });
});

describe('GET /openapi.json', () => {
  it('serves the document generated from the route table', async () => {
    // Act
    const answer = await api.call('getOpenApi', { as: 'analyst' });

    // Assess
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(answer.body.openapi).toBe('3.1.0');
  });

  it.each(routes)("describes %s with the handler's own schemas, roles and errors", async (id, route) => {
    // Prepare
    const doc = openApiDocument();

    // Act
    const operation = doc.paths[route.path]?.[route.method.toLowerCase()] as Record<string, unknown> & {
      parameters?: { name: string; in: string }[];
      requestBody?: { content: { 'application/json': { schema: unknown } } };
      responses: Record<string, { content: { 'application/json': { schema: unknown } } }>;
    };
    const handlerModule = (await import(`../../functions/${route.function}.ts`)) as { handler?: unknown };

    // Assess
    expect(operation).toMatchObject({ operationId: id, 'x-roles': [...route.roles] });
    expect(typeof handlerModule.handler).toBe('function');
    expect(operation.responses['200']!.content['application/json'].schema).toEqual(
      jsonSchemaOf(route.response, 'output'),
    );
    expect(Object.keys(operation.responses).sort()).toEqual(
      ['200', ...errorStatuses(route).map(String)].sort(),
    );
    expect(operation.requestBody?.content['application/json'].schema).toEqual(
      route.body ? jsonSchemaOf(route.body, 'input') : undefined,
    );
    const names = (where: string) =>
      (operation.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
    expect(names('query')).toEqual(Object.keys(route.query?.shape ?? {}));
    expect(names('path')).toEqual(Object.keys(route.params?.shape ?? {}));
  });

  it("documents the score request as the contract's order event", () => {
    // Act
    const body = openApiDocument().paths['/v1/score']!.post!.requestBody as {
      content: {
        'application/json': { schema: { required: string[]; properties: Record<string, unknown> } };
      };
    };

    // Assess
    const schema = body.content['application/json'].schema;
    expect(schema.required).toEqual(
      expect.arrayContaining(['schemaVersion', 'eventId', 'type', 'occurredAt', 'ip', 'customerId', 'order']),
    );
    expect(schema.properties.type).toEqual({ type: 'string', const: 'order' });
  });
});
