import { type AlertsDeps, listAlerts } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

/** Built on the first invocation of a cold start and reused by every later one. */
let deps: AlertsDeps | undefined;

/** `GET /v1/alerts` (analyst): filtered alerts, newest first, one page. */
export const handler = apiHandler(ROUTES.listAlerts, ({ caller, query }) =>
  listAlerts((deps ??= alertsDepsFromEnv()), caller, query),
);
