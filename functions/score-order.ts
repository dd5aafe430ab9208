import { scoreDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { scoreOrder } from '../src/api/score.ts';
import { once } from '../src/shared/once.ts';

const deps = once(scoreDepsFromEnv);

/** `POST /v1/score` (order-flow): the decision for an order event, within the time budget. */
export const handler = apiHandler(ROUTES.scoreOrder, async ({ body }) => scoreOrder(body, await deps()));
