import { cachedDeps, rightsDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { exportSubject } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';

const deps = cachedDeps(rightsDepsFromEnv);

/** `GET /v1/subjects/{customerId}/export` (privacy-service): everything stored about the customer. */
export const handler = apiHandler(ROUTES.exportSubject, async ({ caller, params }) =>
  exportSubject(await deps(), caller, params.customerId),
);
