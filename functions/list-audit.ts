import { listAudit } from '../src/api/alerts.ts';
import { listingDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(listingDepsFromEnv);

/** `GET /v1/audit` (admin): the audit trail, newest first. */
export const handler = apiHandler(ROUTES.listAudit, async ({ query }) => listAudit(await deps(), query));
