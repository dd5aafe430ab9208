import { addEntry } from '../src/api/lists.ts';
import { listsDepsFromEnv } from '../src/api/deps.ts';
import { apiHandler } from '../src/api/middleware.ts';
import { ROUTES } from '../src/api/routes.ts';
import { once } from '../src/shared/once.ts';

const deps = once(listsDepsFromEnv);

/** `POST /v1/lists/entries` (analyst, admin): an allow or deny entry on an entity, with a reason and an expiry. */
export const handler = apiHandler(ROUTES.addEntry, async ({ caller, body }) =>
  addEntry(await deps(), caller, body),
);
