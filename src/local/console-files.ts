/**
 * The analyst console's static files on the local gateway, at `/console/`: the build of
 * `src/console/` (Vite, into `dist/console/`), public like any page (the console holds no data;
 * every API call it makes carries the analyst's bearer token and meets the gateway's 401 and the
 * handlers' 403 as any other caller's). Every path under `/console/` that is not a file is the
 * console's page, which shows the screen of that path (History API routing).
 *
 * The headers are those the CloudFront response headers policy sets in AWS: a strict
 * Content-Security-Policy (the console's own scripts, styles and API only; no inline script or
 * style, no framing) and the usual security headers, by Hono's secure-headers middleware
 * (https://hono.dev/docs/middleware/builtin/secure-headers).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Env, Hono } from 'hono';
import { compress } from 'hono/compress';
import { secureHeaders } from 'hono/secure-headers';
import { CONSOLE_CONFIG_FILE, CONSOLE_CSP, CONSOLE_PATH, LOCAL_CONSOLE_CONFIG } from '../shared/console.ts';

/** Hashed asset names never change content: cached for good. The page itself is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The console's routes, to be mounted before the gateway's authentication.
 *
 * @example
 * ```ts
 * app.route('/', consoleRoutes(CONSOLE_DIR));
 * ```
 */
export function consoleRoutes<E extends Env>(dir: string): Hono<E> {
  const app = new Hono<E>();
  const page = join(dir, 'index.html');
  app.get(CONSOLE_PATH, (c) => c.redirect(`${CONSOLE_PATH}/`, 301));
  app.use(
    `${CONSOLE_PATH}/*`,
    secureHeaders({
      contentSecurityPolicy: CONSOLE_CSP,
      xFrameOptions: 'DENY',
      strictTransportSecurity: false,
    }),
    compress(),
  );
  // The local settings: the API on this origin, the tokens npm start prints.
  app.get(`${CONSOLE_PATH}/${CONSOLE_CONFIG_FILE}`, (c) => {
    c.header('cache-control', 'no-cache');
    return c.json(LOCAL_CONSOLE_CONFIG);
  });
  app.get(
    `${CONSOLE_PATH}/assets/*`,
    serveStatic({
      root: dir,
      rewriteRequestPath: (path) => path.slice(CONSOLE_PATH.length),
      onFound: (_path, c) => void c.header('cache-control', IMMUTABLE),
    }),
    (c) => c.text('no such file', 404),
  );
  app.get(`${CONSOLE_PATH}/*`, async (c) => {
    if (!existsSync(page)) return c.text('The console is not built: run npm run build:console.', 503);
    c.header('cache-control', 'no-cache');
    return c.html(await readFile(page, 'utf8'));
  });
  return app;
}
