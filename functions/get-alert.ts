import { type AlertsDeps, getAlert } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

/** Built on the first invocation of a cold start and reused by every later one. */
let deps: AlertsDeps | undefined;

/** `GET /v1/alerts/{id}` (analyst): one alert with its subject's signal timeline. */
export const handler = apiHandler(ROUTES.getAlert, ({ caller, params }) =>
  getAlert((deps ??= alertsDepsFromEnv()), caller, params.id),
);
