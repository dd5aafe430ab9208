import { apiHandler } from '../src/api/middleware.ts';
import { scoreDepsFromEnv } from '../src/api/env.ts';
import { ROUTES } from '../src/api/routes.ts';
import { type ScoreDeps, scoreOrder } from '../src/api/score.ts';

/**
 * Built on the first invocation of a cold start and reused by every later one. A promise, so that
 * overlapping requests (the local gateway's) share one secret read; a failed build is forgotten so
 * that the next request tries again.
 */
let deps: Promise<ScoreDeps> | undefined;

/** `POST /v1/score` (order-flow): the decision for an order event, within the time budget. */
export const handler = apiHandler(ROUTES.scoreOrder, async ({ body }) => {
  deps ??= scoreDepsFromEnv().catch((err: unknown) => {
    deps = undefined;
    throw err;
  });
  return scoreOrder(body, await deps);
});
