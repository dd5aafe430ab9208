import { apiHandler } from '../src/api/middleware.ts';
import { openApiDocument } from '../src/api/openapi.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const document = once(openApiDocument);

/** `GET /openapi.json` (any role): the OpenAPI 3.1 document of every route. */
export const handler = apiHandler(ROUTES.getOpenApi, async () => document());
