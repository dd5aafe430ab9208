import { apiHandler } from '../src/api/middleware.ts';
import { openApiDocument } from '../src/api/openapi.ts';
import { ROUTES } from '../src/api/routes.ts';

/** Generated once per cold start. */
let document: ReturnType<typeof openApiDocument> | undefined;

/** `GET /openapi.json` (any role): the OpenAPI 3.1 document of every route. */
export const handler = apiHandler(ROUTES.getOpenApi, async () => (document ??= openApiDocument()));
