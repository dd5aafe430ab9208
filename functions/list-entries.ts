import { listEntries } from '../src/api/lists.ts';
import { listsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(listsDepsFromEnv);

/** `GET /v1/lists/entries` (analyst, admin): the allow and deny entries, newest first, one page. */
export const handler = apiHandler(ROUTES.listEntries, async ({ caller, query }) =>
  listEntries(await deps(), caller, query),
);
