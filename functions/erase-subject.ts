import { rightsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { eraseSubject } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(rightsDepsFromEnv);

/** `DELETE /v1/subjects/{customerId}` (privacy-service): erase everything about the customer. */
export const handler = apiHandler(ROUTES.eraseSubject, async ({ caller, params }) =>
  eraseSubject(await deps(), caller, params.customerId),
);
