import './quiet.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/api/errors.ts';
import { errorStatuses } from '../../src/api/openapi.ts';
import { ROUTES, type RouteSpec } from '../../src/api/routes.ts';
import { ErrorSchema } from '../../src/api/schemas.ts';
import { rawRequest, type RawAnswer } from '../support/raw-http.ts';
import { aRequest, type GeneratedRequest, markersOf } from '../factories/requests.ts';
import { type ApiHarness, startApi } from './support.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

/** Requests per run, sent at once (the gateway serves them concurrently, as it does any client's). */
const BATCH = 4;
const RUNS = 500;

const CODE_OF: Record<number, ErrorCode> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'ALREADY_DISPOSED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** What a stack trace or a source location looks like in text. */
const STACK = /\n\s+at |\bat .+:\d+:\d+|\.[cm]?[jt]s:\d+|node:internal/;

/** The route the request's method and path name, as the gateway matches them. */
function routeOf(request: GeneratedRequest): { route?: RouteSpec; pathKnown: boolean } {
  const path = new URL(`http://127.0.0.1${request.target}`).pathname;
  let pathKnown = false;
  for (const route of Object.values(ROUTES) as RouteSpec[]) {
    const pattern = new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`);
    if (!pattern.test(path)) continue;
    pathKnown = true;
    if (route.method === request.method) return { route, pathKnown };
  }
  return { pathKnown };
}

/** Every rule an answer keeps, whatever the request. */
function assess(request: GeneratedRequest, answer: RawAnswer): void {
  const where = `${String(request)} answered ${answer.status} ${answer.text.slice(0, 200)}`;
  expect(answer.status, where).toBeLessThan(500);
  expect(String(answer.headers['content-type']), where).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as unknown;
  const { route, pathKnown } = routeOf(request);
  if (['no token', 'unknown token', 'malformed'].includes(request.caller)) {
    expect(answer.status, where).toBe(401);
  } else if (!route) {
    expect(answer.status, where).toBe(pathKnown ? 405 : 404);
  } else {
    const documented = [200, ...errorStatuses(route)];
    expect(documented, where).toContain(answer.status);
    if (answer.status === 200) {
      expect(route.roles, where).toContain(request.caller);
      route.response.parse(body);
    }
  }
  if (answer.status === 200) return;
  expect(ErrorSchema.parse(body).error.code, where).toBe(CODE_OF[answer.status]);
  expect(answer.text, where).not.toMatch(STACK);
  for (const marker of markersOf(request))
    expect(answer.text, `${where} repeats a value`).not.toContain(marker);
}

describe('generated requests over every route and caller', () => {
  it(`answer each of ${BATCH * RUNS} with a documented JSON status, never a 5xx, a stack trace or a value of the request`, async () => {
    // Prepare
    let sent = 0;
    const batches = fc.array(aRequest(api.gateway.tokens), { minLength: BATCH, maxLength: BATCH });

    // Act
    await fc.assert(
      fc.asyncProperty(batches, async (requests) => {
        const answers = await Promise.all(requests.map((r) => rawRequest(api.gateway.url, r)));
        sent += requests.length;

        // Assess
        requests.forEach((request, i) => assess(request, answers[i]!));
      }),
      { numRuns: RUNS },
    );
    expect(sent).toBeGreaterThanOrEqual(BATCH * RUNS);
  }, 300_000);
});
