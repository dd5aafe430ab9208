import { listAudit } from '../src/api/alerts.ts';
import { cachedDeps, listingDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

const deps = cachedDeps(listingDepsFromEnv);

/** `GET /v1/audit` (admin): the audit trail, newest first. */
export const handler = apiHandler(ROUTES.listAudit, async ({ query }) => listAudit(await deps(), query));
