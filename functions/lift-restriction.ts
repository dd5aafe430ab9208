import { rightsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { liftRestriction } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(rightsDepsFromEnv);

/** `DELETE /v1/subjects/{customerId}/restriction` (privacy-service): put the data back in use. */
export const handler = apiHandler(ROUTES.liftRestriction, async ({ caller, params }) =>
  liftRestriction(await deps(), caller, params.customerId),
);
