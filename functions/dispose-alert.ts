import { type AlertsDeps, disposeAlert } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

/** Built on the first invocation of a cold start and reused by every later one. */
let deps: AlertsDeps | undefined;

/** `POST /v1/alerts/{id}/disposition` (analyst): close an alert with a verdict and a note. */
export const handler = apiHandler(ROUTES.disposeAlert, ({ caller, params, body }) =>
  disposeAlert((deps ??= alertsDepsFromEnv()), caller, params.id, body),
);
