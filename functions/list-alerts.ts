import { listAlerts } from '../src/api/alerts.ts';
import { cachedDeps, listingDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

const deps = cachedDeps(listingDepsFromEnv);

/** `GET /v1/alerts` (analyst): filtered alerts, newest first, one page. */
export const handler = apiHandler(ROUTES.listAlerts, async ({ caller, query }) =>
  listAlerts(await deps(), caller, query),
);
