/**
 * The entity-list routes (analyst and admin): list, add and remove allow and deny entries. Every
 * read and change is audited first, by the entry id (a pseudonym, never a raw value); the
 * analyst's free-text reason is kept with the entry only, never in the audit trail or a log.
 */
import type { z } from 'zod';
import type { AuditLog } from '../shared/ports/audit.ts';
import { entityPseudonym } from '../shared/entity-values.ts';
import {
  type EntityLists,
  type EntryId,
  type ListEntry,
  MAX_ENTRY_DAYS,
  entryIdOf,
} from '../shared/ports/entity-lists.ts';
import type { Pseudonym, Pseudonymiser } from '../shared/pseudonymise.ts';
import { rfc3339ToMs } from '../shared/contract/events.ts';
import type { CursorScope, CursorSigner } from './cursors.ts';
import { ApiError } from './errors.ts';
import type { Caller } from './roles.ts';
import type {
  AddEntryBodySchema,
  ListEntriesQuerySchema,
  ListEntriesSchema,
  ListEntrySchema,
} from './lists-schemas.ts';

/** Entries per page when the request names no limit. */
export const DEFAULT_LIST_PAGE = 25;
const DAY_MS = 86_400_000;

export interface ListsDeps {
  lists: EntityLists;
  audit: AuditLog;
  /** Pseudonymises an entry given by raw value. */
  pseudonymiser: Pseudonymiser;
  cursors: CursorSigner;
  /** The processing clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

type ApiEntry = z.input<typeof ListEntrySchema>;

const who = (caller: Caller) => ({ principalId: caller.principalId, role: caller.role });
const toApiEntry = (entry: ListEntry): ApiEntry => ({ entryId: entryIdOf(entry), ...entry });

/**
 * `GET /v1/lists/entries`: the unexpired entries, newest first, filtered by list and kind. Audited.
 *
 * @example
 * ```ts
 * const { entries } = await listEntries(deps, caller, { list: 'deny', kind: 'address' });
 * ```
 */
export async function listEntries(
  deps: ListsDeps,
  caller: Caller,
  query: z.output<typeof ListEntriesQuerySchema>,
): Promise<z.input<typeof ListEntriesSchema>> {
  const filter = { ...(query.list ? { list: query.list } : {}), ...(query.kind ? { kind: query.kind } : {}) };
  const scope: CursorScope = { listing: 'lists', filter };
  const position = query.cursor === undefined ? undefined : deps.cursors.open(scope, query.cursor);
  await deps.audit.append({ ...who(caller), action: 'lists.list', details: filter });
  const now = (deps.now ?? Date.now)();
  const page = await deps.lists.list(filter, now, Number(query.limit ?? DEFAULT_LIST_PAGE), position);
  const entries = page.entries.map(toApiEntry);
  return page.cursor === undefined ? { entries } : { entries, cursor: deps.cursors.sign(scope, page.cursor) };
}

/**
 * `POST /v1/lists/entries`: puts an allow or deny entry on an entity, given by pseudonym or by raw
 * value (pseudonymised here, at once), replacing the entry of the same list and entity. The
 * detection honours it from the next event. Audited before it is made.
 *
 * @throws ApiError 400 naming `value` when the value cannot be of the kind, `expiresAt` when it
 * is not in the next {@link MAX_ENTRY_DAYS} days
 *
 * @example
 * ```ts
 * await addEntry(deps, caller, { list: 'deny', kind: 'ip', value: '203.0.113.9', reason: 'stuffing wave', expiresAt: '2026-12-31T00:00:00Z' });
 * ```
 */
export async function addEntry(
  deps: ListsDeps,
  caller: Caller,
  body: z.output<typeof AddEntryBodySchema>,
): Promise<ApiEntry> {
  const now = (deps.now ?? Date.now)();
  const entry: ListEntry = {
    list: body.list,
    kind: body.kind,
    entity: entityOf(body, deps.pseudonymiser),
    reason: body.reason,
    createdBy: caller.principalId,
    createdAt: new Date(now).toISOString(),
    expiresAt: expiryOf(body.expiresAt, now),
  };
  await deps.audit.append({
    ...who(caller),
    action: 'lists.add',
    target: entryIdOf(entry),
    details: {
      list: entry.list,
      kind: entry.kind,
      expiresAt: entry.expiresAt,
      reasonChars: entry.reason.length,
    },
  });
  await deps.lists.put(entry);
  return toApiEntry(entry);
}

/**
 * `DELETE /v1/lists/entries/{entryId}`: removes an entry before its expiry. Audited before it is
 * removed.
 *
 * @throws ApiError 404 when there is no such entry (or it has expired)
 */
export async function removeEntry(deps: ListsDeps, caller: Caller, entryId: string): Promise<ApiEntry> {
  await deps.audit.append({ ...who(caller), action: 'lists.remove', target: entryId });
  const removed = await deps.lists.remove(entryId as EntryId, (deps.now ?? Date.now)());
  if (!removed) throw new ApiError(404, 'NOT_FOUND', 'entryId: no entry with this id', 'entryId');
  return toApiEntry(removed);
}

/** The entry's pseudonym: as given, or of the raw value (which goes no further than this). */
function entityOf(body: z.output<typeof AddEntryBodySchema>, pseudonymiser: Pseudonymiser): Pseudonym {
  if (body.entity !== undefined) return body.entity as Pseudonym;
  const entity = entityPseudonym(body.kind, body.value!, pseudonymiser);
  if (!entity) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `value: expected an IP address for kind ${body.kind}`,
      'value',
    );
  }
  return entity;
}

/** The expiry as ISO 8601 UTC, checked to lie after `now` and at most {@link MAX_ENTRY_DAYS} days ahead. */
function expiryOf(text: string, now: number): string {
  const at = rfc3339ToMs(text);
  if (at <= now || at > now + MAX_ENTRY_DAYS * DAY_MS) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `expiresAt: expected a time in the next ${MAX_ENTRY_DAYS} days`,
      'expiresAt',
    );
  }
  return new Date(at).toISOString();
}
