import { type AlertsDeps, listAudit } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

/** Built on the first invocation of a cold start and reused by every later one. */
let deps: AlertsDeps | undefined;

/** `GET /v1/audit` (admin): the audit trail, newest first. */
export const handler = apiHandler(ROUTES.listAudit, ({ query }) =>
  listAudit((deps ??= alertsDepsFromEnv()), query),
);
