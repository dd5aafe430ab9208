import { listAlerts } from '../src/api/alerts.ts';
import { listingDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(listingDepsFromEnv);

/** `GET /v1/alerts` (analyst): filtered alerts, newest first, one page. */
export const handler = apiHandler(ROUTES.listAlerts, async ({ caller, query }) =>
  listAlerts(await deps(), caller, query),
);
