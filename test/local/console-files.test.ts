/**
 * The console's static files on the local gateway: public pages with strict security headers,
 * every console path answered with the page, hashed assets cached for good, and the APIs still
 * behind their tokens.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../src/local/gateway.ts';
import { aLambdaContext } from '../api/support.ts';
import { rawRequest } from '../support/raw-http.ts';

let gateway: Gateway;
let dir: string;
const PAGE = '<!doctype html><title>console</title>';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};\n'.repeat(200));
  gateway = await startGateway({
    stage: 'console',
    load: async () => async () => ({ statusCode: 200, body: '{}' }),
    context: aLambdaContext,
    consoleDir: dir,
  });
});
afterAll(async () => {
  gateway.server.closeAllConnections();
  await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const get = (target: string, headers: Record<string, string> = {}) =>
  rawRequest(gateway.url, { method: 'GET', target, headers });

describe('the console on the local gateway', () => {
  it('hands the console its local settings: the API on this origin, sign-in with a token', async () => {
    // Act
    const answer = await get('/console/config.json');

    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ apiUrl: '', signIn: { kind: 'token' } });
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/console/', '/console/alerts/auth-01', '/console/rules?x=1'])(
    'answers %s with the page, without a token, under a strict Content-Security-Policy',
    async (target) => {
      // Act
      const answer = await get(target);

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(PAGE);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(answer.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(answer.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
    },
  );

  it('sends /console on to /console/', async () => {
    // Act
    const answer = await get('/console');

    // Assess
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('/console/');
  });

  it('serves a hashed asset compressed and cached for good, and a missing one as 404, not as the page', async () => {
    // Act
    const [asset, missing] = await Promise.all([
      get('/console/assets/index-abc123.js', { 'accept-encoding': 'gzip' }),
      get('/console/assets/gone-000.js'),
    ]);

    // Assess
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(missing.status).toBe(404);
  });

  it('keeps every API route behind its token', async () => {
    // Act
    const answer = await get('/v1/alerts');

    // Assess
    expect(answer.status).toBe(401);
  });

  it('says how to build the console when it is not built', async () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'vigil-console-empty-'));
    const bare = await startGateway({
      stage: 'console',
      load: async () => async () => ({ statusCode: 200, body: '{}' }),
      context: aLambdaContext,
      consoleDir: empty,
    });

    // Act
    const answer = await rawRequest(bare.url, { method: 'GET', target: '/console/' });

    // Assess
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('npm run build:console');
    bare.server.closeAllConnections();
    await new Promise<void>((resolve) => bare.server.close(() => resolve()));
    rmSync(empty, { recursive: true, force: true });
  });
});
