import { ruleStats } from '../src/api/alerts.ts';
import { alertsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(alertsDepsFromEnv);

/** `GET /v1/rules/stats` (analyst): per reason code, alerts, verdicts and precision. */
export const handler = apiHandler(ROUTES.getRuleStats, async ({ caller, query }) =>
  ruleStats(await deps(), caller, query),
);
