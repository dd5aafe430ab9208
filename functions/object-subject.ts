import { rightsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { objectToProfiling } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(rightsDepsFromEnv);

/** `POST /v1/subjects/objections` (privacy-service): forget the scope's signals, and keep forgetting. */
export const handler = apiHandler(ROUTES.objectToProfiling, async ({ caller, body }) =>
  objectToProfiling(await deps(), caller, body),
);
