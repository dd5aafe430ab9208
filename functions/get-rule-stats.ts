import { type AlertsDeps, ruleStats } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/env.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

/** Built on the first invocation of a cold start and reused by every later one. */
let deps: AlertsDeps | undefined;

/** `GET /v1/rules/stats` (analyst): per reason code, alerts, verdicts and precision. */
export const handler = apiHandler(ROUTES.getRuleStats, ({ caller, query }) =>
  ruleStats((deps ??= alertsDepsFromEnv()), caller, query),
);
