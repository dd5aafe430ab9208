import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';

/** `GET /v1/health` (any role): answers and does nothing else, the overhead floor of the bench. */
export const handler = apiHandler(ROUTES.getHealth, async () => ({ ok: true as const }));
