import { apiHandler } from '../src/api/middleware.ts';
import { scoreDepsFromEnv } from '../src/api/env.ts';
import { ROUTES } from '../src/api/routes.ts';
import { type ScoreDeps, scoreOrder } from '../src/api/score.ts';

/** Built on the first invocation of a cold start and reused by every later one. */
let deps: ScoreDeps | undefined;

/** `POST /v1/score` (order-flow): the decision for an order event, within the time budget. */
export const handler = apiHandler(ROUTES.scoreOrder, ({ body }) =>
  scoreOrder(body, (deps ??= scoreDepsFromEnv())),
);
