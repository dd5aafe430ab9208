import { removeEntry } from '../src/api/lists.ts';
import { listsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(listsDepsFromEnv);

/** `DELETE /v1/lists/entries/{entryId}` (analyst, admin): an entry removed before its expiry. */
export const handler = apiHandler(ROUTES.removeEntry, async ({ caller, params }) =>
  removeEntry(await deps(), caller, params.entryId),
);
