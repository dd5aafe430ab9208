import { disposeAlert } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(alertsDepsFromEnv);

/** `POST /v1/alerts/{id}/disposition` (analyst): close an alert with a verdict and a note. */
export const handler = apiHandler(ROUTES.disposeAlert, async ({ caller, params, body }) =>
  disposeAlert(await deps(), caller, params.id, body),
);
