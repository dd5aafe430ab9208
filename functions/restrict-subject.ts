import { rightsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { restrictProcessing } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(rightsDepsFromEnv);

/** `POST /v1/subjects/{customerId}/restriction` (privacy-service): keep the data, stop its use. */
export const handler = apiHandler(ROUTES.restrictSubject, async ({ caller, params }) =>
  restrictProcessing(await deps(), caller, params.customerId),
);
