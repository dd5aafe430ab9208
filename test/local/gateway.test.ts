/**
 * The local gateway on its own: recording handlers stand in for the route's functions, so that
 * each test sees the proxy event the gateway made, or that no handler was called at all. The
 * real handlers behind it are tested over HTTP in test/api/.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../src/api/routes.ts';
import { type Gateway, startGateway } from '../../src/local/gateway.ts';
import { aLambdaContext } from '../api/support.ts';
import { rawRequest } from '../support/raw-http.ts';

let gateway: Gateway;
/** What the handlers were called with, and how often each route's module was loaded. */
const events: APIGatewayProxyEvent[] = [];
const loads: string[] = [];
let answer: () => Promise<APIGatewayProxyResult>;

const ok = async (): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"ok":true}',
});

beforeAll(async () => {
  gateway = await startGateway({
    stage: 'gw',
    load: async (route: RouteSpec) => {
      loads.push(route.function);
      return async (event) => {
        events.push(event);
        return answer();
      };
    },
    context: aLambdaContext,
  });
});
beforeEach(() => {
  events.length = 0;
  answer = ok;
});
afterAll(async () => {
  gateway.server.closeAllConnections();
  await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
});

const as = (role: keyof Gateway['tokens']) => ({ authorization: `Bearer ${gateway.tokens[role]}` });

describe('startGateway', () => {
  it("hands the route's function the proxy event API Gateway would, and answers with its result", async () => {
    // Act
    const answered = await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/alerts/ev%2D1?status=open&status=closed',
      headers: { ...as('analyst'), 'user-agent': 'probe/1' },
    });

    // Assess
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toEqual({ ok: true });
    const [event] = events;
    expect(event).toMatchObject({
      resource: '/v1/alerts/{id}',
      path: '/v1/alerts/ev%2D1',
      httpMethod: 'GET',
      pathParameters: { id: 'ev-1' },
      queryStringParameters: { status: 'closed' },
      multiValueQueryStringParameters: { status: ['open', 'closed'] },
      body: null,
      requestContext: {
        stage: 'gw',
        resourcePath: '/v1/alerts/{id}',
        authorizer: { principalId: 'local:analyst', role: 'analyst' },
        identity: { sourceIp: '127.0.0.1', userAgent: 'probe/1' },
      },
    });
    expect(answered.headers['x-amzn-requestid']).toBe(event!.requestContext.requestId);
  });

  it('imports a route’s module once, on its first request', async () => {
    // Act
    for (let i = 0; i < 3; i++)
      await rawRequest(gateway.url, { method: 'GET', target: '/openapi.json', headers: as('admin') });

    // Assess
    expect(loads.filter((name) => name === 'get-openapi')).toEqual(['get-openapi']);
  });

  it('hands over a parameter named __proto__ as an own property, reaching no prototype', async () => {
    // Act
    await rawRequest(gateway.url, { method: 'GET', target: '/v1/health?__proto__=x', headers: as('admin') });

    // Assess
    const query = events[0]!.queryStringParameters!;
    expect(Object.keys(query)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('hands over the body of a GET, as API Gateway does', async () => {
    // Act
    await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/health',
      headers: { ...as('admin'), 'content-type': 'text/plain' },
      body: 'hello',
    });

    // Assess
    expect(events[0]!.body).toBe('hello');
  });

  it('answers 405 with every method the path has, HEAD included, and calls nothing', async () => {
    // Act
    const objections = await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/subjects/objections',
      headers: as('admin'),
    });
    const head = await rawRequest(gateway.url, {
      method: 'HEAD',
      target: '/v1/health',
      headers: as('admin'),
    });

    // Assess
    expect([objections.status, head.status]).toEqual([405, 405]);
    expect(objections.headers.allow).toBe('POST, DELETE');
    expect(head.headers.allow).toBe('GET');
    expect(events).toEqual([]);
  });

  it('routes the path as sent: an encoded letter is not the letter', async () => {
    // Act
    const answered = await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/%61lerts',
      headers: as('admin'),
    });

    // Assess
    expect(answered.status).toBe(404);
    expect(events).toEqual([]);
  });

  it('answers 400 naming a path parameter that is not valid URL encoding', async () => {
    // Act
    const answered = await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/alerts/%E0%A4%A',
      headers: as('analyst'),
    });

    // Assess
    expect(answered.status).toBe(400);
    expect(JSON.parse(answered.text)).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'id: not a valid URL-encoded path segment', field: 'id' },
    });
    expect(events).toEqual([]);
  });

  it('answers 502 without detail when the function fails', async () => {
    // Prepare
    answer = () => Promise.reject(new Error('table vigil-gw-alerts not found'));

    // Act
    const answered = await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/health',
      headers: as('admin'),
    });

    // Assess
    expect(answered.status).toBe(502);
    expect(JSON.parse(answered.text)).toEqual({
      error: { code: 'INTERNAL', message: 'the function failed' },
    });
  });

  it('answers 401 to an unknown token and calls nothing', async () => {
    // Act
    const answered = await rawRequest(gateway.url, {
      method: 'GET',
      target: '/v1/health',
      headers: { authorization: 'Bearer not-a-token' },
    });

    // Assess
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.text)).toMatchObject({
      error: { code: 'UNAUTHORIZED', field: 'Authorization' },
    });
    expect(events).toEqual([]);
  });
});
