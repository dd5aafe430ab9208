import './quiet.ts';
import { connect } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteId, type RouteSpec } from '../../src/api/routes.ts';
import { rawRequest } from '../support/raw-http.ts';
import { aLambdaContext, type ApiHarness, startApi } from './support.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const routes = Object.entries(ROUTES) as [RouteId, RouteSpec][];
/** A path of the route: its template with `x` for each parameter. */
const pathOf = (route: RouteSpec) => route.path.replace(/\{\w+\}/g, 'x');
const bearer = (route: RouteSpec) => `Bearer ${api.gateway.tokens[route.roles[0]!]}`;

/** A route's handler invoked as Lambda would invoke it, with the proxy event API Gateway would send. */
async function invoke(
  route: RouteSpec,
  headers: Record<string, string>,
  body: string,
): Promise<APIGatewayProxyResult> {
  const { handler } = (await import(`../../functions/${route.function}.ts`)) as {
    handler: (e: APIGatewayProxyEvent, c: unknown) => Promise<APIGatewayProxyResult>;
  };
  const event = {
    resource: route.path,
    path: pathOf(route),
    httpMethod: route.method,
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'req-1',
      stage: 'test',
      authorizer: { principalId: 'test:order-flow', role: route.roles[0] },
    },
  } as unknown as APIGatewayProxyEvent;
  return handler(event, aLambdaContext(route.function));
}

describe('query parameters named like Object.prototype members', () => {
  const cases = routes.flatMap(([id, route]) => PROTOTYPE_NAMES.map((name) => [id, name, route] as const));

  it.each(cases)('%s ?%s=x: 400 naming the parameter', async (_, name, route) => {
    // Act
    const answer = await rawRequest(api.gateway.url, {
      method: route.method,
      target: `${pathOf(route)}?${name}=x`,
      headers: { authorization: bearer(route) },
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: {
        code: 'INVALID_REQUEST',
        field: name,
        message: expect.stringMatching(`^${name}: unknown parameter`),
      },
    });
  });
});

describe('authentication comes first', () => {
  it.each([
    ['an unknown path', 'GET', '/v1/nothing'],
    ['a known path with another method', 'GET', '/v1/score'],
    ['a known route', 'GET', '/v1/alerts'],
  ])('answers 401 for %s without a credential', async (_, method, target) => {
    // Act
    const answer = await rawRequest(api.gateway.url, { method, target });

    // Assess
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('then 404 and 405 (with Allow), neither repeating the path', async () => {
    // Prepare
    const headers = { authorization: `Bearer ${api.gateway.tokens.admin}` };

    // Act
    const missing = await rawRequest(api.gateway.url, { method: 'GET', target: '/v1/C1234567', headers });
    const wrongMethod = await rawRequest(api.gateway.url, {
      method: 'PUT',
      target: '/v1/subjects/C1234567',
      headers,
    });

    // Assess
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('DELETE');
    expect(JSON.parse(wrongMethod.text)).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
    expect(missing.text + wrongMethod.text).not.toContain('C1234567');
  });
});

describe('request targets', () => {
  it('takes //x as a path of this host (404), not as another host', async () => {
    // Act
    const answer = await rawRequest(api.gateway.url, {
      method: 'GET',
      target: '//example.org/v1/health',
      headers: { authorization: `Bearer ${api.gateway.tokens.admin}` },
    });

    // Assess
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers what is not HTTP with the JSON error shape', async () => {
    // Prepare
    const { port } = new URL(api.gateway.url);

    // Act
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });

    // Assess
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'INVALID_REQUEST' },
    });
  });
});

describe('request bodies', () => {
  const dispose = ROUTES.disposeAlert;
  const target = '/v1/alerts/no-such-alert/disposition';

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['JSON in another charset', { 'content-type': 'application/json; charset=latin1' }],
    ['no Content-Type', {}],
  ])('answers 415 for a body sent as %s', async (_, headers: Record<string, string>) => {
    // Act
    const answer = await rawRequest(api.gateway.url, {
      method: 'POST',
      target,
      headers: { authorization: bearer(dispose), ...headers },
      body: JSON.stringify({ verdict: 'fraud' }),
    });

    // Assess
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'Content-Type' },
    });
  });

  it('takes JSON declared with its UTF-8 charset, in any case', async () => {
    // Act
    const answer = await rawRequest(api.gateway.url, {
      method: 'POST',
      target,
      headers: { authorization: bearer(dispose), 'content-type': 'Application/JSON; charset=UTF-8' },
      body: JSON.stringify({ verdict: 'fraud' }),
    });

    // Assess
    expect(answer.status).toBe(404);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    // Act
    const answer = await rawRequest(api.gateway.url, {
      method: 'POST',
      target: '/v1/score',
      headers: { authorization: bearer(ROUTES.scoreOrder), 'content-type': 'application/json' },
      body: `"${'x'.repeat(1024 * 1024)}"`,
    });

    // Assess
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', field: '(body)' } });
  });

  it('the Lambda handlers answer 415 and 413 themselves (API Gateway spells headers as sent)', async () => {
    // Act
    const typed = await invoke(dispose, { 'Content-Type': 'text/plain' }, '{"verdict":"fraud"}');
    const large = await invoke(
      dispose,
      { 'Content-Type': 'application/json' },
      `"${'x'.repeat(1024 * 1024)}"`,
    );
    const json = await invoke(ROUTES.getHealth, { 'Content-Type': 'application/json' }, '{}');

    // Assess
    expect([typed.statusCode, large.statusCode, json.statusCode]).toEqual([415, 413, 200]);
  });
});

describe('the console on its own origin (AWS: VIGIL_CONSOLE_ORIGIN)', () => {
  const ORIGIN = 'https://d1234abcd.cloudfront.net';

  it('names that origin on answers and errors alike; without it, no CORS header', async () => {
    // Prepare
    const previous = process.env.VIGIL_CONSOLE_ORIGIN;
    process.env.VIGIL_CONSOLE_ORIGIN = ORIGIN;

    // Act
    const ok = await invoke(ROUTES.getHealth, {}, '');
    const refused = await invoke(ROUTES.disposeAlert, { 'Content-Type': 'text/plain' }, 'x');
    delete process.env.VIGIL_CONSOLE_ORIGIN;
    const local = await invoke(ROUTES.getHealth, {}, '');
    if (previous !== undefined) process.env.VIGIL_CONSOLE_ORIGIN = previous;

    // Assess
    expect([ok.statusCode, refused.statusCode]).toEqual([200, 415]);
    expect([ok, refused].map((r) => r.headers?.['access-control-allow-origin'])).toEqual([ORIGIN, ORIGIN]);
    expect(local.headers?.['access-control-allow-origin']).toBeUndefined();
  });
});
