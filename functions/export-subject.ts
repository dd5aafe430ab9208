import { rightsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { exportSubject } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(rightsDepsFromEnv);

/** `GET /v1/subjects/{customerId}/export` (privacy-service): everything stored about the customer. */
export const handler = apiHandler(ROUTES.exportSubject, async ({ caller, params }) =>
  exportSubject(await deps(), caller, params.customerId),
);
