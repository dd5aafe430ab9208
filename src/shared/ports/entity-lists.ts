/**
 * The entity-lists port: the analysts' allow and deny entries, one per list and entity, each
 * keyed by the entity's kind and PSEUDONYM (never a raw value) and expiring by itself.
 */
import type { ProfileKind } from '../profile.ts';
import type { Pseudonym, PseudonymKind } from '../pseudonymise.ts';

/** `allow`: the detection keeps the event at allow; `deny`: it denies the event. */
export const LIST_NAMES = ['allow', 'deny'] as const;
export type ListName = (typeof LIST_NAMES)[number];

/** The entities an entry can be about: the profile kinds that are pseudonyms of one identifier. */
export const LIST_KINDS = [
  'subject',
  'username',
  'ip',
  'network',
  'device',
  'userAgent',
  'payment',
  'address',
] as const satisfies readonly (ProfileKind & PseudonymKind)[];
export type ListKind = (typeof LIST_KINDS)[number];

/** An entry lives at most a year: a standing exception is made again, knowingly, every year. */
export const MAX_ENTRY_DAYS = 365;
/** The analyst's reason, characters at most. */
export const MAX_REASON_CHARS = 500;

/** One allow or deny entry. */
export interface ListEntry {
  list: ListName;
  kind: ListKind;
  /** The entity's pseudonym, as alert evidence shows it. */
  entity: Pseudonym;
  /** Why, in the analyst's words (kept with the entry only; never logged or audited). */
  reason: string;
  /** The principal who made the entry. */
  createdBy: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** ISO 8601 UTC; from then on the entry is gone. */
  expiresAt: string;
}

/** `<list>.<kind>.<pseudonym>`: an entry's id, the same for every entry of one list and entity. */
export type EntryId = `${ListName}.${ListKind}.${string}`;

/** The id of an entry (one per list and entity: a new entry replaces the old). */
export const entryIdOf = (entry: Pick<ListEntry, 'list' | 'kind' | 'entity'>): EntryId =>
  `${entry.list}.${entry.kind}.${entry.entity}`;

/** What a listing may be narrowed to. */
export interface ListFilter {
  list?: ListName;
  kind?: ListKind;
}

/** A page of entries, newest first, and where the next one starts. */
export interface ListPage {
  entries: ListEntry[];
  cursor?: string;
}

/** An entity of an event, as the detection looks it up. */
export interface EntityRef {
  kind: ListKind;
  entity: Pseudonym;
}

/** What the detection needs: the unexpired entries of an event's entities. */
export interface EntityListReader {
  /** The entries of these entities (both lists) that have not expired at `now` (epoch ms). */
  lookup(entities: readonly EntityRef[], now: number): Promise<ListEntry[]>;
}

/**
 * The lists themselves. The in-memory adapter (src/shared/memory/entity-lists.ts) serves replay,
 * evaluation and tests, the DynamoDB adapter (src/shared/dynamo/entity-lists.ts) the functions.
 * Expiry is the store's job on read: an expired entry is never returned, whether or not the
 * database has deleted it yet.
 */
export interface EntityLists extends EntityListReader {
  /** Puts the entry, replacing the one of the same list and entity. */
  put(entry: ListEntry): Promise<void>;
  /** Removes the entry with this id; the removed entry, or undefined when there was none (or it had expired). */
  remove(entryId: EntryId, now: number): Promise<ListEntry | undefined>;
  /**
   * Unexpired entries, newest first, `limit` at most per page; a page may be short and still
   * have a cursor.
   *
   * @throws InvalidListCursorError for a cursor this store did not hand out
   */
  list(filter: ListFilter, now: number, limit: number, cursor?: string): Promise<ListPage>;
}

/**
 * A listing's cursor: the position of the last entry given, `<ISO createdAt>#<entry id>`, which
 * both adapters sort by. The entry id's parts are in groups 2 to 4.
 */
export const LIST_CURSOR =
  /^(\d{4}-\d\d-\d\dT[\d:.]+Z)#((allow|deny)\.([A-Za-z]+)\.v\d{1,4}:[A-Za-z0-9_-]{1,64})$/;

/** The cursor that resumes a listing after this entry. */
export const cursorAfter = (entry: ListEntry): string => `${entry.createdAt}#${entryIdOf(entry)}`;

/** A cursor that this store did not hand out. */
export class InvalidListCursorError extends Error {
  constructor() {
    super('not a cursor of this listing');
    this.name = 'InvalidListCursorError';
  }
}

/** Whether an entry still holds at `now` (epoch ms). */
export const unexpired = (entry: ListEntry, now: number): boolean => Date.parse(entry.expiresAt) > now;
