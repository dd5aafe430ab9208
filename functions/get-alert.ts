import { getAlert } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(alertsDepsFromEnv);

/** `GET /v1/alerts/{id}` (analyst): one alert with its subject's signal timeline. */
export const handler = apiHandler(ROUTES.getAlert, async ({ caller, params }) =>
  getAlert(await deps(), caller, params.id),
);
