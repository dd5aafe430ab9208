import { rightsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { getReceipt } from '../src/api/rights.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(rightsDepsFromEnv);

/** `GET /v1/privacy/requests/{requestId}` (privacy-service): a rights request's receipt. */
export const handler = apiHandler(ROUTES.getRightsRequest, async ({ caller, params }) =>
  getReceipt(await deps(), caller, params.requestId),
);
